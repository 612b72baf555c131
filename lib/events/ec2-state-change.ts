/**
 * EventBridge "EC2 Instance State-change Notification" (`source: aws.ec2`, best-effort delivery).
 *
 * @example
 * { "detail-type": "EC2 Instance State-change Notification", "source": "aws.ec2", "account": "123456789012",
 *   "time": "2021-11-11T21:29:54Z", "region": "us-east-1",
 *   "resources": ["arn:aws:ec2:us-east-1:123456789012:instance/i-abcd1111"],
 *   "detail": { "instance-id": "i-abcd1111", "state": "pending" } }
 */
import * as z from 'zod/mini';
import type { InstanceStateChangeTrigger } from './trigger';
import { eventBridgeEnvelope, nonEmptyString } from './fields';
import { parseWith } from '../validation/zod-issue';

export const INSTANCE_STATE_CHANGE = 'EC2 Instance State-change Notification';

/** The instance states EC2 reports in these events. */
export const INSTANCE_STATES = [
  'pending',
  'running',
  'stopping',
  'stopped',
  'shutting-down',
  'terminated',
] as const;

/**
 * The states after which an instance no longer serves (`stopping` ends in `stopped`): the states a
 * failover acts on, and the only ones the deployed EventBridge rule sends.
 */
export const FAILED_INSTANCE_STATES = ['stopped', 'terminated', 'shutting-down'] as const;

const ec2StateChangeSchema = z.extend(eventBridgeEnvelope, {
  source: z.literal('aws.ec2'),
  detail: z.object({
    'instance-id': nonEmptyString,
    state: z.enum(INSTANCE_STATES),
  }),
});

export function parseEc2StateChange(event: unknown): InstanceStateChangeTrigger {
  const parsed = parseWith(ec2StateChangeSchema, event);
  return {
    kind: 'instance-state-change',
    instanceId: parsed.detail['instance-id'],
    state: parsed.detail.state,
    region: parsed.region,
    account: parsed.account,
    time: parsed.time,
  };
}
