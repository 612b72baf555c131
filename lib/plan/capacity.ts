/**
 * Alarm-driven desired capacity for an Auto Scaling target, the seed's "+2 above 70 % for 5 minutes,
 * −1 below 30 %". Pure: (alarm, target, snapshot, now) → a decision, no I/O and no clock.
 *
 * Order of checks, cheapest and most common first: the alarm must be in ALARM, the group must exist
 * and accept changes, the cooldown must have passed, then the new capacity is computed, clamped to the
 * group's and the policy's bounds, and (for scale-in) held back so the remaining instances would not be
 * pushed straight over the scale-out threshold.
 */
import type { AlarmTrigger } from '../events/trigger';
import type { SetDesiredCapacityAction } from '../model/action';
import type { AutoScalingGroupState, AutoScalingSnapshot } from '../model/snapshot';
import type { AutoScalingTarget, ScalingRule } from '../policy/policy';
import { monthlyCost, type PriceLookup, hourlyPrice } from '../pricing/on-demand';
import { cooldownEnds } from './cooldown';
import { formatMetric, formatTime } from './wording';

export interface Decision {
  action?: SetDesiredCapacityAction;
  /** Why nothing is done; `warning` ones need a person (e-mailed), `info` ones are routine (logged). */
  ignored?: { reason: string; severity: 'info' | 'warning' };
}

const skip = (reason: string, severity: 'info' | 'warning' = 'info'): Decision => ({
  ignored: { reason, severity },
});

/** The value that made the alarm fire: the highest breaching datapoint, else the value read from CloudWatch. */
export function observedValue(trigger: AlarmTrigger, snapshot: AutoScalingSnapshot): number | undefined {
  return trigger.datapoints.length > 0 ? Math.max(...trigger.datapoints) : snapshot.metricValue;
}

function effectiveBounds(target: AutoScalingTarget, minSize: number, maxSize: number) {
  return {
    min: Math.max(minSize, target.bounds?.min ?? 0),
    max: Math.min(maxSize, target.bounds?.max ?? Number.POSITIVE_INFINITY),
  };
}

/**
 * Instances needed to carry `load` (in instance-units): rounded up, with a tolerance for floating-point
 * noise (3 × 70 / 70 must be 3, not 4), and never zero while there is any load at all.
 */
export function instancesFor(load: number): number {
  return load <= 0 ? 0 : Math.max(1, Math.ceil(load - 1e-9));
}

/** Capacity the rule asks for, before bounds; undefined when a proportional rule has no metric value. */
function requested(rule: ScalingRule, current: number, value: number | undefined): number | undefined {
  const add = rule.direction === 'high';
  if (rule.step.kind === 'fixed') return add ? current + rule.step.count : current - rule.step.count;
  if (value === undefined) return undefined;
  // Target tracking: capacity so that the load per instance returns to the target. Rounding up favours
  // capacity both ways (adds a whole instance, removes only whole instances' worth of spare load).
  const ideal = instancesFor((current * value) / rule.step.target);
  return add ? Math.max(ideal, current + 1) : ideal;
}

function stepWords(rule: ScalingRule, current: number, value: number | undefined): string {
  if (rule.step.kind === 'fixed') return `${rule.direction === 'high' ? 'add' : 'remove'} ${rule.step.count}`;
  return `target ${formatMetric(rule.when.metric, rule.step.target)}: ceil(${current} × ${value} / ${rule.step.target})`;
}

/** `CPUUtilization at 85.2 % was above 70 for 5 min`. */
function whereWords(rule: ScalingRule, value: number | undefined): string {
  const at = value === undefined ? '' : `at ${formatMetric(rule.when.metric, value)} `;
  return `${rule.when.metric} ${at}was ${rule.when.comparison} ${rule.when.threshold} for ${rule.when.forMinutes} min`;
}

/**
 * Whether the group accepts a change in `direction` at all: it exists, is not being deleted, and the
 * process the change needs is not suspended. The planner asks it of the snapshot, and the executor
 * asks it again of the group read just before SetDesiredCapacity.
 */
export function groupRefusal(
  group: AutoScalingGroupState | undefined,
  asg: string,
  direction: 'out' | 'in',
): Decision['ignored'] {
  if (!group)
    return {
      reason: `Auto Scaling group ${asg} does not exist: check the policy's autoScalingGroup`,
      severity: 'warning',
    };
  if (group.status)
    return { reason: `Auto Scaling group ${asg} is ${group.status}: not changing it`, severity: 'warning' };
  const blocked = direction === 'out' ? 'Launch' : 'Terminate';
  if (group.suspendedProcesses.includes(blocked))
    return {
      reason: `${asg} has its ${blocked} process suspended: not scaling ${direction}`,
      severity: 'warning',
    };
  return undefined;
}

export interface CapacityInput {
  trigger: AlarmTrigger;
  target: AutoScalingTarget;
  rule: ScalingRule;
  snapshot: AutoScalingSnapshot;
  now: Date;
  prices?: PriceLookup;
  /** The event's idempotency key: a change this very event recorded before is resumed, not repeated. */
  eventKey?: string;
}

