/**
 * The Lambda SNS event envelope (`Records[].Sns`). One invocation can carry several records; each
 * record's `Message` is a JSON string holding either a CloudWatch alarm notification or an Auto
 * Scaling notification, told apart by their keys before the matching schema checks them.
 *
 * Only a record of `Type` `Notification` carries an event. SNS confirms a Lambda subscription itself
 * and never hands the function a `SubscriptionConfirmation` or `UnsubscribeConfirmation`, so such a
 * record was built by hand: it is refused as bad input, naming `Type`, before its `Message` is read —
 * whatever that message holds, it is not acted on.
 */
import * as z from 'zod/mini';
import { ValidationError } from '../errors';
import type { Trigger } from './trigger';
import {
  autoScalingTriggerFromSnsMessage,
  isLifecycleHookMessage,
  isSnsAutoScalingMessage,
  snsAutoScalingMessageSchema,
} from './autoscaling-notification';
import { isRecord } from './fields';
import { alarmTriggerFromSnsMessage, isSnsAlarmMessage, snsAlarmMessageSchema } from './sns-alarm';
import type { SnsDelivery } from './sns-alarm';
import { formatZodPath, parseWith } from '../validation/zod-issue';

const snsEventSchema = z.object({
  Records: z
    .array(
      z.object({
        EventSource: z.optional(z.literal('aws:sns')),
        EventSubscriptionArn: z.optional(z.string()),
        Sns: z.object({
          Type: z.optional(z.string()),
          TopicArn: z.optional(z.string()),
          Message: z.string(),
        }),
      }),
    )
    .check(z.minLength(1)),
});

type SnsRecord = z.output<typeof snsEventSchema>['Records'][number];

/** One trigger per record, in record order. */
export function parseSnsEvent(event: unknown, context: { defaultRegion?: string } = {}): Trigger[] {
  const parsed = parseWith(snsEventSchema, event);
  return parsed.Records.map((record, index) => parseSnsRecord(record, index, context.defaultRegion));
}

/** The one record type that carries a message to act on; a hand-built record without `Type` is taken for one. */
const NOTIFICATION = 'Notification';

function parseSnsRecord(record: SnsRecord, index: number, defaultRegion: string | undefined): Trigger {
  const type = record.Sns.Type ?? NOTIFICATION;
  if (type !== NOTIFICATION) {
    throw new ValidationError(
      formatZodPath(['Records', index, 'Sns', 'Type']),
      `expected ${NOTIFICATION}, got ${JSON.stringify(type)}: only a notification carries an event to act on`,
    );
  }
  const at = ['Records', index, 'Sns', 'Message'];
  const field = formatZodPath(at);
  let message: unknown;
  try {
    message = JSON.parse(record.Sns.Message);
  } catch (error) {
    throw new ValidationError(field, 'expected a JSON document', { cause: error });
  }
  if (!isRecord(message)) throw new ValidationError(field, 'expected a JSON object');

  const delivery: SnsDelivery = {
    topicArn: record.Sns.TopicArn,
    subscriptionArn: record.EventSubscriptionArn,
    defaultRegion,
  };
  if (isSnsAlarmMessage(message)) {
    return alarmTriggerFromSnsMessage(parseWith(snsAlarmMessageSchema, message, at), delivery);
  }
  if (isLifecycleHookMessage(message)) {
    throw new ValidationError(field, 'Auto Scaling lifecycle hook notifications are not supported');
  }
  if (isSnsAutoScalingMessage(message)) {
    return autoScalingTriggerFromSnsMessage(parseWith(snsAutoScalingMessageSchema, message, at), delivery);
  }
  throw new ValidationError(field, 'expected a CloudWatch alarm or an Auto Scaling notification');
}
