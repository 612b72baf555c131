/** Scheduled (cleanup.mode delete): deletes the orphans cleanup marked, once due and re-verified. */
import middy from '@middy/core';
import { logErrors, withinTime, withRuntime } from '../lib/lambda/middleware';
import { withTelemetry } from '../lib/lambda/observability';
import { onCleanupDeleteSchedule } from '../lib/lambda/cleanup';

export const handler = middy(onCleanupDeleteSchedule)
  .use(withTelemetry())
  .use(withinTime())
  .use(withRuntime())
  .use(logErrors());
