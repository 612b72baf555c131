/**
 * Alarm events that must not act even though they name one of the policy's alarms. Pure: (trigger,
 * rule, now, the fleet's region, the deployment's alarm topic) → a reason to ignore it, or nothing.
 * In order:
 *
 * 1. its topic: delivered by an SNS topic other than the deployment's alarm topic — another
 *    deployment's, or a copy of the alarm wired elsewhere — it is not this deployment's to act on,
 *    whatever else it says, so this is checked first;
 * 2. its time: older than the idempotency window (a replay the claims no longer remember would act
 *    again) or from the future beyond a small clock skew;
 * 3. its region: the alarm is in another region than the fleet (its target is not the group here);
 * 4. its operator: a "high" rule's alarm that fires below its threshold (or a "low" one above) says the
 *    alarm was edited by hand — acting would scale against the load;
 * 5. its datapoints: not finite, or beyond anything CloudWatch reports (they would size the group).
 */
import type { AlarmTrigger } from '../events/trigger';
import type { Ignored } from '../model/action';
import type { Rule } from '../policy/policy';

/** How long handled events are remembered (the claims' retention): older events are not acted on. */
export const EVENT_WINDOW_MS = 7 * 24 * 3600 * 1000;
/** Clocks may disagree this much: a state change "from the future" within it is taken as now. */
export const CLOCK_SKEW_MS = 5 * 60 * 1000;
/** No CloudWatch metric a policy scales on reports beyond this (bytes, counts, percent alike). */
export const LARGEST_DATAPOINT = 1e15;

const warn = (reason: string, target: string): Ignored => ({ reason, severity: 'warning', target });

export function eventGuard(
  trigger: AlarmTrigger,
  rule: Rule,
  target: string,
  context: { now: Date; region?: string; alarmTopicArn?: string },
): Ignored | undefined {
  const name = `alarm ${trigger.alarmName}`;
  // Nothing to compare, so no ignore, when either side is unknown: only an SNS delivery names a topic
  // (EventBridge, a direct alarm action and reconcile's re-checks come from none; a hand-built SNS
  // record may omit it), and a runtime without a deployment (a local `plan --event`) knows no alarm
  // topic. ARNs are compared whole: a topic of the same name in another account or region is another.
  const { topicArn } = trigger;
  if (topicArn !== undefined && context.alarmTopicArn !== undefined && topicArn !== context.alarmTopicArn)
    return warn(
      `${name} was delivered by the SNS topic ${topicArn}, not by this deployment's alarm topic ${context.alarmTopicArn}: not acted on`,
      target,
    );
  const at = Date.parse(trigger.stateChangeTime);
  if (Number.isNaN(at))
    return warn(`${name}: its state-change time ${trigger.stateChangeTime} is not a time`, target);
  const age = context.now.getTime() - at;
  if (age > EVENT_WINDOW_MS)
    return warn(
      `${name} changed state at ${trigger.stateChangeTime}, longer ago than the ${EVENT_WINDOW_MS / 86_400_000} days events are remembered: a replay is not acted on`,
      target,
    );
  if (age < -CLOCK_SKEW_MS)
    return warn(`${name} changed state at ${trigger.stateChangeTime}, in the future: not acted on`, target);
  if (trigger.region && context.region && trigger.region !== context.region)
    return warn(
      `${name} is in ${trigger.region}, but this fleet runs in ${context.region}: not acted on here`,
      target,
    );
  const comparison = trigger.comparison ?? '';
  const contrary = rule.direction === 'high' ? /^LessThan/.test(comparison) : /^GreaterThan/.test(comparison);
  if (contrary)
    return warn(
      `${name} fires when the metric is ${comparison}, the opposite of its ${rule.direction} rule: it was changed by hand (reconcile repairs it); not acted on`,
      target,
    );
  const absurd = trigger.datapoints.find((v) => !Number.isFinite(v) || Math.abs(v) > LARGEST_DATAPOINT);
  if (absurd !== undefined)
    return warn(`${name} carries the datapoint ${absurd}, which no metric reports: not acted on`, target);
  return undefined;
}
