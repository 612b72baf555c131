/**
 * The e-mail of a resize, sent once by the workflow when it ends: before → after type, the change in
 * $/month, how long the address did not answer, and the rollback when it failed.
 */
import type { Email } from '../model/email';
import { clampSubject } from '../notify/email';
import { formatMonthly } from '../plan/wording';
import { PRICE_TABLE } from '../pricing/on-demand';
import type { OperationRecord, ResizeState } from '../model/resize-state';

const seconds = (from?: string, to?: string) =>
  from && to ? Math.max(0, Math.round((Date.parse(to) - Date.parse(from)) / 100) / 10) : undefined;

export function unreachableSeconds(s: ResizeState, op: OperationRecord): number | undefined {
  return s.strategy === 'in-place'
    ? seconds(op.stopRequestedAt, op.runningAt)
    : seconds(op.moveStartedAt, op.moveDoneAt);
}

/** Step Functions hands a Lambda error over as JSON (`{"errorType", "errorMessage"}`); locally it is the message. */
export function failureCause(s: { error?: { Error?: string; Cause?: string } }): string {
  const cause = s.error?.Cause;
  if (!cause) return s.error?.Error ?? 'unknown error';
  try {
    const parsed = JSON.parse(cause) as { errorMessage?: string };
    return parsed.errorMessage ?? cause;
  } catch {
    return cause;
  }
}

/** The e-mail's account of a failure: why, in AWS's or the step's words, and what was put back. */
export function failureSection(
  s: { error?: { Error?: string; Cause?: string } },
  rollback: string,
): string[] {
  return ['', 'Why it failed', `  ${failureCause(s)}`, '', 'Rollback', `  ${rollback}`];
}

export function resizeEmail(s: ResizeState, op: OperationRecord, outcome: 'applied' | 'failed'): Email {
  const replacedWith = s.strategy === 'blue-green' && s.newInstanceId ? ` (now ${s.newInstanceId})` : '';
  const what =
    outcome === 'applied'
      ? `resized ${s.instanceId} ${s.from} → ${s.to}${replacedWith}`
      : `FAILED to resize ${s.instanceId} ${s.from} → ${s.to}`;
  const down = unreachableSeconds(s, op);
  const lines = [
    `ec2-autopilot ${what}.`,
    '',
    'What happened',
    `  ${s.trigger}`,
    '',
    'What it did',
    `  ${s.reason}`,
    `  Strategy: ${s.strategy}${s.strategy === 'blue-green' ? ` (image ${s.imageId ?? 'not made'}, replacement ${s.newInstanceId ?? 'not launched'}${outcome === 'applied' ? `, old instance ${s.retire === 'terminate' ? 'terminated' : 'stopped'} once the address moved` : ''})` : ''}.`,
    ...(s.publicIp
      ? [
          `  Elastic IP ${s.publicIp} ${outcome === 'applied' ? `is on ${s.strategy === 'blue-green' ? s.newInstanceId : s.instanceId}` : 'stays where it was'}.`,
        ]
      : []),
    ...(down !== undefined
      ? [
          `  Unreachable for ${down} s (${s.strategy === 'in-place' ? 'stop → running' : 'the address move'}).`,
        ]
      : []),
    ...(s.notes?.length ? s.notes.map((n) => `  Note: ${n}`) : []),
  ];
  if (outcome === 'failed') {
    lines.push(...failureSection(s, op.rollback ?? 'nothing had changed'));
  } else if (s.monthlyCostDeltaUsd !== undefined) {
    lines.push(
      '',
      'Cost',
      `  ${formatMonthly(s.monthlyCostDeltaUsd, true)} (${s.from} → ${s.to}, on-demand; ${PRICE_TABLE.source}, table of ${PRICE_TABLE.date}).`,
    );
  }
  lines.push('', '—', `Target ${s.target}, operation ${s.key}. Sent by ec2-autopilot.`);
  return {
    subject: clampSubject(`[ec2-autopilot] ${s.target}: ${what}`),
    body: lines.join('\n'),
    attributes: { target: s.target, action: 'resize-instance', outcome },
  };
}
