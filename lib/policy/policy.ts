/**
 * The normalised policy the rest of the product works with: every default applied, every shorthand
 * expanded (a proportional rule's alarm threshold, a rule's direction), every cross-field rule checked.
 */

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

export interface ScalingRule {
  /** `high` rules fire above a threshold and add capacity; `low` rules fire below one and remove it. */
  direction: Direction;
  when: Condition;
  step: Step;
}

export interface Bounds {
  min: number;
  max: number;
}

export interface AutoScalingTarget {
  kind: 'auto-scaling-group';
  name: string;
  autoScalingGroup: string;
  scaleOut?: ScalingRule;
  scaleIn?: ScalingRule;
  bounds?: Bounds;
  cooldownMinutes: number;
  dryRun: boolean;
}

export type Target = AutoScalingTarget;

export interface Policy {
  version: 1;
  region?: string;
  alarmPrefix: string;
  dryRun: boolean;
  notifications: { emails: string[] };
  targets: Target[];
}

/** The deterministic name of the alarm that drives a target's rule. */
export const alarmName = (
  policy: Pick<Policy, 'alarmPrefix'>,
  target: string,
  direction: Direction,
): string => `${policy.alarmPrefix}-${target}-${direction}`;

export const ruleFor = (target: Target, direction: Direction): ScalingRule | undefined =>
  direction === 'high' ? target.scaleOut : target.scaleIn;

/** Finds the target and rule an alarm belongs to, from its name alone (no AWS call needed). */
export function findAlarmOwner(
  policy: Policy,
  name: string,
): { target: Target; rule: ScalingRule } | undefined {
  for (const target of policy.targets) {
    for (const direction of ['high', 'low'] as const) {
      const rule = ruleFor(target, direction);
      if (rule && alarmName(policy, target.name, direction) === name) return { target, rule };
    }
  }
  return undefined;
}
