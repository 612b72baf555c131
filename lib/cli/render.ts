/** The `table` format: what a person reads in a terminal. JSON output is the objects themselves. */
import type { MissingNotice, MissingTargetWarning } from '../model/missing-target';
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

const notice = (e: MissingNotice): string => {
  switch (e.status) {
    case 'sent':
      return `e-mailed now: ${e.subject}`;
    case 'sent-earlier':
      return `e-mailed at ${e.at}; not again while it stays missing`;
    case 'another-run':
      return `being e-mailed by another run (claimed ${e.since})`;
    case 'failed':
      return `e-mail FAILED, the next run tries again: ${e.detail}`;
    case 'no-topic':
      return 'not e-mailed: no notifications topic';
  }
};

/** Reconcile's missing targets, and those found again: what a person must look at. */
export function renderMissingTargets(
  missing: readonly MissingTargetWarning[],
  foundAgain: readonly { target: string; missing: string; since: string }[],
): string[] {
  const lines: string[] = [];
  if (missing.length > 0) {
    lines.push('Missing targets:');
    for (const m of missing) {
      lines.push(`  - (!) ${m.reason} (missing since ${m.since})`);
      lines.push(`    ${notice(m.email)}`);
    }
  }
  for (const f of foundAgain)
    lines.push(`Found again: ${f.target}'s ${f.missing} (missing since ${f.since})`);
  return lines;
}

/** A missing target's e-mail that could not be sent, for stderr. */
export const missingFailureLines = (missing: readonly MissingTargetWarning[]): string[] =>
  missing.flatMap((m) =>
    m.email.status === 'failed'
      ? [`autopilot: the e-mail about missing target ${m.target} failed: ${m.email.detail}`]
      : [],
  );
