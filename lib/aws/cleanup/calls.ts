/**
 * Every AWS call of a cleanup run goes through here: it is counted (by purpose and operation, so the
 * bench and the report can set the calls made against the minimum), retried with exponential backoff
 * and full jitter when AWS throttles it, and paginated at the page size the caller asks for.
 *
 * The SDK's standard retry mode has already retried a throttled call a few times by the time it fails;
 * a scan of thousands of resources can still meet a longer burst, and one failed page voids the whole
 * run (it acts on nothing), so a throttled page is tried again here a few more times before giving up.
 */
import { AwsCallError } from '../../errors';
import { call } from '../call';
import type { AwsClients } from '../clients';

/** Why a call was made: a bulk describe of a part, a lookup of suspects, a re-verification, a change. */
export type Purpose = 'scan' | 'lookup' | 'verify' | 'act';

export interface CallCount {
  purpose: Purpose;
  /** The inventory part, lookup kind or category the call was for. */
  subject: string;
  operation: string;
  calls: number;
  retries: number;
}

/** Counts the calls a run makes. */
export class CallLog {
  private readonly counts = new Map<string, CallCount>();

  record(purpose: Purpose, subject: string, operation: string, retry = false): void {
    const key = `${purpose}|${subject}|${operation}`;
    const c = this.counts.get(key) ?? { purpose, subject, operation, calls: 0, retries: 0 };
    c.calls += 1;
    if (retry) c.retries += 1;
    this.counts.set(key, c);
  }

  entries(): CallCount[] {
    return [...this.counts.values()];
  }

  total(filter: (c: CallCount) => boolean = () => true): number {
    return this.entries()
      .filter(filter)
      .reduce((sum, c) => sum + c.calls, 0);
  }
}

export interface Progress {
  region: string;
  part: string;
  /** Resources read so far, and pages. */
  count: number;
  pages: number;
  done: boolean;
}

/** What the cleanup adapters share in one run. */
export interface CleanupIo {
  /** The clients of a region (cleanup scans several). */
  clients(region: string): AwsClients;
  log: CallLog;
  progress?: (p: Progress) => void;
  /** Injected in tests so that backoff does not slow them down. */
  sleep?: (ms: number) => Promise<void>;
  retry?: { attempts: number; baseMs: number; maxMs: number };
}

const DEFAULT_RETRY = { attempts: 5, baseMs: 250, maxMs: 8_000 };

const realSleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/**
 * Throttling only: a 5xx is retried by the SDK already, and an emulator's "not implemented" (HTTP 500)
 * must fail at once.
 */
const THROTTLED = /Throttl|RequestLimitExceeded|TooManyRequests|SlowDown|PriorRequestNotComplete/;
const isThrottled = (error: unknown): boolean => error instanceof AwsCallError && THROTTLED.test(error.code);

/** One call: counted, and retried with backoff while AWS throttles it. */
export async function send<T>(
  io: CleanupIo,
  purpose: Purpose,
  subject: string,
  operation: string,
  fn: () => Promise<T>,
): Promise<T> {
  const retry = io.retry ?? DEFAULT_RETRY;
  const sleep = io.sleep ?? realSleep;
  for (let attempt = 1; ; attempt += 1) {
    io.log.record(purpose, subject, operation, attempt > 1);
    try {
      return await call(operation, fn);
    } catch (error) {
      if (attempt >= retry.attempts || !isThrottled(error)) throw error;
      // Full jitter: retries of parallel scans spread out instead of hitting AWS together again.
      const ceiling = Math.min(retry.maxMs, retry.baseMs * 2 ** (attempt - 1));
      await sleep(Math.random() * ceiling);
    }
  }
}

/**
 * Every page of a paginated describe. `page(token)` makes one request and returns its items and the
 * next token; an absent or empty token ends the listing.
 */
export async function paginate<T>(
  io: CleanupIo,
  region: string,
  part: string,
  operation: string,
  page: (token: string | undefined) => Promise<{ items: T[]; next?: string | undefined }>,
): Promise<T[]> {
  const all: T[] = [];
  let token: string | undefined;
  let pages = 0;
  do {
    const out = await send(io, 'scan', part, operation, () => page(token));
    all.push(...out.items);
    pages += 1;
    token = out.next || undefined;
    io.progress?.({ region, part, count: all.length, pages, done: !token });
  } while (token);
  return all;
}

/** `items` in chunks of `size`: batched calls take a bounded list of ids or filter values. */
export function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** Runs `fn` over `items` with at most `limit` at a time, keeping the order of results. */
export async function mapLimit<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i]!, i);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  return results;
}
