/** Scheduled: finds orphaned resources; reports or marks them as the policy's cleanup mode says (cleanupDelete deletes). */
import middy from '@middy/core';
import { logErrors, withinTime, withRuntime } from '../lib/lambda/middleware';
import { withTelemetry } from '../lib/lambda/observability';
import { onCleanupSchedule } from '../lib/lambda/cleanup';

export const handler = middy(onCleanupSchedule)
  .use(withTelemetry())
  .use(withinTime())
  .use(withRuntime())
  .use(logErrors());
