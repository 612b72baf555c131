/**
 * The one retry policy of every AWS call. `call` (./call.ts) runs each SDK request under it, the cleanup's
 * counted `send` included, and the clients are made with the SDK's own retries off (./clients.ts): with both,
 * each of our attempts would be several of the SDK's, and a persistent 503 would cost attempts × 3 requests.
 *
 * What is retried is decided where the error is mapped (`AwsCallError.retryable`, see `toAwsError`):
 * throttling, AWS's 5xx faults and dropped connections. Everything else fails at once, and so does an HTTP
 * 500 without an AWS error in its body — moto's answer to an action it lacks.
 *
 * Waits are exponential with full jitter (a random wait between 0 and `baseMs · 2^(retry-1)`, at most
 * `maxMs`): parallel callers throttled together spread out instead of coming back together. The policy is
 * bounded twice, by attempts and by the total time since the first attempt, so a slow outage cannot hold a
 * Lambda until its timeout.
 */
import { DeadlineExceededError, isRetryable } from '../errors';

/** When the running function must have stopped calling AWS (epoch ms); none outside a Lambda. */
let deadline: number | undefined;

/**
 * Sets (or clears) the deadline of this process's calls: a Lambda's end less a margin. An attempt that
 * would start after it is not made, and a retry whose wait would end after it is not waited for.
 */
export function setDeadline(at: number | undefined): void {
  deadline = at;
}

export interface RetryPolicy {
  /** Attempts in all, the first one included (1: no retry). @default 5 */
  attempts: number;
  /** Ceiling of the first wait, doubled at each further retry. @default 250 */
  baseMs: number;
  /** Ceiling of any one wait. @default 8000 */
  maxMs: number;
  /**
   * No retry is made whose wait would end later than this after the first attempt started (time spent
   * in the attempts counts). @default 20000
   */
  budgetMs?: number;
}

export const DEFAULT_RETRY: Readonly<Required<RetryPolicy>> = Object.freeze({
  attempts: 5,
  baseMs: 250,
  maxMs: 8_000,
  budgetMs: 20_000,
});

export interface RetryOptions {
  /** Overrides of the default policy's parameters. */
  retry?: Partial<RetryPolicy>;
  /** Injected in tests, so that backoff does not slow them down. */
  sleep?: (ms: number) => Promise<void>;
  /** A number in [0, 1): the jitter. @default Math.random */
  random?: () => number;
  /** Milliseconds, for the budget. @default Date.now */
  now?: () => number;
  /** Called before each attempt (1 is the first): the cleanup counts its calls and retries with it. */
  onAttempt?: (attempt: number) => void;
  /**
   * The call is what the margin before the deadline is kept for (giving an event back): it may run
   * after the deadline, still within its own request timeout.
   */
  inMargin?: boolean;
}

export const realSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** The ceiling of the wait before attempt `attempt + 1` (full jitter waits a random part of it). */
export const backoffCeiling = (attempt: number, policy: Pick<RetryPolicy, 'baseMs' | 'maxMs'>): number =>
  Math.min(policy.maxMs, policy.baseMs * 2 ** (attempt - 1));

const tooLate = () =>
  new DeadlineExceededError("the function's time is nearly up: no more AWS calls in this run");

/**
 * `fn()`, or a DeadlineExceededError when the deadline comes first: the request may still be answered,
 * but this run stops waiting for it and ends cleanly (its answer is then as good as lost, which every
 * write here is made to survive).
 */
async function beforeDeadline<T>(fn: () => Promise<T>, deadline: number | undefined): Promise<T> {
  if (deadline === undefined) return fn();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(tooLate()), Math.max(0, deadline - Date.now()));
  });
  try {
    return await Promise.race([fn(), late]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * `fn()`'s result; when it throws a retryable error (`isRetryable`), `fn` is called again after a wait,
 * until it succeeds, throws an error that is not retryable, or the policy's bounds are reached — then the
 * last error is thrown as it is.
 */
export async function withRetries<T>(fn: () => Promise<T>, options: RetryOptions = {}): Promise<T> {
  const r = options.retry ?? {};
  const policy: Required<RetryPolicy> = {
    attempts: r.attempts ?? DEFAULT_RETRY.attempts,
    baseMs: r.baseMs ?? DEFAULT_RETRY.baseMs,
    maxMs: r.maxMs ?? DEFAULT_RETRY.maxMs,
    budgetMs: r.budgetMs ?? DEFAULT_RETRY.budgetMs,
  };
  const sleep = options.sleep ?? realSleep;
  const random = options.random ?? Math.random;
  const now = options.now ?? Date.now;
  const started = now();
  const until = options.inMargin ? undefined : deadline;
  for (let attempt = 1; ; attempt += 1) {
    if (until !== undefined && now() >= until) throw tooLate();
    options.onAttempt?.(attempt);
    try {
      return await beforeDeadline(fn, until);
    } catch (error) {
      if (attempt >= policy.attempts || !isRetryable(error)) throw error;
      const wait = random() * backoffCeiling(attempt, policy);
      if (now() - started + wait > policy.budgetMs) throw error;
      if (until !== undefined && now() + wait >= until) throw error;
      await sleep(wait);
    }
  }
}
