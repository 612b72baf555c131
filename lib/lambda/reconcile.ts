/** The scheduled `reconcile` function's body: alarms as the policy says, re-check alarms still firing. */
import { reconcile } from '../app/reconcile';
import type { AutopilotContext } from './middleware';

export async function onSchedule(_event: unknown, context: AutopilotContext) {
  const { rt, deployment } = context.autopilot;
  // Deployed, by definition: the stack's own alarms are kept too.
  const result = await reconcile(rt, deployment.alarmTopicArn, deployment);
  return {
    alarms: result.alarms.outcomes.map((o) => ({
      type: o.action.type,
      status: o.status,
      reason: o.action.reason,
    })),
    rechecks: result.rechecks.map((e) => ({
      actions: e.outcomes.map((o) => ({ type: o.action.type, target: o.action.target, status: o.status })),
      ignored: e.ignored.map((i) => i.reason),
    })),
    missingTargets: result.missingTargets.map((m) => ({
      target: m.target,
      missing: m.missing,
      since: m.since,
      email: m.email.status,
    })),
    foundAgain: result.foundAgain.map((f) => f.target),
  };
}
