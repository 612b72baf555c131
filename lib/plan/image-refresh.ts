/**
 * Whether a target's image can be refreshed now, and the plan if so: the workflow (`refresh-image`)
 * and its rollout step (`start-instance-refresh`), each with a reason a person understands. Pure: the
 * reads are made by the caller. The retention the workflow ends with is planned by
 * `image-retention.ts`, with cleanup's image rule.
 */
import type { Ignored, RefreshImageAction, StartInstanceRefreshAction } from '../model/action';
import type { InstanceFacts } from '../model/instance';
import type { GroupLaunch, InstanceRefreshFacts } from '../model/launch';
import type { AutoScalingTarget } from '../policy/policy';

export interface RefreshInput {
  target: AutoScalingTarget;
  /** Live instances matching `imageRefresh.from`. */
  sources: InstanceFacts[];
  /** What the group launches from; undefined: the group does not exist. */
  launch: GroupLaunch | undefined;
  /** An instance refresh running on the group. */
  active?: InstanceRefreshFacts;
  /** Another operation holding the target. */
  lock?: { owner: string; since: string };
  region: string;
}

export interface RefreshPlan {
  actions: (RefreshImageAction | StartInstanceRefreshAction)[];
  ignored?: Ignored;
}

const refuse = (target: string, reason: string): RefreshPlan => ({
  actions: [],
  ignored: { target, severity: 'warning', reason },
});

export function planImageRefresh(i: RefreshInput): RefreshPlan {
  const t = i.target;
  const refresh = t.imageRefresh;
  if (!refresh) return refuse(t.name, `${t.name} has no imageRefresh in the policy`);
  if (!i.launch) return refuse(t.name, `the group ${t.autoScalingGroup} does not exist`);
  if (i.launch.kind === 'unsupported') return refuse(t.name, `${t.autoScalingGroup}: ${i.launch.detail}`);
  if (i.sources.length !== 1)
    return refuse(
      t.name,
      i.sources.length === 0
        ? `no live instance matches ${t.name}'s image source ${JSON.stringify(refresh.from.instance)}`
        : `${i.sources.length} instances match ${t.name}'s image source (${i.sources.map((s) => s.id).join(', ')}): expected exactly one`,
    );
  if (i.lock) return refuse(t.name, `${t.name} is held by operation ${i.lock.owner} since ${i.lock.since}`);
  if (i.active)
    return refuse(t.name, `instance refresh ${i.active.id} is ${i.active.status} on ${t.autoScalingGroup}`);
  const source = i.sources[0]!;
  const launch =
    i.launch.kind === 'launch-template'
      ? `launch template ${i.launch.templateName} (a new default version)`
      : `launch configuration ${i.launch.name} (a copy with the new image)`;
  const r = refresh.rollout;
  return {
    actions: [
      {
        type: 'refresh-image',
        target: t.name,
        region: i.region,
        autoScalingGroup: t.autoScalingGroup,
        sourceInstanceId: source.id,
        ...(i.launch.imageId ? { fromImageId: i.launch.imageId } : {}),
        reason: `a new image of ${source.id}${refresh.reboot ? ' (rebooted for consistency)' : ''} for ${t.autoScalingGroup}, through its ${launch}; then the lineage keeps its newest ${refresh.keep} images`,
      },
      {
        type: 'start-instance-refresh',
        partOf: 'refresh-image',
        target: t.name,
        region: i.region,
        autoScalingGroup: t.autoScalingGroup,
        launch: i.launch.kind,
        preferences: { ...r },
        reason: `roll the new image out to ${t.autoScalingGroup}, keeping ${r.minHealthyPercentage} % healthy, ${r.warmupSeconds} s warm-up${r.checkpoints ? `, pausing at ${r.checkpoints.join(', ')} %` : ''}${r.autoRollback && i.launch.kind === 'launch-template' && /^\d+$/.test(i.launch.version) ? ', rolled back by Auto Scaling if it fails' : ''}`,
      },
    ],
  };
}
