/**
 * What a failed step tells the state machine. Step Functions matches Retry and Catch on the error's
 * name (a Lambda's `errorType`), so retryable faults are renamed `Retryable`, which the definition
 * retries with backoff; everything else keeps its name and goes to the Catch (rollback).
 */
import { isRetryable } from '../errors';

export function stepError(error: unknown): unknown {
  if (!isRetryable(error)) return error;
  const retry = new Error((error as Error).message, { cause: error });
  retry.name = 'Retryable';
  return retry;
}
