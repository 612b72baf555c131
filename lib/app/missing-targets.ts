/**
 * Reconcile's warning about targets whose group or instance does not exist: reported on every run (the
 * result and the logs), e-mailed once per disappearance through the state table's `missing#` records
 * (the order of claim → publish → sent, and why, is in lib/aws/missing-records.ts), and forgotten when
 * the target exists again.
 *
 * A dry run keeps its records apart (`dry-run:<target>`), as the event claims do: its e-mail does not
 * stand for a real run's.
 */
import { mapLimit } from '../concurrency';
import { errorMessage } from '../errors';
import type {
  MissingNotice,
  MissingRecord,
  MissingTarget,
  MissingTargetWarning,
} from '../model/missing-target';
import { missingTargetEmail } from '../notify/missing-target-email';
import { planMissingWarnings } from '../plan/missing-targets';
import type { Runtime } from './runtime';

/** A target whose record was cleared: it exists again. */
export interface FoundAgain {
  target: string;
  missing: string;
  since: string;
}

export interface MissingTargetsResult {
  warnings: MissingTargetWarning[];
  foundAgain: FoundAgain[];
}

/** Records read at once: a handful of GetItems, not one after the other. */
const READS_AT_ONCE = 8;

function reported(record: MissingRecord): MissingNotice {
  return record.status === 'sent'
    ? { status: 'sent-earlier', at: record.sentAt ?? record.since }
    : { status: 'another-run', since: record.since };
}

/** Claims the e-mail, publishes it, and records it as sent; what became of it. */
async function notify(
  rt: Runtime,
  key: string,
  missing: MissingTarget,
  since: string,
): Promise<MissingNotice> {
  const notifier = rt.notifier;
  if (!notifier) return { status: 'no-topic' };
  const claim = await rt.store.missing.claim(key, missing.missing, rt.now(), since);
  if (!claim.claimed) return claim.current ? reported(claim.current) : { status: 'another-run', since };
  const email = missingTargetEmail(missing, new Date(since), rt.aws.region);
  let messageId: string | undefined;
  try {
    messageId = await notifier.publish(email);
  } catch (error) {
    // Not sent, so not recorded as sent: the claim goes back and the next run tries again.
    await rt.store.missing.release(key, claim.token).catch((e: unknown) =>
      rt.log.log('warn', 'could not give back the claim of a missing target e-mail; it expires', {
        target: missing.target,
        error: errorMessage(e),
      }),
    );
    return { status: 'failed', detail: `Publish failed: ${errorMessage(error)}` };
  }
  const at = rt.now();
  const recorded = await rt.store.missing
    .markSent(key, claim.token, at, messageId)
    .catch((error: unknown) => {
      // Sent: only the record is missing, and once the claim's lease ends the next run sends it again.
      rt.log.log('error', 'missing target e-mailed, but not recorded as sent', {
        target: missing.target,
        error: errorMessage(error),
      });
      return true;
    });
  if (!recorded)
    rt.log.log('info', 'missing target e-mailed; its record was cleared meanwhile (it came back)', {
      target: missing.target,
    });
  return {
    status: 'sent',
    at: at.toISOString(),
    subject: email.subject,
    ...(messageId ? { messageId } : {}),
  };
}

export async function warnMissingTargets(
  rt: Runtime,
  missing: readonly MissingTarget[],
): Promise<MissingTargetsResult> {
  const now = rt.now();
  const keyOf = (target: string) => (rt.dryRun ? `dry-run:${target}` : target);
  const names = rt.policy.targets.map((t) => t.name);
  // An unreadable record is taken as none: the claim's conditional write still refuses to e-mail twice,
  // and a target that came back is cleared by the next run.
  const read = await mapLimit(names, READS_AT_ONCE, (n) =>
    rt.store.missing.read(keyOf(n)).catch((error: unknown) => {
      rt.log.log('warn', 'could not read a missing target record', { target: n, error: errorMessage(error) });
      return undefined;
    }),
  );
  const records = new Map(names.flatMap((n, i) => (read[i] ? [[n, read[i]] as const] : [])));
  const result: MissingTargetsResult = { warnings: [], foundAgain: [] };

  for (const step of planMissingWarnings({ targets: names, missing, records, now })) {
    if (step.kind === 'clear') {
      await rt.store.missing.clear(step.record).then(
        () => {
          result.foundAgain.push({
            target: step.target,
            missing: step.record.missing,
            since: step.record.since,
          });
          rt.log.log('info', `${step.target}'s ${step.record.missing} exists again`, { target: step.target });
        },
        (error: unknown) =>
          rt.log.log('warn', 'could not clear a missing target record; the next run tries again', {
            target: step.target,
            error: errorMessage(error),
          }),
      );
      continue;
    }
    const since = step.kind === 'report' ? step.record.since : (step.since ?? now.toISOString());
    const email =
      step.kind === 'report'
        ? reported(step.record)
        : await notify(rt, keyOf(step.missing.target), step.missing, since).catch(
            (error: unknown): MissingNotice => ({ status: 'failed', detail: errorMessage(error) }),
          );
    const warning: MissingTargetWarning = { ...step.missing, severity: 'warning', since, email };
    rt.log.log(email.status === 'failed' ? 'error' : 'warn', warning.reason, {
      target: warning.target,
      missing: warning.missing,
      since,
      email: email.status,
      ...(email.status === 'failed' ? { error: email.detail } : {}),
    });
    result.warnings.push(warning);
  }
  return result;
}
