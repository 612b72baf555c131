/**
 * Which part of the policy a trigger concerns, decided from the trigger and the policy alone (no AWS
 * call), so that the many events that need nothing (an unmanaged alarm, a return to OK) cost nothing.
 */
import type {
  AlarmTrigger,
  CommandTrigger,
  FailoverCheckTrigger,
  InstanceStateChangeTrigger,
  Trigger,
} from '../events/trigger';
import { FAILED_INSTANCE_STATES } from '../events/ec2-state-change';
import type { Ignored } from '../model/action';
import {
  findAlarmOwner,
  findStatusAlarmOwner,
  type AutoScalingTarget,
  type FailoverPolicy,
  type InstanceTarget,
  type Policy,
  type Rule,
  type ScalingRule,
  type StatusCheck,
} from '../policy/policy';

/** An instance target with a failover block. */
export type FailoverTarget = InstanceTarget & { failover: FailoverPolicy };

/** What set a failover off: a status-check alarm, an EC2 state change, or reconcile's look. */
export type FailoverDetection =
  | { kind: 'status-check'; trigger: AlarmTrigger; check: StatusCheck }
  | { kind: 'state-change'; trigger: InstanceStateChangeTrigger }
  | { kind: 'reconcile'; trigger: FailoverCheckTrigger };

/** Each kind that acts carries its trigger, typed for it. */
export type Route =
  | { kind: 'capacity'; trigger: AlarmTrigger; target: AutoScalingTarget; rule: ScalingRule }
  | { kind: 'resize'; trigger: AlarmTrigger; target: InstanceTarget; rule: Rule }
  | { kind: 'refresh-image'; trigger: CommandTrigger; target: AutoScalingTarget }
  /** `targets`: the one the alarm or reconcile names; for a state change, every failover target (which one the instance serves is known only from AWS). */
  | { kind: 'failover'; detection: FailoverDetection; targets: FailoverTarget[] }
  | { kind: 'ignore'; ignored: Ignored };

const ignore = (reason: string, severity: Ignored['severity'] = 'info', target?: string): Route => ({
  kind: 'ignore',
  ignored: { reason, severity, ...(target ? { target } : {}) },
});

export function routeTrigger(trigger: Trigger, policy: Policy): Route {
  switch (trigger.kind) {
    case 'alarm': {
      const status = findStatusAlarmOwner(policy, trigger.alarmName);
      if (status) {
        if (trigger.state !== 'ALARM')
          return ignore(
            `alarm ${trigger.alarmName} went to ${trigger.state}: only a change to ALARM fails over`,
            'info',
            status.target.name,
          );
        return {
          kind: 'failover',
          detection: { kind: 'status-check', trigger, check: status.check },
          targets: [status.target],
        };
      }
      const owner = findAlarmOwner(policy, trigger.alarmName);
      if (!owner) {
        return ignore(
          `alarm ${trigger.alarmName} is not managed by this policy (its alarms are named ${policy.alarmPrefix}-<target>-high|low)`,
        );
      }
      if (trigger.state !== 'ALARM') {
        const from = trigger.previousState ? ` from ${trigger.previousState}` : '';
        return ignore(
          `alarm ${trigger.alarmName} went to ${trigger.state}${from}: only a change to ALARM acts`,
          'info',
          owner.target.name,
        );
      }
      return owner.target.kind === 'instance'
        ? { kind: 'resize', trigger, target: owner.target, rule: owner.rule }
        : { kind: 'capacity', trigger, target: owner.target, rule: owner.rule as ScalingRule };
    }
    case 'autoscaling-notification': {
      const target = policy.targets.find(
        (t) => t.kind === 'auto-scaling-group' && t.autoScalingGroup === trigger.autoScalingGroupName,
      );
      const what = `Auto Scaling ${trigger.event.replace(/^autoscaling:/, '')} for ${trigger.autoScalingGroupName}`;
      if (!target) return ignore(`${what}: group not managed by this policy`);
      if (/_ERROR$/.test(trigger.event)) {
        return ignore(
          `${what} failed${trigger.instanceId ? ` (${trigger.instanceId})` : ''}: ${trigger.description ?? trigger.cause ?? 'no detail given'}`,
          'warning',
          target.name,
        );
      }
      return ignore(
        `${what}${trigger.instanceId ? ` (${trigger.instanceId})` : ''}: recorded, nothing to do`,
        'info',
        target.name,
      );
    }
    case 'instance-state-change': {
      const targets = failoverTargets(policy);
      // Resizes follow their instances through their own workflow; only failover acts on state changes.
      if (!(FAILED_INSTANCE_STATES as readonly string[]).includes(trigger.state) || targets.length === 0)
        return ignore(`instance ${trigger.instanceId} is ${trigger.state}: nothing to do`);
      return { kind: 'failover', detection: { kind: 'state-change', trigger }, targets };
    }
    case 'failover-check': {
      const target = failoverTargets(policy).find((t) => t.name === trigger.target);
      if (!target) return ignore(`${trigger.target} has no failover in the policy: nothing to do`);
      return { kind: 'failover', detection: { kind: 'reconcile', trigger }, targets: [target] };
    }
    case 'schedule':
      return ignore('scheduled events are handled by the reconcile and cleanup functions, not by on-event');
    case 'command':
      return routeCommand(trigger, policy);
  }
}

