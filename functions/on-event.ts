/** Alarms (SNS, EventBridge, direct Lambda action), Auto Scaling notifications and EC2 state changes. */
import middy from '@middy/core';
import { logErrors, withinTime, withRuntime } from '../lib/lambda/middleware';
import { withTelemetry } from '../lib/lambda/observability';
import { onEvent } from '../lib/lambda/on-event';

export const handler = middy(onEvent)
  .use(withTelemetry())
  .use(withinTime())
  .use(withRuntime())
  .use(logErrors());
