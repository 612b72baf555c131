/** The `table` format: what a person reads in a terminal. JSON output is the objects themselves. */
import type { Execution, Outcome, Plan } from '../model/plan';
import { describeAction, describeTrigger } from '../notify/words';

export function renderPlan(plan: Plan | Execution): string {
  const lines = [`Trigger: ${describeTrigger(plan.trigger)}`];
  const outcomes = 'outcomes' in plan ? plan.outcomes : undefined;
  if (plan.actions.length === 0) lines.push('Actions: none');
  else {
    lines.push('Actions:');
    plan.actions.forEach((a, i) => {
      const o = outcomes?.[i];
      lines.push(`  ${describeAction(a)}${o ? `  [${o.status}${o.detail ? `: ${o.detail}` : ''}]` : ''}`);
      lines.push(`    ${a.reason}`);
    });
  }
  if (plan.ignored.length > 0) {
    lines.push('Ignored:');
    for (const i of plan.ignored) lines.push(`  - ${i.severity === 'warning' ? '(!) ' : ''}${i.reason}`);
  }
  if ('notification' in plan && plan.notification) lines.push(`E-mailed: ${plan.notification.subject}`);
  return lines.join('\n');
}

/**
 * What failed, one line each, for stderr: the action, its target and the reason (the AWS call and its
 * error, or the workflow's cause), so that a failed run says why whatever the output format.
 */
export const failureLines = (outcomes: readonly Outcome[]): string[] =>
  outcomes
    .filter((o) => o.status === 'failed')
    .map((o) => `autopilot: ${o.action.type} of ${o.action.target} failed: ${o.detail ?? 'no reason given'}`);
