/**
 * The plan of an image refresh asked for now (a command on the alarm topic, `autopilot refresh-image`),
 * from fresh reads: the source instances, what the group launches from, an instance refresh already
 * running, another operation's lock on the target. The planner (`planImageRefresh`) is pure; this only
 * reads for it.
 *
 * The launch and instance-refresh adapters are imported when a refresh is planned, not with this module:
 * on-event handles alarms far more often than commands, and its cold start should not pay for them.
 */
import { planImageRefresh, type RefreshPlan } from '../plan/image-refresh';
import type { AutoScalingTarget } from '../policy/policy';
import type { Runtime } from './runtime';

export async function planTargetRefresh(rt: Runtime, target: AutoScalingTarget): Promise<RefreshPlan> {
  const region = rt.aws.region;
  // Refused by the planner, with its reason, before anything is read.
  if (!target.imageRefresh) return planImageRefresh({ target, sources: [], launch: undefined, region });
  const [{ LaunchOps }, { InstanceRefreshes }] = await Promise.all([
    import('../aws/launch-ops'),
    import('../aws/instance-refresh'),
  ]);
  const [sources, launch, active, lock] = await Promise.all([
    rt.instances.find(target.imageRefresh.from.instance),
    new LaunchOps(rt.aws).groupLaunch(target.autoScalingGroup),
    new InstanceRefreshes(rt.aws).active(target.autoScalingGroup),
    rt.store.readLock(target.name),
  ]);
  // A lock past its expiry is a lost owner's: the workflow takes it over, so it holds nothing off.
  const held = lock && lock.expiresAt > rt.now().getTime() / 1000;
  return planImageRefresh({
    target,
    sources,
    launch,
    ...(active ? { active } : {}),
    ...(held ? { lock: { owner: lock.owner, since: lock.since } } : {}),
    region,
  });
}
