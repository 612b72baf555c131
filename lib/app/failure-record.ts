/**
 * What Lambda puts in an on-failure destination: one invocation record per event whose asynchronous
 * invocation failed for good — its retries spent (`RetriesExhausted`) or too old to run
 * (`EventAgeExceeded`) — carrying the original event as `requestPayload`. And which of the stage's
 * functions it came from, which decides the use case `autopilot redrive` feeds it back through.
 *
 * @example
 * { "version": "1.0", "timestamp": "2026-11-27T12:03:41.025Z",
 *   "requestContext": { "requestId": "e4b46cbf-b738-xmpl-8880-a18cdf61200e",
 *     "functionArn": "arn:aws:lambda:us-east-1:123456789012:function:ec2-autopilot-prod-onEvent:$LATEST",
 *     "condition": "RetriesExhausted", "approximateInvokeCount": 3 },
 *   "requestPayload": { "Records": [ … the SNS delivery of the alarm … ] },
 *   "responseContext": { "statusCode": 200, "executedVersion": "$LATEST", "functionError": "Unhandled" },
 *   "responsePayload": { "errorType": "RetryableFailureError", "errorMessage": "SetDesiredCapacity failed: …" } }
 */
import * as z from 'zod/mini';
import { ValidationError } from '../errors';
import type { StackFunction } from '../model/stack';
import { parseWith } from '../validation/zod-issue';

/** The functions Lambda invokes asynchronously, each with an on-failure destination (serverless.yml). */
export const REDRIVABLE = [
  'onEvent',
  'reconcile',
  'cleanup',
  'cleanupDelete',
] as const satisfies readonly StackFunction[];
export type RedrivableFunction = (typeof REDRIVABLE)[number];

const recordSchema = z.object({
  version: z.optional(z.string()),
  timestamp: z.optional(z.string()),
  requestContext: z.object({
    requestId: z.optional(z.string()),
    functionArn: z.string(),
    condition: z.optional(z.string()),
    approximateInvokeCount: z.optional(z.number()),
  }),
  // Absent when Lambda could not fit the event in the record: nothing to feed back then.
  requestPayload: z.unknown(),
  responseContext: z.optional(
    z.object({
      statusCode: z.optional(z.number()),
      executedVersion: z.optional(z.string()),
      functionError: z.optional(z.string()),
    }),
  ),
  responsePayload: z.optional(z.unknown()),
});

export interface FailureRecord {
  /** The function's name, from `requestContext.functionArn` (without a version or alias). */
  functionName: string;
  /** Which of the stage's functions; undefined for any other (not one redrive knows). */
  function?: RedrivableFunction;
  requestId?: string;
  condition?: string;
  approximateInvokeCount?: number;
  /** When Lambda gave up on the event. */
  failedAt?: string;
  /** The last invocation's error, as `errorType: errorMessage`. */
  error?: string;
  /** The original event. */
  payload: unknown;
}

/** `arn:aws:lambda:<region>:<account>:function:<name>[:<qualifier>]` → `<name>`. */
export function functionNameOf(functionArn: string): string {
  const parts = functionArn.split(':');
  return parts[5] === 'function' && parts[6] ? parts[6] : functionArn;
}

/**
 * The stage's function a name is, by serverless.yml's naming (`<service>-<stage>-<key>`); undefined for
 * another stage's, another service's, or a function that is not invoked asynchronously (the workflows'
 * task functions are invoked by Step Functions, which has its own retries and catches).
 */
export function redrivableFunction(
  functionName: string,
  service: string,
  stage: string,
): RedrivableFunction | undefined {
  const prefix = `${service}-${stage}-`;
  if (!functionName.startsWith(prefix)) return undefined;
  const key = functionName.slice(prefix.length);
  return (REDRIVABLE as readonly string[]).includes(key) ? (key as RedrivableFunction) : undefined;
}

function errorOf(response: unknown): string | undefined {
  if (!response || typeof response !== 'object') return typeof response === 'string' ? response : undefined;
  const { errorType, errorMessage } = response as { errorType?: unknown; errorMessage?: unknown };
  const type = typeof errorType === 'string' ? errorType : undefined;
  const message = typeof errorMessage === 'string' ? errorMessage : undefined;
  return type && message ? `${type}: ${message}` : (message ?? type);
}

/** Parses one queue message's body; a ValidationError names the field when it is not such a record. */
export function parseFailureRecord(body: string, service: string, stage: string): FailureRecord {
  let json: unknown;
  try {
    json = JSON.parse(body) as unknown;
  } catch (error) {
    throw new ValidationError('(message)', `not valid JSON: ${(error as Error).message}`);
  }
  const record = parseWith(recordSchema, json);
  if (record.requestPayload === undefined)
    throw new ValidationError('requestPayload', 'required (the record carries no event to feed back)');
  const functionName = functionNameOf(record.requestContext.functionArn);
  const fn = redrivableFunction(functionName, service, stage);
  const error = errorOf(record.responsePayload);
  const { requestId, condition, approximateInvokeCount } = record.requestContext;
  return {
    functionName,
    ...(fn ? { function: fn } : {}),
    ...(requestId ? { requestId } : {}),
    ...(condition ? { condition } : {}),
    ...(approximateInvokeCount !== undefined ? { approximateInvokeCount } : {}),
    ...(record.timestamp ? { failedAt: record.timestamp } : {}),
    ...(error ? { error } : {}),
    payload: record.requestPayload,
  };
}
