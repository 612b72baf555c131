/**
 * `autopilot redrive`: the events whose invocation failed for good, fed back through the use case their
 * function runs, each message deleted from the failed-events queue only once its event was handled as
 * the function would have handled it (no error, no retryable failure).
 *
 * - `onEvent`: the event is parsed and applied exactly as `on-event` does (parseEvent → applyTrigger).
 *   The claims in the state table make that once per event key: the failed invocation gave its claim
 *   back, so a redrive acts; an event some invocation did complete is a duplicate, and does nothing.
 *   The guards still apply: an alarm older than the idempotency window is ignored, not acted on.
 * - `reconcile`, `cleanup`, `cleanupDelete`: scheduled; their event says only when. Each reads the
 *   present state and converges, so one run now stands for every failed run of it in the queue: it runs
 *   once, and its messages are deleted together (or kept together, if it fails).
 *
 * A message that cannot be handled — not such a record, another stage's or a task function's, a
 * malformed event, a run that fails again — stays in the queue and is reported. Messages read but not
 * deleted are made visible again when the run ends, for the next redrive. `dryRun` reads and plans,
 * changes nothing and deletes nothing.
 */
import type { Deployment } from '../aws/deployment';
import type { QueuedMessage } from '../aws/failed-events';
import { errorMessage } from '../errors';
import { parseEvent } from '../events/parse-event';
import type { Execution, Plan } from '../model/plan';
import { runScheduledCleanup } from './cleanup';
import { retryableFailure } from './execute';
import { SERVICE, stackPrefix } from '../model/stack';
import {
  parseFailureRecord,
  REDRIVABLE,
  type FailureRecord,
  type RedrivableFunction,
} from './failure-record';
import { applyTrigger, planTrigger } from './handle-trigger';
import { reconcile } from './reconcile';
import type { Runtime } from './runtime';

/** The queue as the use case needs it (lib/aws/failed-events.ts). */
export interface FailedEventsPort {
  readonly name: string;
  receive(visibilitySeconds?: number): Promise<QueuedMessage | undefined>;
  delete(message: QueuedMessage): Promise<void>;
  release(message: QueuedMessage): Promise<void>;
}

export interface RedriveOptions {
  rt: Runtime;
  deployment: Deployment;
  queue: FailedEventsPort;
  /** Read and plan, delete nothing (`--dry-run`). */
  dryRun: boolean;
}

/**
 * - `redriven`: handled as the function would have, and deleted;
 * - `would-redrive`: a dry run's plan of it; left in the queue;
 * - `failed`: it failed again, or cannot be handled; left in the queue.
 */
export type RedriveStatus = 'redriven' | 'would-redrive' | 'failed';

export interface RedriveResult {
  actions: { type: string; target: string; status: string; detail?: string }[];
  ignored: string[];
  notifications: string[];
}

export interface RedrivenMessage {
  messageId: string;
  status: RedriveStatus;
  function?: string;
  /** The use case it went through. */
  kind?: RedrivableFunction;
  requestId?: string;
  condition?: string;
  approximateInvokeCount?: number;
  failedAt?: string;
  /** Why the function failed, as Lambda recorded it. */
  originalError?: string;
  /** What went wrong this time, or why it was not attempted. */
  detail?: string;
  /** What the use case did (or, dry, would do). */
  result?: RedriveResult;
  /** A scheduled run that stood for this one too: the message it was made for. */
  coveredBy?: string;
  /** False when it was handled but could not be deleted (the next redrive finds it handled). */
  deleted?: boolean;
}

export interface RedriveReport {
  queue: string;
  stage: string;
  dryRun: boolean;
  messages: RedrivenMessage[];
  totals: { received: number; redriven: number; failed: number; actionsFailed: number };
}

/** What one handling came to, before the queue is told. */
interface Handled {
  status: RedriveStatus;
  detail?: string;
  result?: RedriveResult;
}

/** A dry run only reads: its messages come back soon. Handling uses the queue's own timeout. */
const DRY_RUN_VISIBILITY_SECONDS = 120;

