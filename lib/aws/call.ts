/**
 * The one call wrapper: every SDK request goes through `call`, which turns an SDK failure into an
 * `AwsCallError` that says which call failed and whether retrying can help, and retries the ones that
 * can under the one retry policy (./retry.ts). The clients make one attempt per request (./clients.ts),
 * so the policy here is the only one.
 */
import { AwsCallError } from '../errors';
import { withRetries, type RetryOptions } from './retry';

const THROTTLING = new Set([
  'Throttling',
  'ThrottlingException',
  'ThrottledException',
  'RequestThrottledException',
  'TooManyRequestsException',
  'ProvisionedThroughputExceededException',
  'RequestLimitExceeded',
  'RequestThrottled',
  'SlowDown',
  'PriorRequestNotComplete',
  'EC2ThrottledException',
  'BandwidthLimitExceeded',
  'TransactionInProgressException',
]);

/** A request that never got an answer (the SDK's own list of transient network faults). */
const TRANSIENT_NAMES = new Set(['TimeoutError', 'RequestTimeout', 'RequestTimeoutException']);
const TRANSIENT_SOCKET_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
]);

/**
 * A network fault told only in words: the SDK's retry layer turns a thrown value it does not recognise as
 * an Error (one from another realm: a VM context, a worker) into `AWS SDK error wrapper for <text>`, and
 * some handlers say "socket hang up" without a code. Without an HTTP answer, these words are the fault.
 */
const NETWORK_WORDS =
  /socket hang up|ECONNRESET|ECONNREFUSED|EPIPE|ETIMEDOUT|EHOSTUNREACH|ENETUNREACH|EAI_AGAIN/;
const WRAPPED = /^AWS SDK error wrapper for (\w+)/;

interface SdkError {
  name?: string;
  message?: string;
  code?: string;
  $metadata?: { httpStatusCode?: number };
  $fault?: 'client' | 'server';
  $retryable?: unknown;
}

/**
 * An HTTP 500 whose body is not an AWS error. AWS answers its own faults with an error code
 * (`InternalError`, `InternalFailure`, `ServiceUnavailable`…), which the SDK turns into a service exception
 * (`$fault` set, `name` the code). moto answers an action it lacks — and its own crashes —
 * with Werkzeug's HTML error page: the SDK then throws its parse error (no `$fault`; `name` `Error` or
 * `SyntaxError`), or, where the HTML happens to parse, a service exception named `Unknown`. The same call
 * gets the same page again, so it fails at once. A 502–504 without a code (a gateway's page) is still
 * retried: those are the transient ones.
 */
export function isUnreadableServerError(error: unknown): boolean {
  const e = error as SdkError | undefined;
  if (e?.$metadata?.httpStatusCode !== 500) return false;
  return e.$fault === undefined || e.name === 'Unknown' || e.name === 'UnknownError';
}

function retryableFault(e: SdkError | undefined, code: string): boolean {
  if (!e || e.name === 'AbortError') return false;
  if (isUnreadableServerError(e)) return false;
  if (THROTTLING.has(code) || e.$retryable !== undefined) return true;
  if (TRANSIENT_NAMES.has(code) || (e.code !== undefined && TRANSIENT_SOCKET_CODES.has(e.code))) return true;
  const status = e.$metadata?.httpStatusCode;
  if (status === undefined && NETWORK_WORDS.test(e.message ?? '')) return true;
  return e.$fault === 'server' || (status !== undefined && status >= 500);
}

export function toAwsError(operation: string, error: unknown): AwsCallError {
  if (error instanceof AwsCallError) return error;
  const e = error as SdkError | undefined;
  // The HTTP handler's own words, without its logger's prefix.
  const message = (e?.message ?? String(error)).replace(/^@smithy\/node-http-handler - \[\w+\] /, '');
  const code = (e?.name === 'Error' ? WRAPPED.exec(message)?.[1] : undefined) ?? e?.name ?? 'Error';
  return new AwsCallError(
    operation,
    code,
    isUnreadableServerError(e)
      ? `HTTP 500 without an AWS error in its body (not retried): ${message}`
      : message,
    retryableFault(e, code),
    { cause: error },
  );
}

export type CallOptions = RetryOptions;

/**
 * `await call('DescribeAlarms', () => client.send(new sdk.DescribeAlarmsCommand(input)))`: the result,
 * or an AwsCallError naming the operation once the retry policy has given up (or at once, when retrying
 * cannot help). `send` is called once per attempt.
 */
export function call<T>(operation: string, send: () => Promise<T>, options: CallOptions = {}): Promise<T> {
  return withRetries(async () => {
    try {
      return await send();
    } catch (error) {
      throw toAwsError(operation, error);
    }
  }, options);
}

/**
 * `client` with each request it sends going through `wrap`: what an SDK paginator is given, so that every
 * page is one wrapped call. The result still is an instance of the client's class (paginators check that);
 * only `send` differs.
 */
export function wrapSend<C extends { send: (...args: never[]) => unknown }>(
  client: C,
  wrap: (send: () => Promise<unknown>) => Promise<unknown>,
): C {
  const target = client as unknown as { send: (...args: unknown[]) => Promise<unknown> };
  const send = (...args: unknown[]) => wrap(() => target.send(...args));
  return Object.create(client, { send: { value: send } }) as C;
}

/**
 * `client` for `sdk.paginateX({ client: viaCall(client, 'X') }, input)`: each page's request goes through
 * `call('X', …)`, so pages are retried and mapped like any call, and a page that fails for good fails the
 * whole listing (the paginator throws: a partial listing is never taken for a whole one).
 */
export const viaCall = <C extends { send: (...args: never[]) => unknown }>(
  client: C,
  operation: string,
  options: CallOptions = {},
): C => wrapSend(client, (send) => call(operation, send, options));

/** True when the error is AWS's answer `code` (e.g. `ConditionalCheckFailedException`). */
export const isAwsCode = (error: unknown, code: string): boolean =>
  error instanceof AwsCallError ? error.code === code : (error as { name?: string })?.name === code;
