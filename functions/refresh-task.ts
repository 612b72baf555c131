/** One step of the refresh-image state machine (Step Functions calls it for every Task state). */
import middy from '@middy/core';
import { logErrors, withinTime, withRuntime } from '../lib/lambda/middleware';
import { withTelemetry } from '../lib/lambda/observability';
import { onRefreshStep } from '../lib/lambda/refresh-task';

export const handler = middy(onRefreshStep)
  .use(withTelemetry())
  .use(withinTime())
  .use(withRuntime())
  .use(logErrors());
