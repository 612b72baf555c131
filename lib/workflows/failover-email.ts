/**
 * The e-mail of a failover, sent once by the workflow when it ends: what failed and how it was seen,
 * how long the address did not answer (from the detection to the move), where the address is now, and
 * what is left for a person to do.
 */
import type { Email } from '../model/email';
import type { FailoverRecord, FailoverState } from '../model/failover-state';
import { TAGS } from '../model/tags';
import { clampSubject } from '../notify/email';
import { failureSection } from './resize-email';

/** Seconds from the detection to the address being on a healthy instance again. */
export function outageSeconds(s: FailoverState, op: FailoverRecord): number | undefined {
  if (!op.moveDoneAt) return undefined;
  const ms = Date.parse(op.moveDoneAt) - Date.parse(s.detectedAt);
  return Number.isFinite(ms) ? Math.max(0, Math.round(ms / 1000)) : undefined;
}

/** The address is on the instance this failover moved it to (a failure came after the move). */
const moved = (s: FailoverState, op: FailoverRecord, holder: string | undefined) =>
  holder !== undefined && op.moveDoneAt !== undefined && holder === (op.servedBy ?? s.newInstanceId);

function leftToDo(
  s: FailoverState,
  op: FailoverRecord,
  outcome: 'applied' | 'failed',
  holder: string | undefined,
): string[] {
  if (op.recovered)
    return ['Nothing: the instance is healthy again. If it fails often, look at its system log.'];
  if (outcome === 'failed' && moved(s, op, holder))
    return [
      `${s.publicIp} is served by ${holder}. What failed came after the move: finish by hand what the failover did not — stop ${s.instanceId} and tag it ${TAGS.failedOverTo}=${holder}.`,
      'Then run `autopilot reconcile` so the alarms watch the instance that serves.',
    ];
  if (outcome === 'failed')
    return [
      `${s.publicIp} is not on a healthy instance: bring ${s.instanceId} back (or launch a server and associate ${s.publicIp} with it) by hand.`,
      'Then run `autopilot reconcile` so the alarms watch the instance that serves.',
    ];
  const failed = op.failedGone
    ? `${s.instanceId} is terminated: its volumes went with it unless they were kept on termination; check the cause in CloudTrail (who or what terminated it).`
    : `${s.instanceId} is left ${op.stoppedFailed ? 'stopped' : 'as it was'} and tagged ${TAGS.failedOverTo}=${op.servedBy ?? s.newInstanceId}: inspect it (its system log, its volumes), then terminate it or make it the new standby.`;
  return [
    failed,
    ...(op.via === 'standby'
      ? [
          `The standby serves now, so ${s.target} has no warm standby: start a new one with the standby's tags (reconcile adopts it).`,
        ]
      : []),
  ];
}

export function failoverEmail(
  s: FailoverState,
  op: FailoverRecord,
  outcome: 'applied' | 'failed',
  holder: string | undefined,
): Email {
  const to = `${op.servedBy ?? s.newInstanceId} (${op.via ?? 'replacement'})`;
  // The subject names the instances (at most 100 characters); the body says the address too.
  const served = moved(s, op, holder);
  const what = op.recovered
    ? `did not fail over ${s.instanceId} (healthy again)`
    : outcome === 'applied'
      ? `failed over ${s.instanceId} → ${to}`
      : served
        ? `FAILED after moving ${s.instanceId} → ${to}`
        : `FAILED to fail over ${s.instanceId}`;
  const outage = outageSeconds(s, op);
  const lines = [
    `ec2-autopilot ${what}: ${s.publicIp} ${(outcome === 'applied' && !op.recovered) || served ? 'moved' : 'did not move'}.`,
    '',
    'What failed',
    `  ${s.reason}`,
    `  Detected: ${s.detection} at ${s.detectedAt}.`,
    '',
    'Where the address is',
    `  ${s.publicIp} is on ${holder ?? 'nothing'}${holder && holder === op.servedBy ? ` (${op.via === 'standby' ? 'the standby' : `launched from ${s.imageId ?? 'an image'}`})` : ''}.`,
    ...(outage !== undefined ? [`  It answered again ${outage} s after the failure was detected.`] : []),
    ...(s.notes?.length ? s.notes.map((n) => `  Note: ${n}`) : []),
  ];
  if (outcome === 'failed') lines.push(...failureSection(s, op.rollback ?? 'nothing had changed'));
  lines.push('', 'Left for a person', ...leftToDo(s, op, outcome, holder).map((l) => `  ${l}`));
  lines.push('', '—', `Target ${s.target}, operation ${s.key}. Sent by ec2-autopilot.`);
  return {
    subject: clampSubject(`[ec2-autopilot] ${s.target}: ${what}`),
    body: lines.join('\n'),
    attributes: { target: s.target, action: 'fail-over', outcome },
  };
}
