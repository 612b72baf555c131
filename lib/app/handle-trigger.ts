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
import type { TargetRecord } from '../model/snapshot';
import { executionEmail } from '../notify/email';
import { planCapacity } from '../plan/capacity';
import { eventKey, routeTrigger } from '../plan/route';
import type { AutoScalingTarget, InstanceTarget, Rule, ScalingRule } from '../policy/policy';
import { planResize } from '../plan/ladder';
import { readGroupSnapshot, readInstanceSnapshot } from '../aws/snapshots';
import { describeTrigger } from '../notify/words';
import { executeActions } from '../aws/execute';
import { errorMessage } from '../errors';
import type { Runtime } from './runtime';

interface Planned {
  plan: Plan;
  /** The record of the target the plan changes, for the executor's conditional write. */
  record?: TargetRecord;
}

async function planGroup(
  rt: Runtime,
  trigger: AlarmTrigger,
  target: AutoScalingTarget,
  rule: ScalingRule,
): Promise<Planned> {
  const snapshot = await readGroupSnapshot(rt, trigger, target, rule);
  const decision = planCapacity({ trigger, target, rule, snapshot, now: rt.now() });
  const ignored: Ignored[] = decision.ignored ? [{ ...decision.ignored, target: target.name }] : [];
  return {
    plan: { trigger, actions: decision.action ? [decision.action] : [], ignored },
    record: snapshot.record,
  };
}

async function planInstance(
  rt: Runtime,
  trigger: AlarmTrigger,
  target: InstanceTarget,
  rule: Rule,
): Promise<Planned> {
  const direction = rule.direction === 'high' ? 'up' : 'down';
  const linkedTarget = target.then
    ? rt.policy.targets.find(
        (t): t is AutoScalingTarget => t.kind === 'auto-scaling-group' && t.name === target.then!.scaleOut,
      )
    : undefined;
  const [snapshot, linkedSnapshot] = await Promise.all([
    readInstanceSnapshot(rt, target, direction),
    linkedTarget
      ? readGroupSnapshot(
          rt,
          trigger,
          linkedTarget,
          rule.direction === 'high' ? linkedTarget.scaleOut : linkedTarget.scaleIn,
        )
      : undefined,
  ]);
  const decision = planResize({
    policy: rt.policy,
    trigger,
    target,
    rule,
    snapshot,
    now: rt.now(),
    ...(linkedTarget && linkedSnapshot ? { linked: { target: linkedTarget, snapshot: linkedSnapshot } } : {}),
  });
  // Escalated to the group: its record guards the capacity change, as for the group's own alarms.
  const record =
    decision.actions[0]?.type === 'set-desired-capacity' ? linkedSnapshot?.record : snapshot.record;
  return {
    plan: { trigger, actions: decision.actions, ignored: decision.ignored ? [decision.ignored] : [] },
    ...(record ? { record } : {}),
  };
}

async function planRouted(rt: Runtime, trigger: Trigger): Promise<Planned> {
  const route = routeTrigger(trigger, rt.policy);
  if (route.kind === 'ignore') return { plan: { trigger, actions: [], ignored: [route.ignored] } };
  const alarm = trigger as AlarmTrigger;
  return route.kind === 'resize'
    ? planInstance(rt, alarm, route.target, route.rule)
    : planGroup(rt, alarm, route.target, route.rule);
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

/**
 * The durable operation an action starts is named after its trigger: the event (so a duplicate cannot
 * start a second one), or for a re-check, the alarm and the target's record version (one per window).
 */
function operationKey(trigger: Trigger, record: TargetRecord | undefined): string {
  const key = eventKey(trigger);
  if (key) return key;
  if (trigger.kind === 'alarm') return `${trigger.alarmName}@recheck-v${record?.version ?? 0}`;
  return `${trigger.kind}@${new Date().toISOString()}`;
}

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
    const { plan, record } = await planRouted(rt, trigger);
    const targetDryRun = plan.actions.some((a) => rt.policy.targets.find((t) => t.name === a.target)?.dryRun);
    const runtime = targetDryRun ? { ...rt, dryRun: true } : rt;
    const outcomes = await executeActions(runtime, plan.actions, {
      ...(record ? { record } : {}),
      operationKey: operationKey(trigger, record),
      triggerText: describeTrigger(trigger),
    });
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
