/**
 * The one executor: every path that changes the fleet (on-event, reconcile, cleanup, the workflow steps)
 * carries out its actions here, each through its module in the registry. For each action, in order:
 *
 * 1. dry run: nothing is done, the outcome says "would";
 * 2. a step of a workflow (`partOf`) shares its workflow's outcome: the workflow carries it out;
 * 3. after a failure, a plan whose actions build on each other (`stopOnFailure`) attempts no more;
 * 4. re-verification on fresh state, with the planner's own predicate: a plan that no longer holds is
 *    dropped, never forced. Actions with the same batch key are re-read together (one call for many);
 * 5. apply, through the module's ports (a few at a time where they are independent);
 * 6. what a verdict or an answer asks to follow (cleanup's unmark of what is in use again) runs last.
 *
 * The idempotency of a whole event (one change per alarm state change, whatever the deliveries) is kept
 * here too: `exactlyOnce` claims the event before anything is read and closes it after.
 */
import type { ActionContext, Applied, Check, Planned } from '../actions/action-module';
import type { Ports } from '../actions/ports';
import { moduleOf } from '../actions/registry';
import { mapLimit } from '../concurrency';
import { errorMessage, isRetryable } from '../errors';
import type { Logger } from '../log';
import type { Action } from '../model/action';
import type { Execution, Outcome } from '../model/plan';

export interface ExecutionEnv {
  ports: Ports;
  ctx: ActionContext;
  log: Logger;
  /** Plan and say "would do", change nothing. */
  dryRun: boolean;
  /** The actions build on each other (a plan of one trigger): after a failure the rest are not attempted. */
  stopOnFailure: boolean;
  /** Independent actions of one batch applied at once. @default 1 */
  concurrency?: number;
  /**
   * Apply what the verdicts ask to follow (cleanup: unmark what is in use again). Off under a role that
   * may not make them; they stay in the outcomes. @default true
   */
  followUps?: boolean;
  /**
   * A workflow step's failure is the state machine's to handle (its Retry and Catch match the error's
   * name): the error is thrown as it is, instead of becoming a `failed` outcome.
   */
  throwOnFailure?: boolean;
}

/** An outcome, and what it asked to follow (kept from the report: the use case reads it). */
export interface Executed extends Outcome {
  followUp?: Action;
}

type Result = Omit<Executed, 'action' | 'startedAt' | 'finishedAt'>;

const shareKey = (a: Action): string | undefined => moduleOf(a).batchKey?.(a as never);

/** The consecutive actions that are re-verified (and applied, where the module batches) together. */
function batches(items: readonly Planned[]): Planned[][] {
  const out: Planned[][] = [];
  for (const item of items) {
    const last = out[out.length - 1];
    const key = shareKey(item.action);
    const head = last?.[0]?.action;
    if (last && key !== undefined && head?.type === item.action.type && shareKey(head) === key)
      last.push(item);
    else out.push([item]);
  }
  return out;
}

const failure = (error: unknown, prefix = ''): Result => ({
  status: 'failed',
  detail: `${prefix}${errorMessage(error)}`,
  retryable: isRetryable(error),
});

/** A failure, or the error itself where the caller handles failures (`throwOnFailure`). */
function failed(env: ExecutionEnv, error: unknown, prefix = ''): Result {
  if (env.throwOnFailure) throw error;
  return failure(error, prefix);
}

async function verified(batch: Planned[], env: ExecutionEnv): Promise<Check[] | Result> {
  const mod = moduleOf(batch[0]!.action);
  if (!mod.verify) return batch.map((): Check => ({ ok: true }));
  try {
    return await mod.verify(batch as never, env.ports, env.ctx);
  } catch (error) {
    return failed(env, error, 're-verification failed: ');
  }
}

async function applied(batch: Planned[], env: ExecutionEnv): Promise<Result[]> {
  const mod = moduleOf(batch[0]!.action);
  if (mod.applyBatch) {
    try {
      return await mod.applyBatch(batch as never, env.ports, env.ctx);
    } catch (error) {
      const f = failed(env, error);
      return batch.map(() => f);
    }
  }
  return mapLimit(batch, env.concurrency ?? 1, async (item): Promise<Result> => {
    if (!mod.apply) return { status: 'applied' };
    try {
      return (await mod.apply(item as never, env.ports, env.ctx)) as Applied;
    } catch (error) {
      return failed(env, error);
    }
  });
}

