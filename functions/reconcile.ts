/** Scheduled: keeps the policy's alarms in place and re-checks those still in ALARM (escalation). */
import middy from '@middy/core';
import { logErrors, withinTime, withRuntime } from '../lib/lambda/middleware';
import { withTelemetry } from '../lib/lambda/observability';
import { onSchedule } from '../lib/lambda/reconcile';

export const handler = middy(onSchedule)
  .use(withTelemetry())
  .use(withinTime())
  .use(withRuntime())
  .use(logErrors());
