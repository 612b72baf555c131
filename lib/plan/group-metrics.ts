/**
 * The group metrics the dashboard draws for an Auto Scaling target: its desired and in-service capacity.
 * Auto Scaling publishes them only while the group's metrics collection has them (they cost nothing),
 * so reconcile turns them on for every group the policy names that exists and lacks one. Pure.
 */
import type { EnableGroupMetricsAction } from '../model/action';
import type { ExistingGroup } from '../model/snapshot';
import type { Target } from '../policy/policy';

export const DASHBOARD_GROUP_METRICS = ['GroupDesiredCapacity', 'GroupInServiceInstances'] as const;

export function planGroupMetrics(
  targets: readonly Target[],
  groups: ReadonlyMap<string, ExistingGroup>,
): EnableGroupMetricsAction[] {
  // The policy names a group at most once (validate refuses a second target on it).
  return targets.flatMap((t): EnableGroupMetricsAction[] => {
    if (t.kind !== 'auto-scaling-group') return [];
    const group = groups.get(t.autoScalingGroup);
    // A missing group is warned about elsewhere; one being deleted is left alone.
    if (!group || group.status) return [];
    const missing = DASHBOARD_GROUP_METRICS.filter((m) => !group.enabledMetrics.includes(m));
    if (missing.length === 0) return [];
    return [
      {
        type: 'enable-group-metrics',
        target: t.name,
        autoScalingGroup: t.autoScalingGroup,
        metrics: [...missing],
        reason: `${t.autoScalingGroup} does not publish ${missing.join(' and ')} (the dashboard's capacity graph): turn its group metrics collection on for them (free)`,
      },
    ];
  });
}
