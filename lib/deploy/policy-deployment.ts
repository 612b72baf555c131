/**
 * Everything of the deployment that depends on the policy and is computed by the product: the cleanup
 * functions' schedules and roles, the refresh function's role, on-event's EC2 state-change subscription
 * (with a failover target only), and the resources the stack watches itself and its fleet with (its
 * alarms, the dashboard). `resources/from-policy.js` bundles this file at package time, so the grants
 * and the code that declares them cannot drift apart.
 */
import { validatePolicy } from '../policy/validate';
import { cleanupFunctions } from './cleanup-role';
import { dashboardResource } from './dashboard';
import { instanceStateEvents } from './failover-events';
import { refreshStatements } from './refresh-role';
import { selfAlarmResources } from './self-alarms';
import { stackPrefix, type StackNames } from './stack';

export function policyDeployment(raw: unknown, stack: StackNames) {
  const policy = validatePolicy(raw, 'autopilot.yml');
  return {
    ...cleanupFunctions(policy, stack),
    refreshTask: { statements: refreshStatements(policy) },
    onEvent: { events: instanceStateEvents(policy) },
    /** A `resources:` fragment of serverless.yml. */
    monitoring: {
      Resources: { ...selfAlarmResources(stack), Dashboard: dashboardResource(policy, stack) },
      Outputs: {
        DashboardName: { Value: stackPrefix(stack) },
        DashboardUrl: {
          Value: {
            'Fn::Sub': `https://\${AWS::Region}.console.aws.amazon.com/cloudwatch/home?region=\${AWS::Region}#dashboards/dashboard/${stackPrefix(stack)}`,
          },
        },
      },
    },
  };
}
