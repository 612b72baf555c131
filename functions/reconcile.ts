/** Scheduled: keeps the policy's alarms in place and re-checks those still in ALARM (escalation). */
import middy from '@middy/core';
import { logErrors, withinTime, withRuntime } from '../lib/lambda/middleware';
import { onSchedule } from '../lib/lambda/reconcile';

export const handler = middy(onSchedule).use(withinTime()).use(withRuntime()).use(logErrors());
