/**
 * Auto Scaling instance launch/terminate notifications, in both forms AWS delivers them:
 *
 * - SNS (the group's notification configuration): the record's `Message` is JSON with `Event`
 *   (`autoscaling:EC2_INSTANCE_LAUNCH`, `…_LAUNCH_ERROR`, `…_TERMINATE`, `…_TERMINATE_ERROR`),
 *   `AutoScalingGroupName`, `AutoScalingGroupARN`, `AccountId`, `EC2InstanceId`, `StatusCode`, `Cause`,
 *   `Description`, `Time`… Putting a notification configuration sends `autoscaling:TEST_NOTIFICATION`,
 *   which has only the group, account, request id, service, event and time.
 *   A failed launch has no instance: `EC2InstanceId` is then an empty string.
 * - EventBridge (`source: aws.autoscaling`, best-effort delivery): the same fields in `detail`, the
 *   event named by `detail-type` ("EC2 Instance Launch Successful", …).
 *
 * Lifecycle-hook messages (`LifecycleTransition`, `LifecycleActionToken`) are a different contract and
 * are not accepted here.
 */
import * as z from 'zod/mini';
import type { AutoScalingNotificationTrigger } from './trigger';
import { eventBridgeEnvelope, isoTimestamp, nonEmptyString } from './fields';
import { accountFromArn, regionFromArn } from './regions';
import type { SnsDelivery } from './sns-alarm';
import { parseWith } from '../validation/zod-issue';

export const AUTOSCALING_EVENTS = [
  'autoscaling:EC2_INSTANCE_LAUNCH',
  'autoscaling:EC2_INSTANCE_LAUNCH_ERROR',
  'autoscaling:EC2_INSTANCE_TERMINATE',
  'autoscaling:EC2_INSTANCE_TERMINATE_ERROR',
  'autoscaling:TEST_NOTIFICATION',
] as const;

export type AutoScalingEvent = (typeof AUTOSCALING_EVENTS)[number];

export const snsAutoScalingMessageSchema = z.object({
  Event: z.enum(AUTOSCALING_EVENTS),
  AutoScalingGroupName: nonEmptyString,
  AutoScalingGroupARN: z.optional(z.string()),
  AccountId: z.optional(z.string()),
  Time: isoTimestamp,
  EC2InstanceId: z.optional(z.string()),
  StatusCode: z.optional(z.string()),
  Cause: z.optional(z.string()),
  Description: z.optional(z.string()),
});

export type SnsAutoScalingMessage = z.output<typeof snsAutoScalingMessageSchema>;

/** True when a decoded SNS message is (meant to be) an Auto Scaling notification. */
export function isSnsAutoScalingMessage(message: Record<string, unknown>): boolean {
  return 'Event' in message || ('AutoScalingGroupName' in message && !('LifecycleTransition' in message));
}

/** True for the lifecycle-hook messages that share the topic but not the contract. */
export function isLifecycleHookMessage(message: Record<string, unknown>): boolean {
  return 'LifecycleTransition' in message && !('Event' in message);
}

export function autoScalingTriggerFromSnsMessage(
  message: SnsAutoScalingMessage,
  delivery: SnsDelivery,
): AutoScalingNotificationTrigger {
  return {
    kind: 'autoscaling-notification',
    event: message.Event,
    autoScalingGroupName: message.AutoScalingGroupName,
    region:
      regionFromArn(message.AutoScalingGroupARN) ??
      regionFromArn(delivery.topicArn) ??
      regionFromArn(delivery.subscriptionArn) ??
      delivery.defaultRegion,
    account: message.AccountId ?? accountFromArn(message.AutoScalingGroupARN),
    instanceId: message.EC2InstanceId || undefined,
    time: message.Time,
    statusCode: message.StatusCode,
    cause: message.Cause,
    description: message.Description,
  };
}

/** EventBridge detail-types for the SNS notification types above. */
const EVENT_BY_DETAIL_TYPE = {
  'EC2 Instance Launch Successful': 'autoscaling:EC2_INSTANCE_LAUNCH',
  'EC2 Instance Launch Unsuccessful': 'autoscaling:EC2_INSTANCE_LAUNCH_ERROR',
  'EC2 Instance Terminate Successful': 'autoscaling:EC2_INSTANCE_TERMINATE',
  'EC2 Instance Terminate Unsuccessful': 'autoscaling:EC2_INSTANCE_TERMINATE_ERROR',
} as const satisfies Record<string, AutoScalingEvent>;

type AutoScalingDetailType = keyof typeof EVENT_BY_DETAIL_TYPE;

export const AUTOSCALING_DETAIL_TYPES = Object.keys(EVENT_BY_DETAIL_TYPE) as AutoScalingDetailType[];

const eventBridgeAutoScalingSchema = z.extend(eventBridgeEnvelope, {
  'detail-type': z.enum(AUTOSCALING_DETAIL_TYPES as [AutoScalingDetailType, ...AutoScalingDetailType[]]),
  source: z.literal('aws.autoscaling'),
  detail: z.object({
    AutoScalingGroupName: nonEmptyString,
    EC2InstanceId: z.optional(z.string()),
    StatusCode: z.optional(z.string()),
    Cause: z.optional(z.string()),
    Description: z.optional(z.string()),
  }),
});

export function parseEventBridgeAutoScaling(event: unknown): AutoScalingNotificationTrigger {
  const parsed = parseWith(eventBridgeAutoScalingSchema, event);
  const { detail } = parsed;
  return {
    kind: 'autoscaling-notification',
    event: EVENT_BY_DETAIL_TYPE[parsed['detail-type']],
    autoScalingGroupName: detail.AutoScalingGroupName,
    region: parsed.region,
    account: parsed.account,
    instanceId: detail.EC2InstanceId || undefined,
    time: parsed.time,
    statusCode: detail.StatusCode,
    cause: detail.Cause,
    description: detail.Description,
  };
}
