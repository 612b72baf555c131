/**
 * The one retry policy and the call wrapper that applies it. `fn` is a fake here: what it throws has the
 * shapes the SDK v3 gives its errors, measured against moto and against a stub speaking AWS's error
 * documents (test/integration/calls.test.ts checks the same with the real SDK). No test waits: `sleep`
 * records the waits instead.
 */
import { AwsCallError, DeadlineExceededError } from '../../../lib/errors';
import { call, isUnreadableServerError, toAwsError } from '../../../lib/aws/call';
import {
  DEFAULT_RETRY,
  backoffCeiling,
  setDeadline,
  withRetries,
  type RetryOptions,
} from '../../../lib/aws/retry';

/** An error as the SDK throws it for an AWS error document (a service exception). */
const serviceError = (
  name: string,
  status: number,
  fault: 'client' | 'server' = status >= 500 ? 'server' : 'client',
) =>
  Object.assign(new Error(`${name} from AWS`), {
    name,
    $fault: fault,
    $metadata: { httpStatusCode: status },
  });

/**
 * What the SDK throws when moto answers an action it lacks: HTTP 500, Werkzeug's HTML page,
 * which the XML parser refuses (EC2, Auto Scaling, SNS) or JSON.parse does (CloudWatch). No `$fault`.
 */
const motoNotImplemented = (name: 'Error' | 'SyntaxError' = 'Error') =>
  Object.assign(
    new Error(
      '@aws-sdk XML parse error: mismatched tags <html> and </title>.\n  Deserialization error: to see the raw response, inspect the hidden field {error}.$response on this object.',
    ),
    { name, $metadata: { httpStatusCode: 500 } },
  );

const networkError = (code: string) => Object.assign(new Error(`connect ${code} 127.0.0.1:443`), { code });

/** `fn` that throws `errors` in turn, then answers `'ok'`; with the attempts it saw and the waits asked. */
function scripted(...errors: unknown[]) {
  const waits: number[] = [];
  let attempts = 0;
  const fn = async () => {
    attempts += 1;
    if (attempts <= errors.length) throw errors[attempts - 1];
    return 'ok';
  };
  const options: RetryOptions = {
    sleep: async (ms) => void waits.push(ms),
    random: () => 0.5,
  };
  return { fn, options, waits, attempts: () => attempts };
}

describe('call', () => {
  it('retries a throttled call with backoff until it succeeds', async () => {
    const s = scripted(serviceError('ThrottlingException', 400), serviceError('RequestLimitExceeded', 400));
    await expect(call('DescribeAlarms', s.fn, s.options)).resolves.toBe('ok');
    expect(s.attempts()).toBe(3);
    // Full jitter (random 0.5 here) of 250 ms, then of 500 ms.
    expect(s.waits).toEqual([125, 250]);
  });

  it.each([
    ['InternalError', 500],
    ['InternalFailure', 500],
    ['ServiceUnavailable', 503],
    ['Unavailable', 503],
    ['Unknown', 502],
  ])("retries AWS's %s (HTTP %i)", async (name, status) => {
    const s = scripted(serviceError(name, status));
    await expect(call('DescribeInstances', s.fn, s.options)).resolves.toBe('ok');
    expect(s.attempts()).toBe(2);
  });

  it('retries a 5xx that carries no AWS fault, like a test-injected one', async () => {
    const injected = Object.assign(new Error('injected'), {
      name: 'ServiceUnavailable',
      $metadata: { httpStatusCode: 503 },
    });
    const s = scripted(injected);
    await expect(call('DescribeVolumes', s.fn, s.options)).resolves.toBe('ok');
    expect(s.attempts()).toBe(2);
  });

  it.each(['ECONNRESET', 'ETIMEDOUT', 'EPIPE'])('retries a dropped connection (%s)', async (code) => {
    const s = scripted(networkError(code));
    await expect(call('Publish', s.fn, s.options)).resolves.toBe('ok');
    expect(s.attempts()).toBe(2);
  });

  it.each([
    ['AccessDenied', 403],
    ['UnauthorizedOperation', 403],
    ['InvalidParameterValue', 400],
    ['ConditionalCheckFailedException', 400],
    ['InvalidInstanceID.NotFound', 400],
    ['LimitExceeded', 400],
  ])('fails at once on %s: retrying cannot help', async (name, status) => {
    const s = scripted(serviceError(name, status));
    const failure = call('RunInstances', s.fn, s.options);
    await expect(failure).rejects.toBeInstanceOf(AwsCallError);
    await expect(failure).rejects.toMatchObject({ operation: 'RunInstances', code: name, retryable: false });
    expect(s.attempts()).toBe(1);
    expect(s.waits).toEqual([]);
  });

  it.each(['Error', 'SyntaxError'] as const)(
    "fails at once on moto's not-implemented answer (HTTP 500, HTML, %s)",
    async (name) => {
      const s = scripted(motoNotImplemented(name), motoNotImplemented(name));
      const failure = call('StartInstanceRefresh', s.fn, s.options);
      await expect(failure).rejects.toMatchObject({
        operation: 'StartInstanceRefresh',
        code: name,
        retryable: false,
        message: expect.stringContaining('HTTP 500 without an AWS error in its body'),
      });
      expect(s.attempts()).toBe(1);
    },
  );

  it('gives up after the attempts bound and throws the last error', async () => {
    const errors = Array.from({ length: 9 }, () => serviceError('ServiceUnavailable', 503, 'server'));
    errors[4] = serviceError('InternalError', 500);
    const s = scripted(...errors);
    const failure = call('DescribeVolumes', s.fn, s.options);
    await expect(failure).rejects.toMatchObject({ code: 'InternalError', retryable: true });
    expect(s.attempts()).toBe(DEFAULT_RETRY.attempts);
    // 0.5 × 250, 500, 1000, 2000 ms: four waits between five attempts.
    expect(s.waits).toEqual([125, 250, 500, 1000]);
  });

  it('takes its bounds from the options', async () => {
    const s = scripted(...Array.from({ length: 9 }, () => serviceError('Throttling', 400)));
    await expect(
      call('DescribeAlarms', s.fn, { ...s.options, retry: { attempts: 3, baseMs: 100, maxMs: 150 } }),
    ).rejects.toMatchObject({ code: 'Throttling' });
    expect(s.attempts()).toBe(3);
    expect(s.waits).toEqual([50, 75]);
  });

  it('counts each attempt', async () => {
    const s = scripted(serviceError('Throttling', 400));
    const seen: number[] = [];
    await call('ListTopics', s.fn, { ...s.options, onAttempt: (a) => seen.push(a) });
    expect(seen).toEqual([1, 2]);
  });

  it('passes an AwsCallError through as it is (no wrapping twice)', () => {
    const inner = new AwsCallError('GetItem', 'Throttling', 'slow down', true);
    expect(toAwsError('Other', inner)).toBe(inner);
  });
});

