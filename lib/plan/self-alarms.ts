/**
 * The orchestrator watches itself: one alarm on the failed-events queue's depth (an event Lambda gave
 * up on), one on each function's `Errors`, one on each state machine's `ExecutionsFailed`, each firing on
 * anything above 0 in 5 minutes and notifying the notifications topic alone. CloudFormation creates them
 * with the stack (lib/deploy/self-alarms.ts); reconcile keeps them so, like the policy's alarms: it
 * re-creates one that was deleted and restores one that was edited (disabled, re-pointed, re-thresholded).
 * It never deletes one: they are the stack's. Both are built from `selfAlarmSpecs`. Pure.
 */
import type { AlarmDefinition, UpdateAlarmAction } from '../model/action';
import type { ObservedAlarm } from '../model/snapshot';
import {
  STACK_FUNCTIONS,
  STATE_MACHINES,
  stackPrefix,
  type StackFunction,
  type StateMachine,
} from '../model/stack';
import { alarmDrift, partitionOf } from './alarms';

/** What an alarm's one dimension names: the value differs in the template (a Ref) and at run time. */
export type Watched =
  { kind: 'queue' } | { kind: 'function'; fn: StackFunction } | { kind: 'machine'; machine: StateMachine };

export interface SelfAlarmSpec {
  /** The logical id in the template. */
  id: string;
  name: string;
  /** What it means, in the alarm's description (and so in its e-mail). */
  description: string;
  namespace: string;
  metric: string;
  dimension: string;
  watches: Watched;
  statistic: 'Sum' | 'Maximum';
}

/**
 * The shape they all share: > 0 over one 5-minute period. No invocation, no execution, an idle queue is
 * no data, which is good news: not breaching, rather than INSUFFICIENT_DATA.
 */
export const SELF_ALARM_SHAPE = {
  periodSeconds: 300,
  evaluationPeriods: 1,
  datapointsToAlarm: 1,
  threshold: 0,
  comparison: 'GreaterThanThreshold',
  treatMissingData: 'notBreaching',
} as const;

const capitalised = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

/** Every alarm the stack watches itself with: the queue's first, then each function's, each machine's. */
export function selfAlarmSpecs(stage: string, service?: string): SelfAlarmSpec[] {
  const prefix = stackPrefix(stage, service);
  return [
    {
      id: 'FailedEventsQueueAlarm',
      name: `${prefix}-failed-events-queued`,
      description:
        'An event Lambda gave up on (after its retries) is waiting in the failed-events queue: ' +
        `look at it, fix the cause, then \`autopilot redrive --stage ${stage}\`.`,
      namespace: 'AWS/SQS',
      metric: 'ApproximateNumberOfMessagesVisible',
      dimension: 'QueueName',
      watches: { kind: 'queue' },
      statistic: 'Maximum',
    },
    ...STACK_FUNCTIONS.map((fn): SelfAlarmSpec => ({
      id: `${capitalised(fn)}ErrorsAlarm`,
      name: `${prefix}-${fn}-errors`,
      description: `The ${fn} function failed (an error or a timeout) in the last 5 minutes: see its log group.`,
      namespace: 'AWS/Lambda',
      metric: 'Errors',
      dimension: 'FunctionName',
      watches: { kind: 'function', fn },
      statistic: 'Sum',
    })),
    ...STATE_MACHINES.map((machine): SelfAlarmSpec => ({
      id: `${machine.id}FailedAlarm`,
      name: `${prefix}-${machine.name}-executions-failed`,
      description: `An execution of the ${machine.name} state machine failed in the last 5 minutes: see its execution history.`,
      namespace: 'AWS/States',
      metric: 'ExecutionsFailed',
      dimension: 'StateMachineArn',
      watches: { kind: 'machine', machine },
      statistic: 'Sum',
    })),
  ];
}

/** Where the stack runs, as its notifications topic's ARN tells (`arn:<partition>:sns:<region>:<account>:…`). */
export interface DeployedStack {
  stage: string;
  notifyTopicArn: string;
}

const arnParts = (arn: string) => {
  const [, , , region, account] = arn.split(':');
  if (!region || !account) throw new Error(`not an SNS topic ARN: ${arn}`);
  return { region, account };
};

/** A state machine of the stack, as serverless.yml names it (`<service>-<stage>-<name>`). */
export function stateMachineArn(stack: DeployedStack, machine: Pick<StateMachine, 'name'>): string {
  const { region, account } = arnParts(stack.notifyTopicArn);
  return `arn:${partitionOf(region)}:states:${region}:${account}:stateMachine:${stackPrefix(stack.stage)}-${machine.name}`;
}

/** The region the stack (and so its own alarms) is in. */
export const stackRegion = (stack: DeployedStack): string => arnParts(stack.notifyTopicArn).region;

/**
 * The alarms as deployed: each dimension's value as the stack names it (serverless.yml names a function
 * `<service>-<stage>-<key>` and a state machine `<service>-<stage>-<name>`). No tags: they are not the
 * policy's (no `autopilot:managed`), so no planner ever deletes them.
 */
export function selfAlarmDefinitions(stack: DeployedStack): AlarmDefinition[] {
  const prefix = stackPrefix(stack.stage);
  const value = (w: Watched): string => {
    if (w.kind === 'queue') return `${prefix}-failed-events`;
    if (w.kind === 'function') return `${prefix}-${w.fn}`;
    return stateMachineArn(stack, w.machine);
  };
  return selfAlarmSpecs(stack.stage).map((s) => ({
    name: s.name,
    description: s.description,
    namespace: s.namespace,
    metric: s.metric,
    dimensions: { [s.dimension]: value(s.watches) },
    statistic: s.statistic,
    ...SELF_ALARM_SHAPE,
    alarmActions: [stack.notifyTopicArn],
    tags: {},
  }));
}

/** Create the stack's alarms that are missing, restore those that drifted; delete none. */
export function planSelfAlarms(
  stack: DeployedStack,
  observed: readonly ObservedAlarm[],
): UpdateAlarmAction[] {
  const byName = new Map(observed.map((a) => [a.name, a]));
  const target = stackPrefix(stack.stage);
  return selfAlarmDefinitions(stack).flatMap((alarm): UpdateAlarmAction[] => {
    const have = byName.get(alarm.name);
    if (!have)
      return [
        {
          type: 'update-alarm',
          change: 'create',
          target,
          alarm,
          reason: `the stack's own alarm ${alarm.name} is missing: create it again (${alarm.metric} > 0 in 5 min → the notifications topic)`,
        },
      ];
    const drift = alarmDrift(alarm, have);
    if (drift.length === 0) return [];
    return [
      {
        type: 'update-alarm',
        change: 'update',
        target,
        alarm,
        drift,
        ...(have.arn ? { alarmArn: have.arn } : {}),
        reason: `the stack's own alarm ${alarm.name} was changed (${drift.join(', ')}): restore it`,
      },
    ];
  });
}