export function planCapacity({
  trigger,
  target,
  rule,
  snapshot,
  now,
  prices = hourlyPrice,
  eventKey,
}: CapacityInput): Decision {
  const asg = target.autoScalingGroup;
  if (trigger.state !== 'ALARM') {
    return skip(`alarm ${trigger.alarmName} is ${trigger.state}: only a change to ALARM acts`);
  }
  const direction = rule.direction === 'high' ? 'out' : 'in';
  const refused = groupRefusal(snapshot.group, asg, direction);
  if (refused || !snapshot.group) return { ignored: refused };
  const group = snapshot.group;
  const current = group.desiredCapacity;
  /** The decision to move the group from where it is to `to`, priced. */
  const scale = (to: number, reason: string): Decision => {
    const delta = monthlyCost(group.instanceType, to - current, prices);
    return {
      action: {
        type: 'set-desired-capacity',
        target: target.name,
        autoScalingGroup: asg,
        from: current,
        to,
        direction,
        ...(group.instanceType ? { instanceType: group.instanceType } : {}),
        reason,
        ...(delta === undefined ? {} : { monthlyCostDeltaUsd: delta }),
        ...(trigger.region ? { region: trigger.region } : {}),
      },
    };
  };

  // An earlier attempt of this same event recorded its change, and its answer was lost (or it ran out of
  // time): the group tells whether the change landed. Resumed, never added to.
  const last = snapshot.record;
  if (eventKey && last.lastKey === eventKey && typeof last.lastTo === 'number') {
    if (current === last.lastTo)
      return skip(`an earlier attempt of this event already scaled ${asg} ${last.lastFrom} → ${last.lastTo}`);
    if (current === last.lastFrom)
      return scale(
        last.lastTo,
        `resuming the change an earlier attempt of this event recorded at ${formatTime(new Date(last.lastActionAt ?? 0))}: scale ${asg} ${direction} ${current} → ${last.lastTo}`,
      );
  }

  const ends = cooldownEnds(snapshot.record, target.cooldownMinutes, direction);
  if (ends && now < ends) {
    return skip(
      `${target.name} is cooling down until ${formatTime(ends)} after scaling ${last.lastDirection} ` +
        `${last.lastFrom} → ${last.lastTo} at ${formatTime(new Date(last.lastActionAt ?? 0))}; ` +
        `the next reconcile re-checks the alarm then`,
    );
  }

  const value = observedValue(trigger, snapshot);
  const bounds = effectiveBounds(target, group.minSize, group.maxSize);
  if (bounds.min > bounds.max) {
    return skip(
      `the policy's bounds (${target.bounds?.min}–${target.bounds?.max}) and ${asg}'s MinSize/MaxSize ` +
        `(${group.minSize}–${group.maxSize}) do not overlap`,
      'warning',
    );
  }
  const asked = requested(rule, current, value);
  if (asked === undefined) {
    return skip(
      `no value of ${rule.when.metric} is known, so proportional scaling cannot size ${asg}`,
      'warning',
    );
  }
  if (direction === 'in' && asked >= current) {
    return skip(
      `${rule.when.metric} at ${formatMetric(rule.when.metric, value ?? 0)} still needs ${asked} instance(s) ` +
        `at target ${rule.step.kind === 'proportional' ? rule.step.target : ''}: ${asg} stays at ${current}`,
    );
  }
  let to = Math.min(Math.max(asked, bounds.min), bounds.max);

  const high = target.scaleOut?.when;
  let held = '';
  if (direction === 'in' && to < current) {
    if (value === undefined) {
      return skip(
        `no value of ${rule.when.metric} is known, so scaling in ${asg} cannot be checked against the load`,
      );
    }
    if (high && high.metric === rule.when.metric && high.namespace === rule.when.namespace) {
      // Hysteresis: the load moves onto the instances that remain; never remove so many that they
      // would cross the scale-out threshold and the next alarm would undo this change.
      const floor = instancesFor((value * current) / high.threshold);
      if (floor > to) {
        if (floor > bounds.max && floor < current) {
          // Only for a group left above the bounds by hand: the bounds and the load disagree.
          return skip(
            `${whereWords(rule, value)}, but bringing ${asg} within its maximum ${bounds.max} would put ` +
              `${rule.when.metric} over the scale-out threshold ${high.threshold}: not scaling in`,
            'warning',
          );
        }
        held = ` (held at ${Math.min(floor, current)} so the load per instance stays at or below ${high.threshold})`;
        to = Math.min(floor, current);
      }
    }
  }

  const where = whereWords(rule, value);
  if (to === current) {
    if (held) {
      const projected = (value! * current) / (current - 1);
      return skip(
        `${where}, but removing an instance from ${asg} would put ${rule.when.metric} at about ` +
          `${formatMetric(rule.when.metric, projected)}, over the scale-out threshold ${high!.threshold}`,
      );
    }
    const edge = direction === 'out' ? `maximum (${bounds.max})` : `minimum (${bounds.min})`;
    return skip(
      `${where}, but ${asg} is already at its ${edge}: nothing to ${direction === 'out' ? 'add' : 'remove'}`,
      direction === 'out' ? 'warning' : 'info',
    );
  }
  if ((direction === 'out' && to < current) || (direction === 'in' && to > current)) {
    // Only when the group was put outside the bounds by hand; an alarm never moves it the wrong way.
    return skip(
      `${asg} is at ${current}, outside the bounds ${bounds.min}–${bounds.max}; not moving it against the alarm`,
      'warning',
    );
  }

  return scale(
    to,
    `${where}: scale ${asg} ${direction} ${current} → ${to} (${stepWords(rule, current, value)}` +
      `, bounds ${bounds.min}–${bounds.max})${held}`,
  );
}