describe('withRetries', () => {
  it('stops when the next wait would end past the total budget', async () => {
    let clock = 0;
    const waits: number[] = [];
    let attempts = 0;
    const fn = async () => {
      attempts += 1;
      clock += 1_000; // each attempt takes a second
      throw new AwsCallError('DescribeInstances', 'Throttling', 'slow', true);
    };
    await expect(
      withRetries(fn, {
        retry: { attempts: 10, baseMs: 1_000, maxMs: 1_000, budgetMs: 4_500 },
        random: () => 1,
        now: () => clock,
        sleep: async (ms) => {
          waits.push(ms);
          clock += ms;
        },
      }),
    ).rejects.toMatchObject({ code: 'Throttling' });
    // 1 s attempt, 1 s wait, 1 s attempt, 1 s wait (4 s): a third wait would end at 6 s > 4.5 s.
    expect(attempts).toBe(3);
    expect(waits).toEqual([1_000, 1_000]);
  });

  it('waits at most maxMs, with full jitter below the exponential ceiling', () => {
    const policy = { baseMs: 250, maxMs: 8_000 };
    expect([1, 2, 3, 4, 5, 6, 7, 8].map((a) => backoffCeiling(a, policy))).toEqual([
      250, 500, 1_000, 2_000, 4_000, 8_000, 8_000, 8_000,
    ]);
  });

  it('does not retry errors that are not ours to judge', async () => {
    let attempts = 0;
    const fn = async () => {
      attempts += 1;
      throw new TypeError('a bug');
    };
    await expect(withRetries(fn, { sleep: async () => undefined })).rejects.toBeInstanceOf(TypeError);
    expect(attempts).toBe(1);
  });
});

describe('isUnreadableServerError', () => {
  it.each([
    ['moto, XML parse error', motoNotImplemented('Error'), true],
    ['moto, JSON parse error', motoNotImplemented('SyntaxError'), true],
    ['HTML that parsed as an EC2 error', serviceError('Unknown', 500), true],
    ["AWS's InternalError", serviceError('InternalError', 500), false],
    ['a gateway page (502)', serviceError('Unknown', 502), false],
    ['an unparseable 503', Object.assign(new Error('x'), { $metadata: { httpStatusCode: 503 } }), false],
    ['a network error', networkError('ECONNRESET'), false],
  ])('%s: %s', (_, error, expected) => {
    expect(isUnreadableServerError(error)).toBe(expected);
  });
});

describe("the function's deadline", () => {
  afterEach(() => setDeadline(undefined));

  it('starts no attempt after it, and says so with a retryable error', async () => {
    setDeadline(Date.now() - 1);
    const fn = jest.fn(async () => 'ok');
    const error = await withRetries(fn).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DeadlineExceededError);
    expect((error as DeadlineExceededError).retryable).toBe(true);
    expect(fn).not.toHaveBeenCalled();
  });

  it('waits for no retry that would end after it', async () => {
    setDeadline(Date.now() + 50);
    const waits: number[] = [];
    const throttled = new AwsCallError('PutItem', 'ThrottlingException', 'slow down', true);
    const error = await withRetries(
      async () => {
        throw throttled;
      },
      { random: () => 0.99, retry: { baseMs: 1000 }, sleep: async (ms) => void waits.push(ms) },
    ).catch((e: unknown) => e);
    expect(error).toBe(throttled);
    expect(waits).toEqual([]);
  });

  it('stops waiting for an answer that has not come by then', async () => {
    setDeadline(Date.now() + 30);
    const started = Date.now();
    const error = await withRetries(() => new Promise(() => undefined)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DeadlineExceededError);
    expect(Date.now() - started).toBeLessThan(2_000);
  });
});
