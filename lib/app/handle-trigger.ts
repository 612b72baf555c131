/**
 * The use case behind `on-event`, `autopilot plan` and `autopilot apply`: from a trigger to a plan, and
 * (for apply) to changes and one e-mail. Steps, in order:
 *
 * 1. route the trigger to a target and rule, from the policy alone (most events stop here, for free); a
 *    command (an image refresh asked for on the alarm topic) to its target;
 * 2. claim the event in the state table, so a duplicate delivery does nothing (apply only);
 * 3. read a fresh snapshot of the target and plan (pure);
 * 4. execute (the one executor: each action re-validated first); 5. e-mail; 6. close the event.
 */
import type { Trigger } from '../events/trigger';
import type { Ignored } from '../model/action';
import type { Execution, Plan } from '../model/plan';
import type { AutoScalingGroupState, TargetRecord } from '../model/snapshot';
import { executionEmail } from '../notify/email';
import { describeTrigger } from '../notify/words';
import { planCapacity } from '../plan/capacity';
import { planResize } from '../plan/ladder';
import { commandGuard, eventGuard, failoverGuard } from '../plan/event-guards';
import { eventKey, failoverKey, routeTrigger, type Route } from '../plan/route';
import type { AutoScalingTarget } from '../policy/policy';
import { errorMessage } from '../errors';
import { withCorrelationId } from '../log';
import { recordDecision } from './decision-metrics';
import { exactlyOnce, executeActions, planned } from './execute';
import { planFailoverOf } from './failover';
import { planTargetRefresh } from './refresh-plan';
import { fleetEnv, type Runtime } from './runtime';
import { readGroupSnapshot, readInstanceSnapshot } from './snapshots';

interface Planned {
  plan: Plan;
  /** What the plan was made from, for the executor: the record its conditional write builds on, the group. */
  basis: { record?: TargetRecord; group?: AutoScalingGroupState };
}

type Acting = Exclude<Route, { kind: 'ignore' }>;

async function planGroup(rt: Runtime, route: Extract<Route, { kind: 'capacity' }>): Promise<Planned> {
  const { trigger, target, rule } = route;
  const snapshot = await readGroupSnapshot(rt, trigger, target, rule);
  const key = eventKey(trigger);
  const decision = planCapacity({
    trigger,
    target,
    rule,
    snapshot,
    now: rt.now(),
    ...(key ? { eventKey: key } : {}),
  });
  const ignored: Ignored[] = decision.ignored ? [{ ...decision.ignored, target: target.name }] : [];
  return {
    plan: { trigger, actions: decision.action ? [decision.action] : [], ignored },
    basis: { record: snapshot.record, ...(snapshot.group ? { group: snapshot.group } : {}) },
  };
}

async function planInstance(rt: Runtime, route: Extract<Route, { kind: 'resize' }>): Promise<Planned> {
  const { trigger, target, rule } = route;
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
  const escalated = decision.actions[0]?.type === 'set-desired-capacity';
  const record = escalated ? linkedSnapshot?.record : snapshot.record;
  const group = escalated ? linkedSnapshot?.group : undefined;
  return {
    plan: { trigger, actions: decision.actions, ignored: decision.ignored ? [decision.ignored] : [] },
    basis: { ...(record ? { record } : {}), ...(group ? { group } : {}) },
  };
}

/** An image refresh on demand: planned from fresh reads as `autopilot refresh-image` plans it. */
async function planRefresh(rt: Runtime, route: Extract<Route, { kind: 'refresh-image' }>): Promise<Planned> {
  const decision = await planTargetRefresh(rt, route.target);
  return {
    plan: {
      trigger: route.trigger,
      actions: decision.actions,
      ignored: decision.ignored ? [decision.ignored] : [],
    },
    basis: {},
  };
}

/** A failover: the target whose instance failed, re-checked on fresh reads before anything is done. */
async function planFailover(rt: Runtime, route: Extract<Route, { kind: 'failover' }>): Promise<Planned> {
  const { actions, ignored } = await planFailoverOf(rt, route.detection, route.targets);
  return { plan: { trigger: route.detection.trigger, actions, ignored }, basis: {} };
}

function planRouted(rt: Runtime, route: Acting): Promise<Planned> {
  switch (route.kind) {
    case 'failover':
      return planFailover(rt, route);
    case 'resize':
      return planInstance(rt, route);
    case 'capacity':
      return planGroup(rt, route);
    case 'refresh-image':
      return planRefresh(rt, route);
  }
}

const ignoredPlan = (trigger: Trigger, ignored: Ignored): Plan => ({
  trigger,
  actions: [],
  ignored: [ignored],
});

/**
 * The route, with the events that name a managed alarm but must not act turned into ignores (from a
 * topic other than the alarm topic, too old, from the future, another region, an operator against the
 * rule, absurd datapoints). A re-check by reconcile is of the alarm's present state, so its age does not
 * count. A command is checked for its topic and its age before its target is looked up. An ignore here
 * comes before the claim: it consumes nothing the real event would need.
 */
