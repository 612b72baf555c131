/**
 * The e-mail about a policy target whose group or instance does not exist: sent once per disappearance
 * (lib/aws/missing-records.ts), so it says what reconcile does meanwhile and that it will not repeat.
 */
import type { Email } from '../model/email';
import type { MissingTarget } from '../model/missing-target';
import { formatTime } from '../plan/wording';
import { clampSubject } from './email';

const fix: Record<MissingTarget['kind'], string> = {
  'auto-scaling-group':
    "If the group was deleted by mistake, create it again under the same name; if it was renamed or is gone for good, change (or remove) the target's autoScalingGroup in the policy and deploy.",
  instance:
    "If the instance was terminated by mistake, launch one that the selector matches; if it was replaced by hand, point the target's instance selector at the new one in the policy and deploy.",
};

export function missingTargetEmail(missing: MissingTarget, since: Date, region: string): Email {
  const body = [
    `ec2-autopilot: target ${missing.target} has no ${missing.missing} (${region}).`,
    '',
    'What happened',
    `  reconcile found it missing at ${formatTime(since)}.`,
    '',
    'What it does meanwhile',
    `  ${missing.reason}.`,
    '  No alarm is deleted: the alarms and their history are there when it comes back.',
    '',
    'What to do',
    `  ${fix[missing.kind]}`,
    '',
    'What next',
    `  This is sent once: reconcile keeps reporting ${missing.target} in its output and logs, but e-mails`,
    '  again only if it comes back and then goes missing again.',
    '',
    '—',
    `Target ${missing.target}. Sent by ec2-autopilot; every decision is e-mailed, routine skips are only logged.`,
  ].join('\n');
  return {
    subject: clampSubject(`[ec2-autopilot] ${missing.target}: ${missing.missing} is missing`),
    body,
    attributes: { target: missing.target, action: 'none', outcome: 'missing-target' },
  };
}
