/** One step of the resize state machine (Step Functions calls it for every Task state). */
import middy from '@middy/core';
import { logErrors, withinTime, withRuntime } from '../lib/lambda/middleware';
import { withTelemetry } from '../lib/lambda/observability';
import { onResizeStep } from '../lib/lambda/resize-task';

export const handler = middy(onResizeStep)
  .use(withTelemetry())
  .use(withinTime())
  .use(withRuntime())
  .use(logErrors());
