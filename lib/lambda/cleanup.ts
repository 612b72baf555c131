/**
 * The scheduled cleanup functions' bodies: the policy's cleanup, in its mode, e-mailed once; `cleanup`
 * makes the marks and unmarks, `cleanupDelete` the deletions (each under its own role).
 */
import { runScheduledCleanup } from '../app/cleanup';
import type { CleanupPhase } from '../model/cleanup';
import type { AutopilotContext } from './middleware';

export const onCleanupSchedule = (_event: unknown, context: AutopilotContext) => cleanupRun('mark', context);

export const onCleanupDeleteSchedule = (_event: unknown, context: AutopilotContext) =>
  cleanupRun('delete', context);

async function cleanupRun(phase: CleanupPhase, context: AutopilotContext) {
  const { rt, deployment } = context.autopilot;
  const { report } = await runScheduledCleanup(rt, deployment, phase);
  // A failed scan is reported (e-mailed), not thrown: retrying the invocation at once rarely helps,
  // and the next scheduled run tries again.
  return {
    mode: report.mode,
    phase,
    regions: report.regions,
    findings: report.findings.length,
    totals: report.totals,
    changed: report.findings
      .filter((f) => f.status)
      .map((f) => ({ id: f.id, action: f.action, status: f.status })),
    unmarked: report.unmarked.map((u) => u.id),
    failures: report.failures.map((f) => `${f.region} ${f.part}: ${f.error}`),
    ...(report.notification ? { notification: report.notification.subject } : {}),
  };
}
