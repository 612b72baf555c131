/**
 * A command published to the deployment's alarm topic by a person or CI, asking for an operation on
 * demand: the record's `Message` is a JSON object naming the command in `autopilot`.
 *
 * ```json
 * { "autopilot": "refresh-image", "target": "web", "reason": "release 2.4.1 is on the golden instance" }
 * ```
 *
 * Told apart from the alarm and Auto Scaling notifications that share the topic by its `autopilot` key,
 * which neither has. The object is strict: a key it does not know (`dryRun`, a misspelt `targets`) is
 * refused, naming it, rather than ignored, since the publisher meant something by it that would not
 * happen. The SNS `MessageId` is required: it is what tells a duplicate delivery from a second request.
 */
import * as z from 'zod/mini';
import { COMMANDS, type CommandTrigger } from './trigger';
import { nonEmptyString } from './fields';
import { accountFromArn, regionFromArn } from './regions';
import type { SnsDelivery } from './sns-alarm';

export const snsCommandMessageSchema = z.strictObject({
  autopilot: z.enum(COMMANDS),
  target: nonEmptyString,
  reason: z.optional(z.string()),
});

export type SnsCommandMessage = z.output<typeof snsCommandMessageSchema>;

/** True when a decoded SNS message is (meant to be) a command: it names one in `autopilot`. */
export function isSnsCommandMessage(message: Record<string, unknown>): boolean {
  return 'autopilot' in message;
}

/** What the SNS record itself says of the message: its id (required) and when SNS accepted it. */
export interface SnsMessageMeta {
  messageId: string;
  time?: string;
}

export function commandTriggerFromSnsMessage(
  message: SnsCommandMessage,
  meta: SnsMessageMeta,
  delivery: SnsDelivery,
): CommandTrigger {
  const region =
    regionFromArn(delivery.topicArn) ?? regionFromArn(delivery.subscriptionArn) ?? delivery.defaultRegion;
  const account = accountFromArn(delivery.topicArn);
  const reason = message.reason?.trim();
  return {
    kind: 'command',
    command: message.autopilot,
    target: message.target,
    ...(reason ? { reason } : {}),
    messageId: meta.messageId,
    ...(delivery.topicArn !== undefined ? { topicArn: delivery.topicArn } : {}),
    ...(region ? { region } : {}),
    ...(account ? { account } : {}),
    ...(meta.time ? { time: meta.time } : {}),
  };
}
