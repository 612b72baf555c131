/**
 * Which part of the policy a trigger concerns, decided from the trigger and the policy alone (no AWS
 * call), so that the many events that need nothing (an unmanaged alarm, a return to OK) cost nothing.
 */
import type { AlarmTrigger, CommandTrigger, Trigger } from '../events/trigger';
import type { Ignored } from '../model/action';
import {
  findAlarmOwner,
  type AutoScalingTarget,
  type InstanceTarget,
  type Policy,
  type Rule,
  type ScalingRule,
} from '../policy/policy';

/** Each kind that acts carries its trigger, typed for it. */
export type Route =
  | { kind: 'capacity'; trigger: AlarmTrigger; target: AutoScalingTarget; rule: ScalingRule }
  | { kind: 'resize'; trigger: AlarmTrigger; target: InstanceTarget; rule: Rule }
  | { kind: 'refresh-image'; trigger: CommandTrigger; target: AutoScalingTarget }
  | { kind: 'ignore'; ignored: Ignored };

const ignore = (reason: string, severity: Ignored['severity'] = 'info', target?: string): Route => ({
  kind: 'ignore',
  ignored: { reason, severity, ...(target ? { target } : {}) },
});

export function routeTrigger(trigger: Trigger, policy: Policy): Route {
  switch (trigger.kind) {
    case 'alarm': {
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
    case 'instance-state-change':
      // Resizes follow their instances through their own workflow; a state change needs nothing more.
      return ignore(`instance ${trigger.instanceId} is ${trigger.state}: nothing to do`);
    case 'schedule':
      return ignore('scheduled events are handled by the reconcile and cleanup functions, not by on-event');
    case 'command':
      return routeCommand(trigger, policy);
  }
}

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
  return trigger.kind === 'alarm' && trigger.source !== 'reconcile'
    ? `${trigger.alarmName}@${trigger.stateChangeTime}`
    : undefined;
}
