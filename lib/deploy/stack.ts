/**
 * What the stack is made of, as the template names it: the functions (serverless.yml's keys, one per
 * `FUNCTION_NEEDS` entry), the state machines, the failed-events queue, and the `<service>-<stage>`
 * prefix of everything the stack watches itself with. The self-monitoring alarms, the dashboard and
 * cleanup's Deny on the stack's own alarms are all derived from here, so that they name the same things.
 */
import { STACK_FUNCTIONS, STATE_MACHINES, stackPrefix as prefixOf } from '../model/stack';
import { FUNCTION_NEEDS } from './permissions';

export { STATE_MACHINES };

/** `service` and `stage` as serverless.yml resolves them (`${self:service}`, `${sls:stage}`). */
export interface StackNames {
  service: string;
  stage: string;
}

/** `<service>-<stage>`: the functions', state machines', topics' and queue's names all start so. */
export const stackPrefix = (names: StackNames): string => prefixOf(names.stage, names.service);

/** The deployed functions, by their key in serverless.yml. */
export const FUNCTIONS: readonly string[] = STACK_FUNCTIONS;

/** The framework's logical id of a function (`onEvent` → `OnEventLambdaFunction`); `Ref` gives its name. */
export const functionLogicalId = (fn: string): string =>
  `${fn.charAt(0).toUpperCase()}${fn.slice(1)}LambdaFunction`;

/**
 * The functions Lambda invokes asynchronously (SNS, EventBridge rules and schedules): a failed event is
 * retried by Lambda, then sent to the failed-events queue. The state machines' task functions are
 * invoked synchronously (Step Functions retries and reports their failures), so they have no queue.
 */
export const ASYNC_FUNCTIONS: readonly string[] = FUNCTIONS.filter((fn) =>
  FUNCTION_NEEDS[fn]!.capabilities.includes('failedEvents'),
);

/** resources/failed-events.yml: the on-failure destination of every asynchronously invoked function. */
export const FAILED_EVENTS_QUEUE = 'FailedEventsQueue';

/** `<service>-<stage>-failed-events`: the name `autopilot redrive --stage` finds the queue by. */
export const failedEventsQueueName = (names: StackNames): string => `${stackPrefix(names)}-failed-events`;

/**
 * Lambda sends a failed asynchronous invocation to the queue under the function's own role: the only
 * queue it may send to.
 */
export const failedEventsStatement = () => ({
  Effect: 'Allow' as const,
  Action: ['sqs:SendMessage'],
  Resource: { 'Fn::GetAtt': [FAILED_EVENTS_QUEUE, 'Arn'] },
});

/**
 * ARN pattern of the alarms the stack creates to watch itself (`<service>-<stage>-…`): CloudFormation's,
 * never reconcile's (they carry no `autopilot:managed` tag) nor cleanup's (a Deny in its roles). The
 * policy's own alarms (`<alarmPrefix>-<target>-…`) could match it only with a prefix and target name
 * that spell the stack's name, and cleanup never deletes those either.
 */
export const stackAlarmArns = (names: StackNames) => ({
  'Fn::Sub': `arn:\${AWS::Partition}:cloudwatch:\${AWS::Region}:\${AWS::AccountId}:alarm:${stackPrefix(names)}-*`,
});
