/**
 * The use case behind `on-event`, `autopilot plan` and `autopilot apply`: from a trigger to a plan, and
 * (for apply) to changes and one e-mail. Steps, in order:
 *
 * 1. route the trigger to a target and rule, from the policy alone (most events stop here, for free);
 * 2. claim the event in the state table, so a duplicate delivery does nothing (apply only);
 * 3. read a fresh snapshot of the target and plan (pure);
 * 4. execute, each action re-validated against fresh state; 5. e-mail; 6. mark the event done.
 */
import type { AlarmTrigger, Trigger } from '../events/trigger';
import type { Ignored } from '../model/action';
import type { Execution, Plan } from '../model/plan';
import type { AutoScalingSnapshot } from '../model/snapshot';
import { executionEmail } from '../notify/email';
import { planCapacity } from '../plan/capacity';
import { eventKey, routeTrigger } from '../plan/route';
import type { AutoScalingTarget, ScalingRule } from '../policy/policy';
import { executeActions } from '../aws/execute';
import { errorMessage } from '../errors';
import type { Runtime } from './runtime';

export async function readSnapshot(
  rt: Runtime,
  trigger: AlarmTrigger,
  target: AutoScalingTarget,
  rule: ScalingRule,
): Promise<AutoScalingSnapshot> {
  const [group, record] = await Promise.all([
    rt.groups.describeGroup(target.autoScalingGroup),
    rt.store.readTarget(target.name),
  ]);
  // The value matters for proportional steps and for the scale-in hysteresis check; an event without
  // datapoints (e.g. a hand-made test notification) falls back to CloudWatch.
  const needsValue = rule.step.kind === 'proportional' || rule.direction === 'low';
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

interface Planned {
  plan: Plan;
  snapshot?: AutoScalingSnapshot;
}

async function planRouted(rt: Runtime, trigger: Trigger): Promise<Planned> {
  const route = routeTrigger(trigger, rt.policy);
  if (route.kind === 'ignore') return { plan: { trigger, actions: [], ignored: [route.ignored] } };
  const alarm = trigger as AlarmTrigger;
  const snapshot = await readSnapshot(rt, alarm, route.target, route.rule);
  const decision = planCapacity({
    trigger: alarm,
    target: route.target,
    rule: route.rule,
    snapshot,
    now: rt.now(),
  });
  const ignored: Ignored[] = decision.ignored ? [{ ...decision.ignored, target: route.target.name }] : [];
  const actions = decision.action ? [decision.action] : [];
  return { plan: { trigger, actions, ignored }, snapshot };
}

/** What would be done; reads AWS, changes nothing. Reports an event already handled as such. */
export async function planTrigger(rt: Runtime, trigger: Trigger): Promise<Plan> {
  const key = eventKey(trigger);
  if (key && routeTrigger(trigger, rt.policy).kind !== 'ignore') {
    const seen = await rt.store.readEvent(key);
    if (seen) return { trigger, actions: [], ignored: [duplicate(seen)] };
  }
  return (await planRouted(rt, trigger)).plan;
}

const duplicate = (seen: { status: string; at: string; summary?: string }): Ignored => ({
  severity: 'info',
  reason:
    seen.status === 'done'
      ? `this event was already handled at ${seen.at}${seen.summary ? ` (${seen.summary})` : ''}: duplicate delivery ignored`
      : `this event is being handled by another invocation since ${seen.at}: duplicate delivery ignored`,
});

const summarise = (e: Execution): string =>
  e.outcomes.length > 0
    ? e.outcomes.map((o) => `${o.action.type} ${o.status}`).join(', ')
    : (e.ignored[0]?.reason ?? 'nothing to do').slice(0, 200);

export const retryableFailure = (e: Execution): boolean =>
  e.outcomes.some((o) => o.status === 'failed' && o.retryable);

/** Plans and applies one trigger, exactly once per event, and e-mails the decision. */
export async function applyTrigger(rt: Runtime, trigger: Trigger): Promise<Execution> {
  const route = routeTrigger(trigger, rt.policy);
  const event = route.kind === 'ignore' ? undefined : eventKey(trigger);
  // A dry run is remembered apart: its duplicates are not e-mailed twice, and a real run later still acts.
  const key = event && rt.dryRun ? `dry-run:${event}` : event;
  if (key) {
    const claim = await rt.store.claimEvent(key, rt.now());
    if (!claim.claimed) {
      return { trigger, actions: [], ignored: [duplicate(claim)], outcomes: [] };
    }
  }
  try {
    const { plan, snapshot } = await planRouted(rt, trigger);
    const targetDryRun = plan.actions.some((a) => rt.policy.targets.find((t) => t.name === a.target)?.dryRun);
    const runtime = targetDryRun ? { ...rt, dryRun: true } : rt;
    const outcomes = await executeActions(runtime, plan.actions, snapshot ? { record: snapshot.record } : {});
    const execution: Execution = { ...plan, outcomes };
    const email = executionEmail(execution, rt.policy);
    if (email && rt.notifier) {
      const messageId = await rt.notifier.publish(email);
      execution.notification = { subject: email.subject, ...(messageId ? { messageId } : {}) };
    }
    for (const i of plan.ignored)
      rt.log.log(i.severity === 'warning' ? 'warn' : 'info', i.reason, { target: i.target });
    if (key) {
      // A retryable failure (throttling, a 5xx) gives the event back for AWS's retry of the invocation;
      // any other outcome is final, so a retry neither repeats the change nor the e-mail.
      if (retryableFailure(execution)) await rt.store.releaseEvent(key);
      else await rt.store.completeEvent(key, rt.now(), summarise(execution));
    }
    return execution;
  } catch (error) {
    // Nothing was applied (a read failed): give the event back so AWS's retry can act on it.
    if (key) await rt.store.releaseEvent(key).catch(() => undefined);
    rt.log.log('error', 'trigger failed', { error: errorMessage(error) });
    throw error;
  }
}
