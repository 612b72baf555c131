/**
 * EventBridge "Scheduled Event" (`source: aws.events`): what a scheduled rule (`rate(…)`/`cron(…)`)
 * sends to its target. `resources[0]` is the rule's ARN and `detail` is empty.
 *
 * The product's schedules (reconcile, cleanup) are deployed as scheduled rules, so this is the only
 * schedule shape parsed. An EventBridge Scheduler schedule sends whatever input it was configured
 * with; to use one, configure it to send this same shape.
 *
 * @example
 * { "version": "0", "id": "53dc4d37-cffa-4f76-80c9-8b7d4a4d2eaa", "detail-type": "Scheduled Event",
 *   "source": "aws.events", "account": "123456789012", "time": "2015-10-08T16:53:06Z", "region": "us-east-1",
 *   "resources": ["arn:aws:events:us-east-1:123456789012:rule/my-scheduled-rule"], "detail": {} }
 */
import * as z from 'zod/mini';
import type { ScheduleTrigger } from './trigger';
import { eventBridgeEnvelope } from './fields';
import { parseWith } from '../validation/zod-issue';

export const SCHEDULED_EVENT = 'Scheduled Event';

const scheduledEventSchema = z.extend(eventBridgeEnvelope, {
  source: z.literal('aws.events'),
  detail: z.optional(z.record(z.string(), z.unknown())),
});

export function parseScheduledEvent(event: unknown): ScheduleTrigger {
  const parsed = parseWith(scheduledEventSchema, event);
  return {
    kind: 'schedule',
    time: parsed.time,
    region: parsed.region,
    account: parsed.account,
    ruleArn: parsed.resources?.[0],
  };
}
