/**
 * Applies planned actions, each re-validated against fresh state first: a plan made from a snapshot
 * that no longer holds is dropped, never forced.
 */
import type { Runtime } from '../app/runtime';
import { errorMessage, isRetryable } from '../errors';
import type { Action, ResizeInstanceAction, SetDesiredCapacityAction } from '../model/action';
import type { Outcome, OutcomeStatus } from '../model/plan';
import type { TargetRecord } from '../model/snapshot';
import type { ResizeState } from '../workflows/resize-state';

/** What the executor needs to know about the state the plan was made from. */
export interface PlanBasis {
  record?: TargetRecord;
  /** Names the durable operation an action starts (the event's key, or the re-check's). */
  operationKey?: string;
  /** The trigger in a sentence, for a workflow's e-mail. */
  triggerText?: string;
}

type Result = { status: OutcomeStatus; detail?: string; retryable?: boolean; notifiedByWorkflow?: boolean };

async function setDesiredCapacity(
  rt: Runtime,
  a: SetDesiredCapacityAction,
  basis: PlanBasis,
): Promise<Result> {
  const fresh = await rt.groups.describeGroup(a.autoScalingGroup);
  if (!fresh) return { status: 'dropped', detail: `${a.autoScalingGroup} no longer exists` };
  if (fresh.desiredCapacity !== a.from) {
    return {
      status: 'dropped',
      detail: `${a.autoScalingGroup}'s desired capacity changed to ${fresh.desiredCapacity} since the plan (${a.from})`,
    };
  }
  const record = basis.record ?? (await rt.store.readTarget(a.target));
  // Record first: the conditional write is what makes two racing decisions give one change.
  const change = { at: rt.now().toISOString(), direction: a.direction, from: a.from, to: a.to };
  const recorded = await rt.store.recordChange(a.target, record.version, change);
  if (!recorded) return { status: 'dropped', detail: `another change to ${a.target} was recorded meanwhile` };
  try {
    await rt.groups.setDesiredCapacity(a.autoScalingGroup, a.to);
  } catch (error) {
    // Give the cooldown back: nothing changed, so the next alarm must not be held back by this attempt.
    const previous = record.lastActionAt
      ? {
          at: record.lastActionAt,
          direction: record.lastDirection ?? a.direction,
          from: record.lastFrom ?? a.from,
          to: record.lastTo ?? a.from,
        }
      : undefined;
    await rt.store.recordChange(a.target, recorded.version, previous).catch(() => undefined);
    throw error;
  }
  return { status: 'applied' };
}

async function resizeInstance(rt: Runtime, a: ResizeInstanceAction, basis: PlanBasis): Promise<Result> {
  const target = rt.policy.targets.find((t) => t.name === a.target);
  if (!target || target.kind !== 'instance')
    return { status: 'dropped', detail: `${a.target} is not an instance target` };
  if (!rt.resizes) return { status: 'dropped', detail: 'no workflow runner: this command cannot resize' };
  const input: ResizeState = {
    key: basis.operationKey ?? `resize-${a.instanceId}-${rt.now().getTime()}`,
    target: a.target,
    region: a.region ?? rt.aws.region,
    instanceId: a.instanceId,
    from: a.from,
    to: a.to,
    strategy: a.strategy,
    direction: a.direction,
    reason: a.reason,
    ...(a.monthlyCostDeltaUsd === undefined ? {} : { monthlyCostDeltaUsd: a.monthlyCostDeltaUsd }),
    reboot: target.reboot,
    retire: target.retire,
    ...(target.healthCheck ? { healthCheck: target.healthCheck } : {}),
    ...(rt.alarmTopicArn ? { alarmTopicArn: rt.alarmTopicArn } : {}),
    trigger: basis.triggerText ?? a.reason,
  };
  const started = await rt.resizes.start(input);
  // A workflow that another one holds off ends before it e-mails; any other run tells its own outcome.
  const notified = started.status !== 'dropped';
  return {
    status: started.status,
    ...(started.detail ? { detail: started.detail } : {}),
    notifiedByWorkflow: notified,
  };
}

async function run(rt: Runtime, action: Action, basis: PlanBasis): Promise<Result> {
  switch (action.type) {
    case 'set-desired-capacity':
      return setDesiredCapacity(rt, action, basis);
    case 'resize-instance':
      return resizeInstance(rt, action, basis);
    case 'move-address':
      // Listed for people; the resize workflow moves the address at the right moment.
      return { status: 'applied' };
    case 'update-alarm':
      if (action.change === 'repoint') return { status: 'applied' };
      await rt.alarms.put(action.alarm, action.alarmArn);
      return { status: 'applied' };
    case 'delete-alarm':
      await rt.alarms.delete(action.alarmName);
      return { status: 'applied' };
    default:
      // Cleanup's own executor runs these, re-verifying each orphan first (lib/aws/cleanup/execute.ts).
      return { status: 'dropped', detail: `${action.type} is carried out by the cleanup executor` };
  }
}

/** Runs actions in order; after a failure the remaining actions are not attempted. */
export async function executeActions(
  rt: Runtime,
  actions: readonly Action[],
  basis: PlanBasis = {},
): Promise<Outcome[]> {
  const outcomes: Outcome[] = [];
  let failed = false;
  for (const action of actions) {
    const startedAt = rt.now().toISOString();
    let result: Result;
    const workflow =
      'partOf' in action && action.partOf ? outcomes.find((o) => o.action.type === action.partOf) : undefined;
    if (rt.dryRun) result = { status: 'dry-run' };
    else if (workflow) {
      // A step of the resize: it shares the workflow's outcome.
      result = {
        status: workflow.status,
        detail: `by the resize workflow${workflow.detail ? ` (${workflow.detail})` : ''}`,
        ...(workflow.notifiedByWorkflow ? { notifiedByWorkflow: true } : {}),
      };
    } else if (failed) result = { status: 'dropped', detail: 'an earlier action of this plan failed' };
    else {
      try {
        result = await run(rt, action, basis);
      } catch (error) {
        failed = true;
        result = { status: 'failed', detail: errorMessage(error), retryable: isRetryable(error) };
        rt.log.log('error', 'action failed', {
          action: action.type,
          target: action.target,
          error: errorMessage(error),
        });
      }
    }
    outcomes.push({ action, ...result, startedAt, finishedAt: rt.now().toISOString() });
  }
  return outcomes;
}