export const failoverTargets = (policy: Policy): FailoverTarget[] =>
  policy.targets.filter((t): t is FailoverTarget => t.kind === 'instance' && t.failover !== undefined);

/**
 * A command names a target by hand: one the policy does not have, or whose part the command concerns is
 * missing, is a mistake a person should hear of (a warning, e-mailed), not bad input to retry.
 */
function routeCommand(trigger: CommandTrigger, policy: Policy): Route {
  const named = policy.targets.find((t) => t.name === trigger.target);
  const refreshed = policy.targets.filter((t) => t.kind === 'auto-scaling-group' && t.imageRefresh);
  const withIt = `targets with imageRefresh: ${refreshed.map((t) => t.name).join(', ') || 'none'}`;
  const what = `the ${trigger.command} command for ${trigger.target}`;
  if (!named)
    return ignore(`${what}: no target ${trigger.target} in the policy (${withIt}): not acted on`, 'warning');
  if (named.kind !== 'auto-scaling-group' || !named.imageRefresh)
    return ignore(
      `${what}: ${named.name} has no imageRefresh in the policy (${withIt}): not acted on`,
      'warning',
      named.name,
    );
  return { kind: 'refresh-image', trigger, target: named };
}

/**
 * The idempotency key of an event: the alarm's name and the time of its state change; for a command, the
 * command, its target and the SNS message's id (SNS gives every publish its own, and every delivery of
 * it the same). The key names the durable operation too, so a Step Functions execution is one per key.
 */
export function eventKey(trigger: Trigger): string | undefined {
  if (trigger.kind === 'command') return `${trigger.command}-${trigger.target}@${trigger.messageId}`;
  // EC2 sends one event per state change; a duplicate delivery carries the same instance, state and time.
  if (trigger.kind === 'instance-state-change')
    return `${trigger.instanceId}-${trigger.state}@${trigger.time}`;
  return trigger.kind === 'alarm' && trigger.source !== 'reconcile'
    ? `${trigger.alarmName}@${trigger.stateChangeTime}`
    : undefined;
}

/**
 * The idempotency key of a failover's trigger. A status-check alarm re-checked by reconcile has the key
 * of its own state change (the event it stands in for, were it lost): once handled, the re-check is a
 * duplicate, so a target that could not be failed over is not e-mailed about every five minutes. For
 * reconcile's own look, the situation it saw (the instance and its state) is the event, once.
 */
export function failoverKey(detection: FailoverDetection): string | undefined {
  switch (detection.kind) {
    case 'status-check':
      return `${detection.trigger.alarmName}@${detection.trigger.stateChangeTime}`;
    case 'state-change':
      return eventKey(detection.trigger);
    case 'reconcile': {
      const t = detection.trigger;
      return `failover-${t.target}@${t.instanceId ?? 'no-instance'}:${t.seen.replace(/\s+/g, '-')}`;
    }
  }
}
