/**
 * Middy middlewares shared by the functions, each a small factory returning named hooks.
 */
import type { Context } from 'aws-lambda';
import type { MiddlewareObj } from '@middy/core';
import { AutopilotError, ValidationError, errorMessage, isRetryable } from '../errors';
import { lambdaRuntime, type LambdaRuntime } from './runtime';

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
 * Logs a failure as one structured line before Lambda sees it. The error is re-thrown: a malformed
 * event must fail visibly (the bad field is in the message), and a retryable one must be retried.
 */
export function logErrors(): MiddlewareObj<unknown, unknown, Error, Context> {
  return {
    name: 'logErrors',
    onError(request) {
      const error = request.error;
      console.error(
        JSON.stringify({
          time: new Date().toISOString(),
          level: 'error',
          message: errorMessage(error),
          error: error instanceof AutopilotError ? error.name : (error as Error | undefined)?.name,
          ...(error instanceof ValidationError ? { field: error.field } : {}),
          retryable: isRetryable(error),
          requestId: request.context.awsRequestId,
        }),
      );
    },
  };
}