const summarise = (runs: readonly (Plan | Execution)[]): RedriveResult => ({
  actions: runs.flatMap((run) =>
    'outcomes' in run
      ? run.outcomes.map((o) => ({
          type: o.action.type,
          target: o.action.target,
          status: o.status,
          ...(o.detail ? { detail: o.detail } : {}),
        }))
      : run.actions.map((a) => ({ type: a.type, target: a.target, status: 'would' })),
  ),
  ignored: runs.flatMap((run) => run.ignored.map((i) => i.reason)),
  notifications: runs.flatMap((run) =>
    'notification' in run && run.notification ? [run.notification.subject] : [],
  ),
});

/** The on-event function's body, on the CLI's runtime: success as the function would report it. */
async function redriveEvent(rt: Runtime, payload: unknown, dryRun: boolean): Promise<Handled> {
  let triggers;
  try {
    triggers = parseEvent(payload, { defaultRegion: rt.aws.region });
  } catch (error) {
    return {
      status: 'failed',
      detail: `the event cannot be parsed, and would fail again: ${errorMessage(error)}`,
    };
  }
  if (dryRun) {
    const plans: Plan[] = [];
    for (const trigger of triggers) plans.push(await planTrigger(rt, trigger));
    return { status: 'would-redrive', result: summarise(plans) };
  }
  const executions: Execution[] = [];
  for (const trigger of triggers) executions.push(await applyTrigger(rt, trigger));
  const result = summarise(executions);
  const failed = executions.find(retryableFailure);
  if (failed)
    return {
      status: 'failed',
      detail: failed.outcomes.find((o) => o.status === 'failed')?.detail ?? 'an action failed',
      result,
    };
  return { status: 'redriven', result };
}

/** A scheduled function's body, as lib/lambda runs it, once for all its messages. */
async function redriveSchedule(
  o: RedriveOptions,
  kind: Exclude<RedrivableFunction, 'onEvent'>,
): Promise<Handled> {
  const { rt, deployment } = o;
  if (o.dryRun)
    return {
      status: 'would-redrive',
      detail: `would run ${kind} once now (it reads the present state), for every failed run of it`,
    };
  if (kind === 'reconcile') {
    // The queue exists, so the stage is deployed: its own alarms are kept too, as the function would.
    const r = await reconcile(rt, deployment.alarmTopicArn, deployment);
    return {
      status: 'redriven',
      result: summarise([r.alarms, ...r.rechecks, ...r.failovers]),
      ...(r.missingTargets.length
        ? { detail: `missing targets: ${r.missingTargets.map((m) => m.target).join(', ')}` }
        : {}),
    };
  }
  const { report } = await runScheduledCleanup(rt, deployment, kind === 'cleanup' ? 'mark' : 'delete');
  return {
    status: 'redriven',
    result: {
      actions: report.findings
        .filter((f) => f.status)
        .map((f) => ({
          type: f.action,
          target: f.id,
          status: f.status!,
          ...(f.detail ? { detail: f.detail } : {}),
        })),
      ignored: [],
      notifications: report.notification ? [report.notification.subject] : [],
    },
    ...(report.failures.length
      ? {
          detail: `scan failures: ${report.failures.map((f) => `${f.region} ${f.part}: ${f.error}`).join('; ')}`,
        }
      : {}),
  };
}

const describe = (m: QueuedMessage, r: FailureRecord): RedrivenMessage => ({
  messageId: m.messageId,
  status: 'failed',
  function: r.functionName,
  ...(r.function ? { kind: r.function } : {}),
  ...(r.requestId ? { requestId: r.requestId } : {}),
  ...(r.condition ? { condition: r.condition } : {}),
  ...(r.approximateInvokeCount !== undefined ? { approximateInvokeCount: r.approximateInvokeCount } : {}),
  ...(r.failedAt ? { failedAt: r.failedAt } : {}),
  ...(r.error ? { originalError: r.error } : {}),
});

