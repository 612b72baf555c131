/**
 * The cleanup's counted calls over the one retry policy, and its listings over a paginator: every
 * attempt counted, each page retried on its own, and a listing whose later page fails throws instead of
 * returning the pages read before. The client and paginator are fakes shaped as the SDK's are (a paginator
 * is an async generator that calls `client.send` once per page); the real ones run in the integration tests.
 */
import { CallLog, paginate, send, type CleanupIo, type Progress } from '../../../lib/aws/cleanup/calls';
import type { AwsClients } from '../../../lib/aws/clients';
import { AwsCallError } from '../../../lib/errors';

const throttled = () =>
  Object.assign(new Error('Rate exceeded'), {
    name: 'ThrottlingException',
    $fault: 'client',
    $metadata: { httpStatusCode: 400 },
  });
const denied = () =>
  Object.assign(new Error('no'), {
    name: 'AccessDenied',
    $fault: 'client',
    $metadata: { httpStatusCode: 403 },
  });

function io(extra: Partial<CleanupIo> = {}): CleanupIo & { progressed: Progress[]; waits: number[] } {
  const progressed: Progress[] = [];
  const waits: number[] = [];
  return {
    clients: () => ({}) as AwsClients,
    log: new CallLog(),
    progress: (p) => progressed.push(p),
    sleep: async (ms) => void waits.push(ms),
    progressed,
    waits,
    ...extra,
  };
}

interface Page {
  items: string[];
  next?: string;
}

/** A client answering `{ token }` commands from `pages`; `failures[token]` errors are thrown first, in turn. */
function fakeClient(pages: Record<string, Page>, failures: Record<string, unknown[]> = {}) {
  const sent: string[] = [];
  return {
    sent,
    async send(command: { token: string }): Promise<Page> {
      sent.push(command.token);
      const error = failures[command.token]?.shift();
      if (error) throw error;
      return pages[command.token]!;
    },
  };
}

type Client = ReturnType<typeof fakeClient>;

/** Shaped as the SDK's paginators: one `client.send` per page, until a page has no token. */
async function* fakePaginator(config: { client: Client }): AsyncGenerator<Page> {
  let token: string | undefined = 'first';
  while (token) {
    const page: Page = await config.client.send({ token });
    yield page;
    token = page.next;
  }
}

const THREE_PAGES: Record<string, Page> = {
  first: { items: ['a', 'b'], next: 'p2' },
  p2: { items: ['c'], next: 'p3' },
  p3: { items: ['d'] },
};

const list = (o: CleanupIo, client: Client) =>
  paginate(
    o,
    'eu-west-1',
    'volumes',
    'DescribeVolumes',
    client,
    (c) => fakePaginator({ client: c }),
    (page) => page.items,
  );

describe('paginate', () => {
  it('reads every page, one counted call each, and reports the last as done', async () => {
    const o = io();
    const client = fakeClient(THREE_PAGES);
    await expect(list(o, client)).resolves.toEqual(['a', 'b', 'c', 'd']);
    expect(client.sent).toEqual(['first', 'p2', 'p3']);
    expect(o.log.entries()).toEqual([
      { purpose: 'scan', subject: 'volumes', operation: 'DescribeVolumes', calls: 3, retries: 0 },
    ]);
    expect(o.progressed).toEqual([
      { region: 'eu-west-1', part: 'volumes', count: 2, pages: 1, done: false },
      { region: 'eu-west-1', part: 'volumes', count: 3, pages: 2, done: false },
      { region: 'eu-west-1', part: 'volumes', count: 4, pages: 3, done: true },
    ]);
  });

  it('retries a throttled later page on its own, and counts the retries', async () => {
    const o = io();
    const client = fakeClient(THREE_PAGES, { p2: [throttled(), throttled()] });
    await expect(list(o, client)).resolves.toEqual(['a', 'b', 'c', 'd']);
    expect(client.sent).toEqual(['first', 'p2', 'p2', 'p2', 'p3']);
    expect(o.log.total()).toBe(5);
    expect(o.log.entries()[0]!.retries).toBe(2);
    expect(o.waits).toHaveLength(2);
  });

  it('throws when a later page fails, instead of returning the pages read so far', async () => {
    const o = io();
    const client = fakeClient(THREE_PAGES, { p2: [denied()] });
    const failure = list(o, client);
    await expect(failure).rejects.toBeInstanceOf(AwsCallError);
    await expect(failure).rejects.toMatchObject({ operation: 'DescribeVolumes', code: 'AccessDenied' });
    expect(client.sent).toEqual(['first', 'p2']);
    expect(o.progressed.some((p) => p.done)).toBe(false);
  });

  it('throws when a later page stays throttled past the bound', async () => {
    const o = io({ retry: { attempts: 3, baseMs: 1, maxMs: 1 } });
    const client = fakeClient(THREE_PAGES, { p3: Array.from({ length: 9 }, throttled) });
    await expect(list(o, client)).rejects.toMatchObject({ code: 'ThrottlingException', retryable: true });
    expect(client.sent).toEqual(['first', 'p2', 'p3', 'p3', 'p3']);
  });
});

describe('send', () => {
  it('retries a 5xx under the same policy as every call, and counts each attempt', async () => {
    const o = io();
    let attempts = 0;
    const unavailable = Object.assign(new Error('busy'), {
      name: 'ServiceUnavailable',
      $fault: 'server',
      $metadata: { httpStatusCode: 503 },
    });
    const out = await send(o, 'act', 'volume', 'DeleteVolume', async () => {
      attempts += 1;
      if (attempts === 1) throw unavailable;
      return 'deleted';
    });
    expect(out).toBe('deleted');
    expect(o.log.entries()).toEqual([
      { purpose: 'act', subject: 'volume', operation: 'DeleteVolume', calls: 2, retries: 1 },
    ]);
  });

  it("fails at once on moto's not-implemented answer", async () => {
    const o = io();
    const notImplemented = Object.assign(new Error('@aws-sdk XML parse error: mismatched tags'), {
      $metadata: { httpStatusCode: 500 },
    });
    await expect(
      send(o, 'act', 'launch-template-version', 'DeleteLaunchTemplateVersions', async () => {
        throw notImplemented;
      }),
    ).rejects.toMatchObject({ retryable: false });
    expect(o.log.total()).toBe(1);
    expect(o.waits).toEqual([]);
  });
});
