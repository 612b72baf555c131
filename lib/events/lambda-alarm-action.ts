/**
 * The payload CloudWatch sends when an alarm action invokes a Lambda function directly (AWS doc
 * "Invoke a Lambda function from an alarm"). It is not an EventBridge event: no `detail-type`, the
 * alarm body sits in `alarmData` and the envelope uses `alarmArn`/`accountId`.
 *
 * @example
 * { "source": "aws.cloudwatch", "alarmArn": "arn:aws:cloudwatch:us-east-1:444455556666:alarm:my-alarm",
 *   "accountId": "444455556666", "time": "2023-08-04T12:36:15.490+0000", "region": "us-east-1",
 *   "alarmData": { "alarmName": "my-alarm", "state": { … }, "previousState": { … }, "configuration": { … } } }
 */
import * as z from 'zod/mini';
import type { AlarmTrigger } from './trigger';
import { alarmDetailSchema, alarmTriggerFromDetail } from './alarm-detail';
import { isoTimestamp, regionCode } from './fields';
import { parseWith } from '../validation/zod-issue';

const lambdaAlarmActionSchema = z.object({
  source: z.literal('aws.cloudwatch'),
  alarmArn: z.string(),
  accountId: z.string(),
  time: isoTimestamp,
  region: regionCode,
  alarmData: alarmDetailSchema,
});

/** True when `event` looks like a Lambda alarm action rather than some other shape. */
export function isLambdaAlarmAction(event: Record<string, unknown>): boolean {
  return event.source === 'aws.cloudwatch' && 'alarmData' in event && !('detail-type' in event);
}

export function parseLambdaAlarmAction(event: unknown): AlarmTrigger {
  const parsed = parseWith(lambdaAlarmActionSchema, event);
  return alarmTriggerFromDetail(parsed.alarmData, {
    source: 'lambda-action',
    alarmArn: parsed.alarmArn,
    region: parsed.region,
    account: parsed.accountId,
  });
}