export async function redrive(o: RedriveOptions): Promise<RedriveReport> {
  const { rt, queue, deployment } = o;
  const messages: RedrivenMessage[] = [];
  /** Read and not deleted: made visible again at the end (by its latest receipt). */
  const kept = new Map<string, QueuedMessage>();
  const seen = new Set<string>();
  /** The one run of each scheduled function: the message it was made for and what it came to. */
  const scheduled = new Map<RedrivableFunction, { messageId: string; handled: Handled }>();

  const handle = async (
    m: QueuedMessage,
    entry: RedrivenMessage,
    record: FailureRecord,
  ): Promise<Handled> => {
    const kind = record.function;
    if (!kind)
      return {
        status: 'failed',
        detail: `${record.functionName} is not one of stage ${deployment.stage}'s asynchronously invoked functions (${REDRIVABLE.map((fn) => `${stackPrefix(deployment.stage)}-${fn}`).join(', ')}): left for a person`,
      };
    if (kind === 'onEvent') return redriveEvent(rt, record.payload, o.dryRun);
    const earlier = scheduled.get(kind);
    if (earlier) {
      entry.coveredBy = earlier.messageId;
      return earlier.handled.status === 'failed'
        ? { status: 'failed', detail: `not run again: ${kind} failed earlier in this redrive` }
        : { status: earlier.handled.status, detail: `covered by this redrive's run of ${kind}` };
    }
    const handled = await redriveSchedule(o, kind).catch((error: unknown): Handled => ({
      status: 'failed',
      detail: errorMessage(error),
    }));
    scheduled.set(kind, { messageId: m.messageId, handled });
    return handled;
  };

  try {
    for (;;) {
      const m = await queue.receive(o.dryRun ? DRY_RUN_VISIBILITY_SECONDS : undefined);
      if (!m) break;
      // Back in this run (its timeout lapsed while others were handled): handled once already.
      if (seen.has(m.messageId)) {
        kept.set(m.messageId, m);
        continue;
      }
      seen.add(m.messageId);
      let record: FailureRecord;
      try {
        record = parseFailureRecord(m.body, SERVICE, deployment.stage);
      } catch (error) {
        messages.push({
          messageId: m.messageId,
          status: 'failed',
          detail: `not a Lambda invocation record: ${errorMessage(error)}`,
        });
        kept.set(m.messageId, m);
        continue;
      }
      const entry = describe(m, record);
      const handled = await handle(m, entry, record).catch((error: unknown): Handled => ({
        status: 'failed',
        detail: errorMessage(error),
      }));
      Object.assign(entry, handled);
      messages.push(entry);
      rt.log.log(handled.status === 'failed' ? 'warn' : 'info', `redrive: ${handled.status}`, {
        messageId: m.messageId,
        function: record.functionName,
        ...(handled.detail ? { detail: handled.detail } : {}),
      });
      if (handled.status !== 'redriven') {
        kept.set(m.messageId, m);
        continue;
      }
      try {
        await queue.delete(m);
        entry.deleted = true;
      } catch (error) {
        // Handled all the same: the next redrive finds the event's claim done and deletes it then.
        entry.deleted = false;
        entry.detail = `handled, but not deleted from the queue: ${errorMessage(error)}`;
      }
    }
  } finally {
    for (const m of kept.values())
      await queue.release(m).catch((error: unknown) =>
        rt.log.log('warn', 'redrive: a message stays hidden until its visibility timeout lapses', {
          messageId: m.messageId,
          error: errorMessage(error),
        }),
      );
  }
  return {
    queue: queue.name,
    stage: deployment.stage,
    dryRun: o.dryRun,
    messages,
    totals: {
      received: messages.length,
      redriven: messages.filter((m) => m.status === 'redriven').length,
      failed: messages.filter((m) => m.status === 'failed' || m.deleted === false).length,
      actionsFailed: messages.reduce(
        (n, m) => n + (m.result?.actions.filter((a) => a.status === 'failed').length ?? 0),
        0,
      ),
    },
  };
}
