/**
 * The EC2 state changes on-event subscribes to, from the policy: `serverless.yml` takes them from
 * `resources/from-policy.js`, which bundles this file at package time. Only a policy with a failover
 * target subscribes (every state change of the account would otherwise invoke the function for
 * nothing), and only to the states that can mean its instance failed; the failover's planner re-checks
 * the instance (its state and status checks) before it acts, so a stop on purpose moves nothing.
 * Status-check failures of a running instance arrive by the target's status-check alarms instead.
 */
import { FAILED_INSTANCE_STATES, INSTANCE_STATE_CHANGE } from '../events/ec2-state-change';
import type { Policy } from '../policy/policy';

/** A Serverless Framework v3 `eventBridge` function event on the default bus (a native AWS::Events::Rule). */
export interface EventBridgeEvent {
  eventBridge: { pattern: Record<string, unknown> };
}

export const hasFailover = (policy: Pick<Policy, 'targets'>) =>
  policy.targets.some((t) => t.kind === 'instance' && t.failover);

/** on-event's EC2 state-change subscription: one rule with a failover target in the policy, none without. */
export function instanceStateEvents(policy: Pick<Policy, 'targets'>): EventBridgeEvent[] {
  if (!hasFailover(policy)) return [];
  return [
    {
      eventBridge: {
        pattern: {
          source: ['aws.ec2'],
          'detail-type': [INSTANCE_STATE_CHANGE],
          detail: { state: [...FAILED_INSTANCE_STATES] },
        },
      },
    },
  ];
}
