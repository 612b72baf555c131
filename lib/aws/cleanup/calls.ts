/**
 * Every AWS call of a cleanup run goes through here: it is counted (by purpose and operation, so the
 * bench and the report can set the calls made against the minimum), made through the one call wrapper
 * and its retry policy (../call.ts, ../retry.ts), and paginated through the SDK's paginators at the page
 * size the caller asks for.
 *
 * A scan of thousands of resources can meet a long burst of throttling, and one failed page voids the
 * whole run (it acts on nothing), so each page is retried like any call; every attempt is counted.
 */
import { call, wrapSend } from '../call';
import type { AwsClients } from '../clients';
import type { RetryPolicy } from '../retry';

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
  /** The retry policy's parameters for this run (default: `DEFAULT_RETRY`, as every call). */
  retry?: RetryPolicy;
}

/** One call: counted (each attempt), mapped and retried by the one call wrapper. */
export function send<T>(
  io: CleanupIo,
  purpose: Purpose,
  subject: string,
  operation: string,
  fn: () => Promise<T>,
): Promise<T> {
  return call(operation, fn, {
    ...(io.retry ? { retry: io.retry } : {}),
    ...(io.sleep ? { sleep: io.sleep } : {}),
    onAttempt: (attempt) => io.log.record(purpose, subject, operation, attempt > 1),
  });
}

type Client = { send: (...args: never[]) => unknown };

/** `client` for an SDK paginator: each page's request is one `send` (counted, retried). */
export const counted = <C extends Client>(
  io: CleanupIo,
  purpose: Purpose,
  subject: string,
  operation: string,
  client: C,
): C => wrapSend(client, (fn) => send(io, purpose, subject, operation, fn));

/**
 * Every resource of a listing, through the SDK's paginator: `pages(client)` starts it with a client whose
 * requests are counted scan calls, `items(page)` picks a page's resources. A page that fails for good
 * fails the whole listing: a partial inventory would make resources that are in use look orphaned.
 */
export async function paginate<C extends Client, P, T>(
  io: CleanupIo,
  region: string,
  part: string,
  operation: string,
  client: C,
  pages: (client: C) => AsyncIterable<P>,
  items: (page: P) => T[],
): Promise<T[]> {
  const all: T[] = [];
  let n = 0;
  const pager = pages(counted(io, 'scan', part, operation, client))[Symbol.asyncIterator]();
  // A page is reported once the next one is known (or known not to exist), so the last one says `done`.
  for (let page = await pager.next(); !page.done;) {
    all.push(...items(page.value));
    n += 1;
    const next = await pager.next();
    io.progress?.({ region, part, count: all.length, pages: n, done: Boolean(next.done) });
    page = next;
  }
  return all;
}

export { chunks, mapLimit } from '../../concurrency';
