/**
 * The Lambda SNS event envelope (`Records[].Sns`). One invocation can carry several records; each
 * record's `Message` is a JSON string holding a command published by a person or CI (`autopilot`,
 * ./sns-command.ts), a CloudWatch alarm notification or an Auto Scaling notification, told apart by
 * their keys, in that order, before the matching schema checks them. A command is recognised first: its
 * key is ours, and a command that also carried an alarm's keys must still be refused as a command.
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
import { isRecord, isoTimestamp } from './fields';
import { commandTriggerFromSnsMessage, isSnsCommandMessage, snsCommandMessageSchema } from './sns-command';
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
          MessageId: z.optional(z.string()),
          TopicArn: z.optional(z.string()),
          // Checked only for a command, which uses it: an alarm's own StateChangeTime is what counts.
          Timestamp: z.optional(z.unknown()),
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
  if (isSnsCommandMessage(message)) {
    const command = parseWith(snsCommandMessageSchema, message, at);
    return commandTriggerFromSnsMessage(command, commandMeta(record, index), delivery);
  }
  if (isSnsAlarmMessage(message)) {
    return alarmTriggerFromSnsMessage(parseWith(snsAlarmMessageSchema, message, at), delivery);
  }
  if (isLifecycleHookMessage(message)) {
    throw new ValidationError(field, 'Auto Scaling lifecycle hook notifications are not supported');
  }
  if (isSnsAutoScalingMessage(message)) {
    return autoScalingTriggerFromSnsMessage(parseWith(snsAutoScalingMessageSchema, message, at), delivery);
  }
  throw new ValidationError(
    field,
    'expected a CloudWatch alarm, an Auto Scaling notification or an ec2-autopilot command (autopilot)',
  );
}

const messageId = z.string().check(z.minLength(1));
const timestamp = z.optional(isoTimestamp);

/** A command is done once per message: without its MessageId a duplicate could not be told from a repeat. */
function commandMeta(record: SnsRecord, index: number): { messageId: string; time?: string } {
  const at = (key: string) => ['Records', index, 'Sns', key];
  const id = parseWith(messageId, record.Sns.MessageId, at('MessageId'));
  const time = parseWith(timestamp, record.Sns.Timestamp, at('Timestamp'));
  return { messageId: id, ...(time ? { time } : {}) };
}
