/**
 * Sends a command and turns an SDK failure into an `AwsCallError` that says which call failed and
 * whether retrying can help. The SDK's own retry strategy (standard mode: exponential backoff with
 * jitter, throttling-aware) has already run by the time an error reaches here.
 */
import { AwsCallError } from '../errors';

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
]);

export function toAwsError(operation: string, error: unknown): AwsCallError {
  const e = error as {
    name?: string;
    message?: string;
    $metadata?: { httpStatusCode?: number };
    $fault?: string;
  };
  const code = e?.name ?? 'Error';
  const status = e?.$metadata?.httpStatusCode;
  const retryable = THROTTLING.has(code) || e?.$fault === 'server' || (status !== undefined && status >= 500);
  return new AwsCallError(operation, code, e?.message ?? String(error), retryable, { cause: error });
}

/**
 * `await call('DescribeAlarms', () => client.send(new sdk.DescribeAlarmsCommand(input)))`: the result,
 * or an AwsCallError naming the operation.
 */
export async function call<T>(operation: string, send: () => Promise<T>): Promise<T> {
  try {
    return await send();
  } catch (error) {
    throw toAwsError(operation, error);
  }
}

/** True when the error is AWS's answer `code` (e.g. `ConditionalCheckFailedException`). */
export const isAwsCode = (error: unknown, code: string): boolean =>
  error instanceof AwsCallError ? error.code === code : (error as { name?: string })?.name === code;
