/**
 * Events that must not act even though they name one of the policy's alarms (or, for a command, one of
 * its targets). Pure: (trigger, rule, now, the fleet's region, the deployment's alarm topic) → a reason
 * to ignore it, or nothing. For an alarm, in order:
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
 *
 * A command (`commandGuard`) is checked for its topic and its time the same way, and for nothing else:
 * anyone who may publish to the alarm topic may ask for what the policy allows on demand.
 */
import type { AlarmTrigger, CommandTrigger, InstanceStateChangeTrigger } from '../events/trigger';
import type { Ignored } from '../model/action';
import type { Rule } from '../policy/policy';

/** How long handled events are remembered (the claims' retention): older events are not acted on. */
export const EVENT_WINDOW_MS = 7 * 24 * 3600 * 1000;
/** Clocks may disagree this much: a state change "from the future" within it is taken as now. */
export const CLOCK_SKEW_MS = 5 * 60 * 1000;
/** No CloudWatch metric a policy scales on reports beyond this (bytes, counts, percent alike). */
export const LARGEST_DATAPOINT = 1e15;

const warn = (reason: string, target: string | undefined): Ignored => ({
  reason,
  severity: 'warning',
  ...(target !== undefined ? { target } : {}),
});

/** How the time of an event is spoken of: what it is, and what happened then. */
interface TimeWords {
  noun: string;
  verb: string;
}
const STATE_CHANGE: TimeWords = { noun: 'state-change time', verb: 'changed state' };
const PUBLISHED: TimeWords = { noun: 'publication time', verb: 'was published' };
const HAPPENED: TimeWords = { noun: 'event time', verb: 'happened' };

export function eventGuard(
  trigger: AlarmTrigger,
  rule: Rule,
  target: string,
  context: { now: Date; region?: string; alarmTopicArn?: string },
): Ignored | undefined {
  const name = `alarm ${trigger.alarmName}`;
  const fromElsewhere = topicGuard(name, trigger.topicArn, target, context.alarmTopicArn);
  if (fromElsewhere) return fromElsewhere;
  const untimely = timeGuard(name, STATE_CHANGE, trigger.stateChangeTime, target, context.now);
  if (untimely) return untimely;
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

/**
 * Only the deployment's alarm topic speaks to it. Nothing to compare, so no ignore, when either side is
 * unknown: only an SNS delivery names a topic (EventBridge, a direct alarm action and reconcile's
 * re-checks come from none; a hand-built SNS record may omit it), and a runtime without a deployment (a
 * local `plan --event`) knows no alarm topic. ARNs are compared whole: a topic of the same name in
 * another account or region is another.
 */
function topicGuard(
  name: string,
  topicArn: string | undefined,
  target: string | undefined,
  alarmTopicArn: string | undefined,
): Ignored | undefined {
  if (topicArn === undefined || alarmTopicArn === undefined || topicArn === alarmTopicArn) return undefined;
  return warn(
    `${name} was delivered by the SNS topic ${topicArn}, not by this deployment's alarm topic ${alarmTopicArn}: not acted on`,
    target,
  );
}

/** Older than the claims remember (a replay would act again), or from the future beyond the skew. */
function timeGuard(
  name: string,
  { noun, verb: what }: TimeWords,
  time: string,
  target: string | undefined,
  now: Date,
): Ignored | undefined {
  const at = Date.parse(time);
  if (Number.isNaN(at)) return warn(`${name}: its ${noun} ${time} is not a time`, target);
  const age = now.getTime() - at;
  if (age > EVENT_WINDOW_MS)
    return warn(
      `${name} ${what} at ${time}, longer ago than the ${EVENT_WINDOW_MS / 86_400_000} days events are remembered: a replay is not acted on`,
      target,
    );
  if (age < -CLOCK_SKEW_MS) return warn(`${name} ${what} at ${time}, in the future: not acted on`, target);
  return undefined;
}

/**
 * A command is acted on only from the deployment's alarm topic, whatever it names: checked before the
 * policy is asked about its target. Its time is SNS's, when the record carries it (a hand-built one may
 * not; its MessageId still makes it once).
 */
export function commandGuard(
  trigger: CommandTrigger,
  context: { now: Date; alarmTopicArn?: string },
): Ignored | undefined {
  const name = `the ${trigger.command} command for ${trigger.target}`;
  return (
    topicGuard(name, trigger.topicArn, undefined, context.alarmTopicArn) ??
    (trigger.time ? timeGuard(name, PUBLISHED, trigger.time, undefined, context.now) : undefined)
  );
}

/**
 * A failover's event: a status-check alarm is checked for its topic, its time and its region as any
 * alarm (it has no rule whose operator or datapoints could be wrong); an EC2 state change for its time
 * and its region. What the event claims is re-checked on the instance before anything is done.
 */
export function failoverGuard(
  trigger: AlarmTrigger | InstanceStateChangeTrigger,
  target: string | undefined,
  context: { now: Date; region?: string; alarmTopicArn?: string },
): Ignored | undefined {
  const alarm = trigger.kind === 'alarm';
  const name = alarm
    ? `alarm ${trigger.alarmName}`
    : `the state change of ${trigger.instanceId} to ${trigger.state}`;
  if (alarm) {
    const fromElsewhere = topicGuard(name, trigger.topicArn, target, context.alarmTopicArn);
    if (fromElsewhere) return fromElsewhere;
  }
  const time = alarm ? trigger.stateChangeTime : trigger.time;
  const untimely = timeGuard(name, alarm ? STATE_CHANGE : HAPPENED, time, target, context.now);
  if (untimely) return untimely;
  if (trigger.region && context.region && trigger.region !== context.region)
    return warn(
      `${name} is in ${trigger.region}, but this fleet runs in ${context.region}: not acted on here`,
      target,
    );
  return undefined;
}
