/**
 * The e-mails of `--notify`: what a read-only command printed, sent to the stage's notifications topic
 * because its user asked (validate, plan, prices and cleanup in report mode send nothing otherwise).
 * A plan is e-mailed as `apply --dry-run` e-mails it ("would …"); the others as the text they print.
 */
import type { Email } from '../model/email';
import type { Plan } from '../model/plan';
import { clampSubject, executionEmail } from '../notify/email';
import type { Policy } from '../policy/policy';

/** The command's own text, as the e-mail's body, and who asked for it. */
export function resultEmail(
  command: string,
  headline: string,
  text: string,
  outcome: string,
  now: Date = new Date(),
): Email {
  return {
    subject: clampSubject(`[ec2-autopilot] ${command}: ${headline}`),
    body: [
      text,
      '',
      '—',
      `Sent by \`autopilot ${command} --notify\` at ${now.toISOString()}; it changed nothing.`,
    ].join('\n'),
    attributes: { target: 'ec2-autopilot', action: command, outcome },
  };
}

/** A plan, as the e-mail of a dry run of it: each action "would" be done. */
export function planEmail(plan: Plan, policy: Policy, text: string, now: Date = new Date()): Email {
  const at = now.toISOString();
  const asDryRun = executionEmail(
    {
      ...plan,
      outcomes: plan.actions.map((action) => ({
        action,
        status: 'dry-run' as const,
        startedAt: at,
        finishedAt: at,
      })),
    },
    policy,
  );
  if (asDryRun)
    return { ...asDryRun, body: `${asDryRun.body}\n(autopilot plan --notify: nothing was changed.)` };
  const headline = plan.ignored[0]?.reason ?? 'nothing to do';
  return resultEmail('plan', headline, text, 'none', now);
}
