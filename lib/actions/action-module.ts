/**
 * What one action type is, in one module: its `type`, the IAM permissions applying it calls, how it
 * re-verifies its plan on fresh state just before acting (with the very predicate the planner used), how
 * it applies itself through the narrow ports it names, and how it reads in a line and in an e-mail.
 * The one executor (`lib/app/execute.ts`) runs every module the same way; the registry lists them all.
 */
import type { Action, ActionType } from '../model/action';
import type { OutcomeStatus } from '../model/plan';
import type { AutoScalingGroupState, TargetRecord } from '../model/snapshot';
import type { Policy } from '../policy/policy';
import type { Ports } from './ports';

export type ActionOf<T extends ActionType> = Extract<Action, { type: T }>;

/** One planned action and what its plan knew about it (cleanup's findings carry a few facts). */
export interface Planned<A extends Action = Action> {
  action: A;
  /** Facts of the finding the action came from (an ARN, the instance an address pointed at, …). */
  detail?: Record<string, string> | undefined;
}

/** The verdict of a re-verification: go on, or drop the action with why. */
export type Check =
  | { ok: true }
  | {
      ok: false;
      /** `dropped` unless the resource is gone (also `dropped`, said so). */
      detail: string;
      /** In use again: the executor runs this action right after (cleanup unmarks what it kept). */
      followUp?: Action;
    };

/** What applying one action gave. */
export interface Applied {
  status: Extract<OutcomeStatus, 'applied' | 'started' | 'dropped' | 'failed'>;
  detail?: string;
  retryable?: boolean;
  /** A durable workflow carries it out and e-mails its own outcome. */
  notifiedByWorkflow?: boolean;
  /** As for `Check.followUp`: AWS refused because the resource is in use, so its mark goes. */
  followUp?: Action;
}

/** What every module may use besides its ports. */
export interface ActionContext {
  now: () => Date;
  policy?: Policy;
  /** The region the use case's clients are in (an action without one of its own runs there). */
  region?: string;
  /** The topic the orchestrator's alarms publish to (a resize re-points alarms with it). */
  alarmTopicArn?: string;
  /**
   * What the plan was made from, read moments ago in this same run: the target's record (the base of
   * the conditional write) and the group, which re-verification need not read a second time.
   */
  basis?: { record?: TargetRecord; group?: AutoScalingGroupState };
  /** The durable operation an action starts is named after its trigger (the event's key). */
  operationKey?: string;
  /** The trigger in a sentence, for a workflow's e-mail. */
  triggerText?: string;
}

export interface ActionModule<T extends ActionType = ActionType> {
  type: T;
  /** The IAM actions applying it calls (its reads for re-verification are the capability's). */
  permissions: readonly string[];
  /**
   * Actions verified (and, with `applyBatch`, applied) together share this key: one re-read for many
   * resources of one kind in one region. Absent: each action on its own.
   */
  batchKey?(a: ActionOf<T>): string;
  /** Fresh state, just before acting. Absent: the action has nothing that can go stale. */
  verify?(items: Planned<ActionOf<T>>[], ports: Ports, ctx: ActionContext): Promise<Check[]>;
  /** Applies one action. */
  apply?(item: Planned<ActionOf<T>>, ports: Ports, ctx: ActionContext): Promise<Applied>;
  /** Applies a batch at once (tag writes that take many resources per call). */
  applyBatch?(items: Planned<ActionOf<T>>[], ports: Ports, ctx: ActionContext): Promise<Applied[]>;
  /** One line: for the table output and logs. `cost` is the formatted $/month, or ''. */
  line(a: ActionOf<T>, cost: string): string;
  /** The e-mail's headline: `verb` is '' (applied), 'would ', 'FAILED to ', …; `done` when applied. */
  headline(a: ActionOf<T>, verb: string, done: boolean): string;
}

/** Declares a module with its type checked against the action union. */
export const defineAction = <T extends ActionType>(m: ActionModule<T>): ActionModule<T> => m;

/** A port the module needs and this use case did not wire: a programming error, said plainly. */
export function need<K extends keyof Ports>(ports: Ports, key: K, type: ActionType): NonNullable<Ports[K]> {
  const port = ports[key];
  if (!port) throw new Error(`${type} needs the ${String(key)} port, which this command does not provide`);
  return port as NonNullable<Ports[K]>;
}
