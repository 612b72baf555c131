/**
 * What the deployed stack is made of, by the names serverless.yml gives them: the functions (its
 * `functions:` keys), the state machines, and the `<service>-<stage>` prefix every one of them is named
 * with. The deploy layer builds the template from it; reconcile reads the stack's own alarms by it.
 */

/** serverless.yml's `service`. */
export const SERVICE = 'ec2-autopilot';

/** The deployed functions, by their key in serverless.yml. */
export const STACK_FUNCTIONS = [
  'onEvent',
  'reconcile',
  'resizeTask',
  'refreshTask',
  'cleanup',
  'cleanupDelete',
] as const;

export type StackFunction = (typeof STACK_FUNCTIONS)[number];

/** The state machines of serverless.yml (`stepFunctions.stateMachines`): logical id, and name suffix. */
export const STATE_MACHINES = [
  { id: 'ResizeStateMachine', name: 'resize' },
  { id: 'FailoverStateMachine', name: 'failover' },
  { id: 'RefreshImageStateMachine', name: 'refresh-image' },
] as const;

export type StateMachine = (typeof STATE_MACHINES)[number];

/** `<service>-<stage>`: the functions', state machines', topics', queue's and own alarms' names start so. */
export const stackPrefix = (stage: string, service: string = SERVICE): string => `${service}-${stage}`;
