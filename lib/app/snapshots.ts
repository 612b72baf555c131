/**
 * Fresh snapshots of a target, read just before planning: what the pure planners decide from.
 */
import type { Runtime } from './runtime';
import type { AlarmTrigger } from '../events/trigger';
import type { AutoScalingSnapshot, InstanceSnapshot } from '../model/snapshot';
import { nextRung } from '../plan/ladder';
import type { AutoScalingTarget, InstanceTarget, ScalingRule } from '../policy/policy';

export async function readGroupSnapshot(
  rt: Runtime,
  trigger: AlarmTrigger,
  target: AutoScalingTarget,
  rule: ScalingRule | undefined,
): Promise<AutoScalingSnapshot> {
  const [group, record] = await Promise.all([
    rt.groups.describeGroup(target.autoScalingGroup),
    rt.store.readTarget(target.name),
  ]);
  // The value matters for proportional steps and for the scale-in hysteresis check; an event without
  // datapoints (e.g. a hand-made test notification) falls back to CloudWatch.
  const needsValue = rule && (rule.step.kind === 'proportional' || rule.direction === 'low');
  const metricValue =
    needsValue && trigger.datapoints.length === 0 && group
      ? await rt.metrics.recentValue(rule.when, { AutoScalingGroupName: target.autoScalingGroup }, rt.now())
      : undefined;
  return {
    kind: 'auto-scaling-group',
    ...(group ? { group } : {}),
    record,
    ...(metricValue === undefined ? {} : { metricValue }),
  };
}

/**
 * The instance a target names, and the type facts of its current type and the rung the alarm points
 * to (DescribeInstanceTypes and the zone's offerings), so the planner can check the move.
 */
export async function readInstanceSnapshot(
  rt: Runtime,
  target: InstanceTarget,
  direction: 'up' | 'down',
): Promise<InstanceSnapshot> {
  const [matches, record, lock] = await Promise.all([
    rt.instances.find(target.instance, target.name),
    rt.store.readTarget(target.name),
    rt.store.readLock(target.name),
  ]);
  const live =
    lock && lock.expiresAt > rt.now().getTime() / 1000 ? { owner: lock.owner, since: lock.since } : undefined;
  const snapshot: InstanceSnapshot = {
    kind: 'instance',
    matches,
    types: {},
    record,
    ...(live ? { lock: live } : {}),
  };
  const instance = matches.length === 1 ? matches[0]! : undefined;
  const candidate = instance ? nextRung(target.ladder, instance.type, direction) : undefined;
  if (!instance || !candidate) return snapshot;
  const facts = await rt.instances.typeFacts([instance.type, candidate]);
  snapshot.types = Object.fromEntries(facts);
  if (instance.availabilityZone)
    snapshot.offeredInZone = await rt.instances.offeredInZone(candidate, instance.availabilityZone);
  return snapshot;
}
