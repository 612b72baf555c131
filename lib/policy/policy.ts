/**
 * The normalised policy the rest of the product works with: every default applied, every shorthand
 * expanded (a proportional rule's alarm threshold, a rule's direction), every cross-field rule checked.
 */
import type { CleanupPolicy } from './cleanup';
import type { ImageRefreshPolicy } from '../model/refresh-state';

export type Statistic = 'Average' | 'Maximum' | 'Minimum' | 'Sum' | 'SampleCount';

export interface Condition {
  metric: string;
  namespace: string;
  statistic: Statistic;
  comparison: 'above' | 'below';
  threshold: number;
  forMinutes: number;
  periodSeconds: number;
}

/** A fixed number of instances per alarm, or a target utilisation (capacity proportional to load). */
export type Step = { kind: 'fixed'; count: number } | { kind: 'proportional'; target: number };

export type Direction = 'high' | 'low';

/** When a target acts: `high` rules fire above a threshold and add capacity, `low` ones below and remove it. */
export interface Rule {
  direction: Direction;
  when: Condition;
}

/** A rule of an Auto Scaling target: how many instances to add or remove. */
export interface ScalingRule extends Rule {
  step: Step;
}

export interface Bounds {
  min: number;
  max: number;
}

export type { ImageRefreshPolicy, Rollout } from '../model/refresh-state';

export interface AutoScalingTarget {
  kind: 'auto-scaling-group';
  name: string;
  autoScalingGroup: string;
  scaleOut?: ScalingRule;
  scaleIn?: ScalingRule;
  bounds?: Bounds;
  imageRefresh?: ImageRefreshPolicy;
  cooldownMinutes: number;
  dryRun: boolean;
}

export interface HealthCheckPolicy {
  path: string;
  port: number;
  expectStatus: number;
  timeoutSeconds: number;
  host: 'private-ip' | 'public-ip' | string;
}

/**
 * Keeping a single-instance service reachable on its Elastic IP when its instance fails (issue 10): the
 * address moves to a healthy warm standby, or to a replacement launched from the target's newest image.
 */
export interface FailoverPolicy {
  /** A warm standby, by tags or id: the address moves to it when it runs and passes the health check. */
  standby?: { id: string } | { tags: Record<string, string> };
  /**
   * Without a healthy standby: launch a replacement from the newest available image of the target's
   * lineage (or one made now from a stopped instance's volumes), or do nothing but tell (`none`).
   */
  replaceFrom: 'latest-image' | 'none';
  /** Consecutive minutes a status check fails before its alarm fires (the alarm's evaluation periods). */
  statusCheckFailedMinutes: number;
}

/** A single instance, resized one rung of its ladder at a time (the seed's "scale up"), or failed over. */
export interface InstanceTarget {
  kind: 'instance';
  name: string;
  /** Found by tags (a blue-green resize replaces the instance, so tags outlive ids) or by id. */
  instance: { id: string } | { tags: Record<string, string> };
  scaleUp?: Rule;
  scaleDown?: Rule;
  /** Instance types from smallest to biggest; may mix families. Empty for a target with no `scaleUp`. */
  ladder: string[];
  strategy: 'in-place' | 'blue-green';
  healthCheck?: HealthCheckPolicy;
  /** Reboot the instance for a file-system-consistent image (blue-green). */
  reboot: boolean;
  /** What becomes of the old instance once the new one serves (blue-green). */
  retire: 'stop' | 'terminate';
  /** At the top of the ladder, scale out this Auto Scaling target instead (and scale it in first on low load). */
  then?: { scaleOut: string };
  /** Moves the address to a healthy instance when this one fails. */
  failover?: FailoverPolicy;
  cooldownMinutes: number;
  dryRun: boolean;
}

export type Target = AutoScalingTarget | InstanceTarget;

export interface Policy {
  version: 1;
  region?: string;
  alarmPrefix: string;
  dryRun: boolean;
  /** Roles a blue-green replacement may be launched with (its old instance's instance profile's). */
  instanceRoles: string[];
  notifications: { emails: string[] };
  targets: Target[];
  /** The `cleanup:` block; absent when the file has none (then cleanup reports, with every default). */
  cleanup?: CleanupPolicy;
}

/** The deterministic name of the alarm that drives a target's rule. */
export const alarmName = (
  policy: Pick<Policy, 'alarmPrefix'>,
  target: string,
  direction: Direction,
): string => `${policy.alarmPrefix}-${target}-${direction}`;

export function ruleFor(target: Target, direction: Direction): Rule | undefined {
  if (target.kind === 'instance') return direction === 'high' ? target.scaleUp : target.scaleDown;
  return direction === 'high' ? target.scaleOut : target.scaleIn;
}

/** Finds the target and rule an alarm belongs to, from its name alone (no AWS call needed). */
export function findAlarmOwner(policy: Policy, name: string): { target: Target; rule: Rule } | undefined {
  for (const target of policy.targets) {
    for (const direction of ['high', 'low'] as const) {
      const rule = ruleFor(target, direction);
      if (rule && alarmName(policy, target.name, direction) === name) return { target, rule };
    }
  }
  return undefined;
}

/** The two EC2 status checks a failover target's alarms watch: the host's (`system`) and the instance's own. */
export const STATUS_CHECKS = ['system', 'instance'] as const;
export type StatusCheck = (typeof STATUS_CHECKS)[number];

/** The metric of each status check (AWS/EC2, 1 while the check fails, 0 while it passes). */
export const STATUS_CHECK_METRICS: Record<StatusCheck, string> = {
  system: 'StatusCheckFailed_System',
  instance: 'StatusCheckFailed_Instance',
};

/** The deterministic name of a failover target's status-check alarm: `<prefix>-<target>-system-check`. */
export const statusAlarmName = (
  policy: Pick<Policy, 'alarmPrefix'>,
  target: string,
  check: StatusCheck,
): string => `${policy.alarmPrefix}-${target}-${check}-check`;

/** The failover target and status check an alarm belongs to, from its name alone. */
export function findStatusAlarmOwner(
  policy: Policy,
  name: string,
): { target: InstanceTarget & { failover: FailoverPolicy }; check: StatusCheck } | undefined {
  for (const target of policy.targets) {
    if (target.kind !== 'instance' || !target.failover) continue;
    for (const check of STATUS_CHECKS)
      if (statusAlarmName(policy, target.name, check) === name)
        return { target: target as InstanceTarget & { failover: FailoverPolicy }, check };
  }
  return undefined;
}