function routeOf(rt: Runtime, trigger: Trigger): Route {
  const alarmTopic = rt.alarmTopicArn ? { alarmTopicArn: rt.alarmTopicArn } : {};
  // A command from another topic is not this deployment's, whatever target it names: checked first.
  if (trigger.kind === 'command') {
    const ignored = commandGuard(trigger, { now: rt.now(), ...alarmTopic });
    return ignored ? { kind: 'ignore', ignored } : routeTrigger(trigger, rt.policy);
  }
  const route = routeTrigger(trigger, rt.policy);
  if (route.kind === 'ignore' || route.kind === 'refresh-image') return route;
  if (route.kind === 'failover') {
    const d = route.detection;
    if (d.kind === 'reconcile') return route;
    const one = route.targets.length === 1 ? route.targets[0]!.name : undefined;
    // As for any alarm, a re-check by reconcile is of the alarm's present state: its age does not count.
    const recheck = d.kind === 'status-check' && d.trigger.source === 'reconcile';
    const now = recheck ? new Date(d.trigger.stateChangeTime) : rt.now();
    const ignored = failoverGuard(d.trigger, one, { now, region: rt.aws.region, ...alarmTopic });
    return ignored ? { kind: 'ignore', ignored } : route;
  }
  const recheck = trigger.kind === 'alarm' && trigger.source === 'reconcile';
  const now = recheck ? new Date(trigger.stateChangeTime) : rt.now();
  const ignored = eventGuard(route.trigger, route.rule, route.target.name, {
    now,
    region: rt.aws.region,
    ...alarmTopic,
  });
  return ignored ? { kind: 'ignore', ignored } : route;
}

/** What would be done; reads AWS, changes nothing. Reports an event already handled as such. */
export async function planTrigger(rt: Runtime, trigger: Trigger): Promise<Plan> {
  const route = routeOf(rt, trigger);
  if (route.kind === 'ignore') return ignoredPlan(trigger, route.ignored);
  const key = keyOf(route, trigger);
  const seen = key ? await rt.store.readEvent(key) : undefined;
  if (seen) return ignoredPlan(trigger, duplicate(seen));
  return (await planRouted(rt, route)).plan;
}

/** The event's key; a failover's is its detection's (./plan/route.ts `failoverKey`). */
const keyOf = (route: Acting, trigger: Trigger): string | undefined =>
  route.kind === 'failover' ? failoverKey(route.detection) : eventKey(trigger);

const duplicate = (seen: { status: string; at: string; summary?: string }): Ignored => ({
  severity: 'info',
  reason:
    seen.status === 'done'
      ? `this event was already handled at ${seen.at}${seen.summary ? ` (${seen.summary})` : ''}: duplicate delivery ignored`
      : `this event is being handled by another invocation since ${seen.at}: duplicate delivery ignored`,
});

/**
 * The durable operation an action starts is named after its trigger: the event (so a duplicate cannot
 * start a second one), or for a re-check, the alarm and the target's record version (one per window).
 */
function operationKey(trigger: Trigger, event: string | undefined, record: TargetRecord | undefined): string {
  if (event) return event;
  if (trigger.kind === 'alarm') return `${trigger.alarmName}@recheck-v${record?.version ?? 0}`;
  if (trigger.kind === 'failover-check') return `failover-${trigger.target}@${trigger.time}`;
  return `${trigger.kind}@${new Date().toISOString()}`;
}

/**
 * The id on every log line of one decision: its event's key, else what names the trigger (a re-check
 * by reconcile: the alarm's state change it re-checks).
 */
const correlationOf = (trigger: Trigger, event: string | undefined): string =>
  event ??
  eventKey(trigger) ??
  (trigger.kind === 'alarm'
    ? `${trigger.alarmName}@${trigger.stateChangeTime}`
    : `${trigger.kind}@${trigger.time}`);

/** Plans and applies one trigger, exactly once per event, and e-mails the decision. */
export function applyTrigger(rt: Runtime, trigger: Trigger): Promise<Execution> {
  const route = routeOf(rt, trigger);
  const event = route.kind === 'ignore' ? undefined : keyOf(route, trigger);
  return withCorrelationId(correlationOf(trigger, event), () => applyRouted(rt, trigger, route, event));
}

async function applyRouted(
  rt: Runtime,
  trigger: Trigger,
  route: Route,
  event: string | undefined,
): Promise<Execution> {
  rt.log.log('info', describeTrigger(trigger), { trigger: trigger.kind, route: route.kind });
  // A dry run is remembered apart: its duplicates are not e-mailed twice, and a real run later still acts.
  const key = event && rt.dryRun ? `dry-run:${event}` : event;
  const run = async (): Promise<Execution> => {
    const { plan, basis } =
      route.kind === 'ignore'
        ? { plan: ignoredPlan(trigger, route.ignored), basis: {} }
        : await planRouted(rt, route);
    const targetDryRun = plan.actions.some((a) => rt.policy.targets.find((t) => t.name === a.target)?.dryRun);
    const env = fleetEnv(rt, {
      ...(basis.record || basis.group ? { basis } : {}),
      operationKey: operationKey(trigger, event, basis.record),
      triggerText: describeTrigger(trigger),
    });
    const outcomes = await executeActions(
      planned(plan.actions),
      targetDryRun ? { ...env, dryRun: true } : env,
    );
    const execution: Execution = { ...plan, outcomes };
    recordDecision(rt.telemetry, execution);
    for (const o of outcomes)
      rt.log.log('info', o.action.reason, {
        target: o.action.target,
        action: o.action.type,
        status: o.status,
        ...(o.detail ? { detail: o.detail } : {}),
        ...(o.status === 'started' ? { operation: env.ctx.operationKey } : {}),
      });
    const email = executionEmail(execution, rt.policy);
    if (email && rt.notifier) {
      const messageId = await rt.notifier.publish(email);
      execution.notification = { subject: email.subject, ...(messageId ? { messageId } : {}) };
    }
    for (const i of plan.ignored)
      rt.log.log(i.severity === 'warning' ? 'warn' : 'info', i.reason, { target: i.target });
    return execution;
  };
  try {
    const once = await exactlyOnce(rt.store, key, rt.now, run);
    if (!once.ran) rt.log.log('info', duplicate(once.seen).reason);
    return once.ran ? once.result : { ...ignoredPlan(trigger, duplicate(once.seen)), outcomes: [] };
  } catch (error) {
    rt.log.log('error', 'trigger failed', { error: errorMessage(error) });
    throw error;
  }
}
