/**
 * A policy target whose Auto Scaling group or instance does not exist (deleted, misspelt in the policy,
 * terminated), and the state table's record that a person was told about it: reconcile warns on every
 * run, but e-mails once per disappearance.
 */

/** One target found missing by a reconcile run. */
export interface MissingTarget {
  target: string;
  kind: 'auto-scaling-group' | 'instance';
  /**
   * What is missing, in words (`Auto Scaling group web-asg`, `an instance tagged Name=wordpress`). The
   * record keeps it: the same target missing something else (the policy now names another group) is a
   * new disappearance and is e-mailed again.
   */
  missing: string;
  /** A sentence a person understands: what is missing, and what reconcile does about the target meanwhile. */
  reason: string;
}

/**
 * `missing#<key>` in the state table. `claimed`: a run has taken the e-mail on itself and not yet said it
 * went out (it may be publishing, or have crashed: the claim expires after a lease). `sent`: the e-mail
 * was published; nothing more is sent while the same thing stays missing.
 */
export interface MissingRecord {
  key: string;
  missing: string;
  status: 'claimed' | 'sent';
  /** When the target was first found missing (by the run that made the record). */
  since: string;
  /** `claimed`: the claim's end, epoch seconds; another run may take it over afterwards. */
  leaseUntil?: number;
  sentAt?: string;
  messageId?: string;
  /** The token of the write that made the record (lib/aws/conditional.ts): clearing removes only that one. */
  writer: string;
}

/** What a reconcile run did about a missing target's e-mail. */
export type MissingNotice =
  /** Published by this run. */
  | { status: 'sent'; at: string; subject: string; messageId?: string }
  /** Published by an earlier run; not sent again while the target stays missing. */
  | { status: 'sent-earlier'; at: string }
  /** Another run has claimed the e-mail and is sending it (its claim has not expired). */
  | { status: 'another-run'; since: string }
  /** Publishing failed; the record does not say it was sent, so the next run tries again. */
  | { status: 'failed'; detail: string }
  /** There is no notifications topic (a read-only or local run): nothing was sent or recorded. */
  | { status: 'no-topic' };

/** A missing target as reconcile reports it (JSON output, the CLI, the logs). */
export interface MissingTargetWarning extends MissingTarget {
  severity: 'warning';
  /** When it was first found missing (the record's), or this run's time. */
  since: string;
  email: MissingNotice;
}
