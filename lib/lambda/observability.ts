/**
 * The container's logs and metrics: one Powertools Logger and one Powertools Metrics per Lambda
 * container, and the middleware that runs Powertools' own middy middlewares around every invocation:
 * `injectLambdaContext` (the request id, function and cold-start flag on every line; debug sampling
 * re-drawn per invocation) and `logMetrics` (the invocation's EMF document flushed at its end, whether
 * it succeeds or fails, and the `ColdStart` metric).
 *
 * They are made on the first invocation rather than at import: they read the environment then (the
 * level, the stage, `AWS_LAMBDA_INITIALIZATION_TYPE` for the cold start), which is the same on Lambda
 * and lets a test set it after importing the handler.
 */
import type { Logger as PowertoolsLogger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import type { Metrics } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import type { MiddlewareObj } from '@middy/core';
import type { Context } from 'aws-lambda';
import { overPowertools, powertoolsLogger, type Logger } from '../log';
import { emfTelemetry, powertoolsMetrics } from '../telemetry/emf-telemetry';
import type { Telemetry } from '../telemetry/telemetry';

interface ContainerTelemetry {
  powertools: { logger: PowertoolsLogger; metrics: Metrics };
  /** The ports the runtime and the middlewares use. */
  log: Logger;
  telemetry: Telemetry;
}

let made: ContainerTelemetry | undefined;

export function containerTelemetry(): ContainerTelemetry {
  if (made) return made;
  const logger = powertoolsLogger();
  const log = overPowertools(logger);
  const metrics = powertoolsMetrics(log);
  made = { powertools: { logger, metrics }, log, telemetry: emfTelemetry(metrics) };
  return made;
}

type Hooks = MiddlewareObj<unknown, unknown, Error, Context>;

/** Powertools' Logger and Metrics middlewares, on the container's instances. Use it first. */
export function withTelemetry(): Hooks {
  let inner: Hooks[] | undefined;
  const hooks = (): Hooks[] => {
    if (inner) return inner;
    const { logger, metrics } = containerTelemetry().powertools;
    inner = [
      injectLambdaContext(logger) as Hooks,
      logMetrics(metrics, { captureColdStartMetric: true }) as Hooks,
    ];
    return inner;
  };
  // As middy would run them had each been `use`d: before in order, after and onError in reverse.
  return {
    name: 'withTelemetry',
    async before(request) {
      for (const m of hooks()) await m.before?.(request);
    },
    async after(request) {
      for (const m of hooks().toReversed()) await m.after?.(request);
    },
    async onError(request) {
      for (const m of hooks().toReversed()) await m.onError?.(request);
    },
  };
}
