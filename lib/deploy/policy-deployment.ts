/**
 * Everything of the deployment that depends on the policy and is computed by the product: the cleanup
 * functions' schedules and roles, the refresh function's role, and on-event's EC2 state-change
 * subscription (with a failover target only). `resources/from-policy.js` bundles this file at package
 * time, so the grants and the code that declares them cannot drift apart.
 */
import { validatePolicy } from '../policy/validate';
import { cleanupFunctions } from './cleanup-role';
import { instanceStateEvents } from './failover-events';
import { refreshStatements } from './refresh-role';

export function policyDeployment(raw: unknown) {
  const policy = validatePolicy(raw, 'autopilot.yml');
  return {
    ...cleanupFunctions(policy),
    refreshTask: { statements: refreshStatements(policy) },
    onEvent: { events: instanceStateEvents(policy) },
  };
}
