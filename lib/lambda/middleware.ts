/**
 * Middy middlewares shared by the functions, each a small factory returning named hooks.
 */
import type { Context } from 'aws-lambda';
import type { MiddlewareObj } from '@middy/core';
import { AutopilotError, ValidationError, errorMessage, isRetryable } from '../errors';
import { setDeadline } from '../aws/retry';
import { containerTelemetry } from './observability';
import { lambdaRuntime, type LambdaRuntime } from './runtime';

/** Time kept back at the end of an invocation: to log, release the event's claim and return. */
export const DEADLINE_MARGIN_MS = 3_000;

export type AutopilotContext = Context & { autopilot: LambdaRuntime };

/** Puts the container's runtime (policy, adapters, deployment) on `context.autopilot`. */
export function withRuntime(): MiddlewareObj<unknown, unknown, Error, AutopilotContext> {
  return {
    name: 'withRuntime',
    async before(request) {
      request.context.autopilot = await lambdaRuntime();
    },
  };
}

/**
 * Logs a failure as one structured line before Lambda sees it (with the request id and the cold-start
 * flag, as every line of the invocation). The error is re-thrown: a malformed event must fail visibly
 * (the bad field is in the message), and a retryable one must be retried.
 */
export function logErrors(): MiddlewareObj<unknown, unknown, Error, Context> {
  return {
    name: 'logErrors',
    onError(request) {
      const error = request.error;
      containerTelemetry().log.log('error', errorMessage(error), {
        error: error instanceof AutopilotError ? error.name : (error as Error | undefined)?.name,
        ...(error instanceof ValidationError ? { field: error.field } : {}),
        retryable: isRetryable(error),
      });
    },
  };
}

/**
 * Keeps every AWS call within the invocation's time: no call starts, and no retry waits, later than
 * the Lambda's remaining time less a margin. A run that would not finish fails retryably instead, its
 * event given back for Lambda's retry, rather than being killed mid-way with its claim held.
 */
export function withinTime(): MiddlewareObj<unknown, unknown, Error, Context> {
  const clear = () => setDeadline(undefined);
  return {
    name: 'withinTime',
    before(request) {
      const remaining = request.context.getRemainingTimeInMillis?.();
      setDeadline(typeof remaining === 'number' ? Date.now() + remaining - DEADLINE_MARGIN_MS : undefined);
    },
    after: clear,
    onError: clear,
  };
}
