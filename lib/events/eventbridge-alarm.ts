/**
 * EventBridge "CloudWatch Alarm State Change" (`source: aws.cloudwatch`). CloudWatch guarantees
 * delivery of these to EventBridge, unlike "best effort" service events.
 *
 * @example
 * { "detail-type": "CloudWatch Alarm State Change", "source": "aws.cloudwatch", "account": "123456789012",
 *   "time": "2019-10-02T17:04:40Z", "region": "us-east-1",
 *   "resources": ["arn:aws:cloudwatch:us-east-1:123456789012:alarm:ServerCpuTooHigh"],
 *   "detail": { "alarmName": "ServerCpuTooHigh", "state": { "value": "ALARM", … }, "previousState": { … },
 *               "configuration": { "metrics": [ … ] } } }
 */
import * as z from 'zod/mini';
import type { AlarmTrigger } from './trigger';
import { alarmDetailSchema, alarmTriggerFromDetail } from './alarm-detail';
import { eventBridgeEnvelope } from './fields';
import { parseWith } from '../validation/zod-issue';

export const ALARM_STATE_CHANGE = 'CloudWatch Alarm State Change';

const eventBridgeAlarmSchema = z.extend(eventBridgeEnvelope, {
  source: z.literal('aws.cloudwatch'),
  detail: alarmDetailSchema,
});

export function parseEventBridgeAlarm(event: unknown): AlarmTrigger {
  const parsed = parseWith(eventBridgeAlarmSchema, event);
  return alarmTriggerFromDetail(parsed.detail, {
    source: 'eventbridge',
    // The alarm is the event's only resource.
    alarmArn: parsed.resources?.[0],
    region: parsed.region,
    account: parsed.account,
  });
}