async function runBatch(batch: Planned[], env: ExecutionEnv, done: readonly Outcome[]): Promise<Result[]> {
  if (env.dryRun) return batch.map(() => ({ status: 'dry-run' }));
  const step = batch[0]!.action;
  const partOf = 'partOf' in step ? step.partOf : undefined;
  const workflow = partOf ? done.find((o) => o.action.type === partOf) : undefined;
  if (workflow) {
    // A step of a workflow (resize, refresh): it shares the workflow's outcome.
    return batch.map(() => ({
      status: workflow.status,
      detail: `by the ${partOf === 'refresh-image' ? 'refresh' : 'resize'} workflow${workflow.detail ? ` (${workflow.detail})` : ''}`,
      ...(workflow.notifiedByWorkflow ? { notifiedByWorkflow: true } : {}),
    }));
  }
  if (env.stopOnFailure && done.some((o) => o.status === 'failed'))
    return batch.map(() => ({ status: 'dropped', detail: 'an earlier action of this plan failed' }));

  const checks = await verified(batch, env);
  if (!Array.isArray(checks)) return batch.map(() => checks);
  const results: Result[] = checks.map((c) =>
    c.ok
      ? { status: 'applied' }
      : { status: 'dropped', detail: c.detail, ...(c.followUp ? { followUp: c.followUp } : {}) },
  );
  const go = batch.filter((_, i) => checks[i]!.ok);
  if (go.length > 0) {
    const answers = await applied(go, env);
    let n = 0;
    batch.forEach((_, i) => {
      if (checks[i]!.ok) results[i] = answers[n++]!;
    });
  }
  return results;
}

/** Carries out `items` in order; the outcomes are in the same order. */
export async function executeActions(items: readonly Planned[], env: ExecutionEnv): Promise<Executed[]> {
  const outcomes: Executed[] = [];
  for (const batch of batches(items)) {
    const startedAt = env.ctx.now().toISOString();
    const results = await runBatch(batch, env, outcomes);
    const finishedAt = env.ctx.now().toISOString();
    batch.forEach((item, i) => {
      const r = results[i]!;
      if (r.status === 'failed')
        env.log.log('error', 'action failed', {
          action: item.action.type,
          target: item.action.target,
          error: r.detail,
        });
      outcomes.push({ action: item.action, ...r, startedAt, finishedAt });
    });
  }
  // What the verdicts and answers asked for: best effort, after the plan's own actions; the next run
  // finds and does again whatever did not happen.
  const followUps = outcomes.flatMap((o) => (o.followUp ? [{ action: o.followUp }] : []));
  if (followUps.length > 0 && !env.dryRun && env.followUps !== false) {
    const after = await executeActions(followUps, { ...env, stopOnFailure: false }).catch(() => []);
    for (const o of after)
      if (o.status === 'failed')
        env.log.log('warn', 'follow-up failed', {
          action: o.action.type,
          target: o.action.target,
          error: o.detail,
        });
  }
  return outcomes;
}

/** The plan's actions as the executor takes them. */
export const planned = (actions: readonly Action[]): Planned[] => actions.map((action) => ({ action }));

/** The event claims of the state table. */
export interface ClaimsPort {
  claimEvent(
    key: string,
    now: Date,
  ): Promise<{ claimed: true } | { claimed: false; status: string; at: string; summary?: string }>;
  completeEvent(key: string, now: Date, summary: string): Promise<void>;
  releaseEvent(key: string): Promise<void>;
}

export const retryableFailure = (e: Execution): boolean =>
  e.outcomes.some((o) => o.status === 'failed' && o.retryable);

const summarise = (e: Execution): string =>
  e.outcomes.length > 0
    ? e.outcomes.map((o) => `${o.action.type} ${o.status}`).join(', ')
    : (e.ignored[0]?.reason ?? 'nothing to do').slice(0, 200);

export type Once =
  { ran: true; result: Execution } | { ran: false; seen: { status: string; at: string; summary?: string } };

/**
 * Runs `run` once per event `key` (none: every time). SNS delivers at least once and Lambda retries, so
 * the first delivery claims the key with a conditional write and later ones see the claim. A retryable
 * failure (throttling, a 5xx) gives the event back for AWS's retry of the invocation, and so does an
 * error before anything was applied; any other outcome is final, so a retry repeats neither the change
 * nor the e-mail.
 */
export async function exactlyOnce(
  claims: ClaimsPort,
  key: string | undefined,
  now: () => Date,
  run: () => Promise<Execution>,
): Promise<Once> {
  if (!key) return { ran: true, result: await run() };
  const claim = await claims.claimEvent(key, now());
  if (!claim.claimed) return { ran: false, seen: claim };
  let result: Execution;
  try {
    result = await run();
  } catch (error) {
    await claims.releaseEvent(key).catch(() => undefined);
    throw error;
  }
  if (retryableFailure(result)) await claims.releaseEvent(key);
  else await claims.completeEvent(key, now(), summarise(result));
  return { ran: true, result };
}
