/** A plan: what one trigger leads to. Printed by `autopilot plan`, executed by `apply` and the handlers. */
import type { Trigger } from '../events/trigger';
import type { Action, Ignored } from './action';

export interface Plan {
  trigger: Trigger;
  actions: Action[];
  ignored: Ignored[];
}

/** `started`: handed to a durable workflow, which e-mails its own outcome. */
export type OutcomeStatus = 'applied' | 'started' | 'dry-run' | 'dropped' | 'failed';

/** What happened to one planned action. */
export interface Outcome {
  action: Action;
  status: OutcomeStatus;
  /** For `dropped` (stale plan) and `failed`: why, in a sentence. */
  detail?: string;
  /** For `failed`: whether retrying can help (throttling, a fault on AWS's side). */
  retryable?: boolean;
  /** Carried out by a durable workflow, which e-mails the outcome itself. */
  notifiedByWorkflow?: boolean;
  startedAt: string;
  finishedAt: string;
}

export interface Execution extends Plan {
  outcomes: Outcome[];
  /** The e-mail published for this plan, when there was something to tell. */
  notification?: { subject: string; messageId?: string };
}
