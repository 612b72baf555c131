/**
 * `autopilot cleanup` and the scheduled `cleanup` function: scan every region (in parallel, at most
 * `concurrency` at a time), plan once for all of them (so the caps hold across regions), carry out each
 * region's share, and e-mail the report once. Each phase is exported so tests can change the account
 * between them (put an orphan back into use after the plan, before the deletion).
 */
import { AwsClients, type ClientOptions } from '../aws/clients';
import { CallLog, mapLimit, type CleanupIo, type Progress } from '../aws/cleanup/calls';
import { executeRegion, type ChangeOutcome } from './cleanup-execute';
import { MarkTable } from '../aws/cleanup/mark-table';
import type { Deployment } from '../aws/deployment';
import { scanRegion } from './cleanup-scan';
import type { Notifier } from '../aws/notifier';
import { errorMessage } from '../errors';
import type { CleanupMode, CleanupPhase, CleanupReport, Finding } from '../model/cleanup';
import { cleanupEmail } from '../notify/cleanup-email';
import { parseArn } from '../model/arn';
import { inPhase, planCleanup, type Change, type CleanupPlan, type RegionScan } from '../plan/cleanup/plan';
import { defaultCleanupPolicy, type CleanupPolicy } from '../policy/cleanup';
import type { Policy } from '../policy/policy';
import { storagePriceAssumptions } from '../pricing/storage';
import type { Logger } from '../log';
import type { Telemetry } from '../telemetry/telemetry';
import type { Runtime } from './runtime';

export interface CleanupOptions {
  policy: Policy;
  /** Overrides the policy's `cleanup.mode` (`--mode`). */
  mode?: CleanupMode;
  /**
   * Which share of the changes this run makes: `mark` (marks and unmarks) or `delete` (the deletions of
   * what is marked and due). Deployed, the two run under two roles, so neither alone can delete what
   * was never marked; absent (the CLI, with its user's credentials), both.
   */
  phase?: CleanupPhase;
  /** Overrides the policy's regions (`--region`, repeatable). */
  regions?: string[];
  /** When neither the flags nor `cleanup.regions` name one: the policy's region, else the environment's. */
  defaultRegion?: string;
  now: Date;
  dryRun: boolean;
  notifier?: Notifier;
  marks?: MarkTable;
  /** The orchestrator's own topics (never orphans). */
  ownTopics: string[];
  /** The account, when known (from a deployed topic's ARN): narrows the snapshot listing. */
  accountId?: string;
  log: Logger;
  /** Where the run's counts go (deployed: CloudWatch EMF). @default none */
  telemetry?: Telemetry;
  client?: ClientOptions;
  progress?: (p: Progress) => void;
  /** Tests: no real sleeping between throttling retries; a shared call log. */
  sleep?: (ms: number) => Promise<void>;
  calls?: CallLog;
  /** Tests and the bench: how each region's clients are made (e.g. with a fault-injecting middleware). */
  clients?: (region: string) => AwsClients;
}

export interface CleanupRun {
  report: CleanupReport;
  plan: CleanupPlan;
  scans: RegionScan[];
  calls: CallLog;
}

export interface CleanupSetup {
  cleanup: CleanupPolicy;
  mode: CleanupMode;
  regions: string[];
  io: CleanupIo;
}

export function setUp(o: CleanupOptions): CleanupSetup {
  const cleanup = o.policy.cleanup ?? defaultCleanupPolicy();
  const regions = o.regions?.length
    ? o.regions
    : (cleanup.regions ?? (o.defaultRegion ? [o.defaultRegion] : []));
  if (regions.length === 0)
    throw new Error('no region to clean up: pass --region, set cleanup.regions, or AWS_REGION');
  const made = new Map<string, AwsClients>();
  const clients =
    o.clients ??
    ((region: string) => {
      let c = made.get(region);
      if (!c) made.set(region, (c = new AwsClients({ ...o.client, region })));
      return c;
    });
  return {
    cleanup,
    mode: o.mode ?? cleanup.mode,
    regions: [...new Set(regions)],
    io: {
      clients,
      log: o.calls ?? new CallLog(),
      ...(o.progress ? { progress: o.progress } : {}),
      ...(o.sleep ? { sleep: o.sleep } : {}),
    },
  };
}

const accountOf = (o: CleanupOptions): string | undefined =>
  o.accountId ?? (o.notifier ? parseArn(o.notifier.topicArn)?.account : undefined);

export async function scanAll(o: CleanupOptions, s: CleanupSetup): Promise<RegionScan[]> {
  const accountId = accountOf(o);
  return mapLimit(s.regions, s.cleanup.concurrency, (region) =>
    scanRegion({
      io: s.io,
      region,
      cleanup: s.cleanup,
      input: { policy: o.policy, now: o.now, ownTopics: o.ownTopics },
      ...(accountId ? { accountId } : {}),
      ...(o.marks ? { marks: o.marks } : {}),
    }),
  );
}

export function plan(o: CleanupOptions, s: CleanupSetup, scans: RegionScan[]): CleanupPlan {
  return planCleanup(scans, {
    policy: o.policy,
    cleanup: s.cleanup,
    mode: s.mode,
    now: o.now,
    ownTopics: o.ownTopics,
  });
}

export async function execute(
  o: CleanupOptions,
  s: CleanupSetup,
  p: CleanupPlan,
  scans: RegionScan[],
): Promise<Map<Change, ChangeOutcome>> {
  const all = new Map<Change, ChangeOutcome>();
  if (!p.changes.some((c) => inPhase(c, o.phase))) return all;
  const results = await mapLimit(scans, s.cleanup.concurrency, (scan) =>
    executeRegion({
      io: s.io,
      region: scan.region,
      plan: p,
      scan,
      ...(o.marks ? { marks: o.marks } : {}),
      ...(o.phase ? { phase: o.phase } : {}),
      dryRun: o.dryRun,
      now: o.now,
      log: o.log,
    }),
  );
  for (const r of results) for (const [c, out] of r) all.set(c, out);
  return all;
}

export function report(
  o: CleanupOptions,
  p: CleanupPlan,
  outcomes: Map<Change, ChangeOutcome>,
): CleanupReport {
  const findings: Finding[] = p.findings.map((f) => ({ ...f }));
  const unmarked = p.unmarked.map((u) => ({ ...u }));
  for (const c of p.changes) {
    const out = outcomes.get(c);
    if (!out) continue;
    const target = c.kind === 'unmark' ? unmarked[c.unmarked]! : findings[c.finding]!;
    target.status = out.status;
    if (out.detail) target.detail = out.detail;
  }
  const counted = findings.filter((f) => !f.protected);
  return {
    mode: p.mode,
    ...(o.phase ? { phase: o.phase } : {}),
    regions: p.regions,
    dryRun: o.dryRun,
    generatedAt: o.now.toISOString(),
    findings,
    totals: {
      count: counted.length,
      monthlyCostUsd: Math.round(counted.reduce((sum, f) => sum + f.monthlyCostUsd, 0) * 100) / 100,
    },
    unmarked,
    failures: p.failures,
    stats: p.stats,
    prices: storagePriceAssumptions(),
  };
}

/** E-mails the report when there is something to tell; a failure to publish is logged, not thrown. */
export async function notify(o: CleanupOptions, result: CleanupReport): Promise<void> {
  const email = cleanupEmail(result);
  if (!email || !o.notifier) return;
  try {
    const messageId = await o.notifier.publish(email);
    result.notification = { subject: email.subject, ...(messageId ? { messageId } : {}) };
  } catch (error) {
    o.log.log('error', 'cleanup report not e-mailed', { error: errorMessage(error) });
  }
}

/**
 * The run's counts. Found (and their cost) by the run that marks, or by the CLI's: the deleting run
 * scans the same orphans, and counting them twice would double the figure.
 */
export function recordCleanup(telemetry: Telemetry, result: CleanupReport): void {
  const done = (action: 'mark' | 'delete') =>
    result.findings.filter((f) => f.action === action && f.status === 'applied').length;
  if (result.phase !== 'delete') {
    telemetry.count('OrphansFound', {}, result.totals.count);
    telemetry.measure('OrphanMonthlyCostUsd', result.totals.monthlyCostUsd, {});
    telemetry.count('OrphansMarked', {}, done('mark'));
  }
  if (result.phase !== 'mark') telemetry.count('OrphansDeleted', {}, done('delete'));
}

/** The whole run: scan, plan, act, report, e-mail. */
export async function runCleanup(o: CleanupOptions): Promise<CleanupRun> {
  const s = setUp(o);
  const scans = await scanAll(o, s);
  const p = plan(o, s, scans);
  const outcomes = await execute(o, s, p, scans);
  const result = report(o, p, outcomes);
  if (o.telemetry) recordCleanup(o.telemetry, result);
  await notify(o, result);
  o.log.log('info', 'cleanup done', {
    mode: result.mode,
    ...(o.phase ? { phase: o.phase } : {}),
    regions: result.regions,
    findings: result.findings.length,
    changes: p.changes.length,
    failures: result.failures.length,
    calls: s.io.log.total(),
  });
  return { report: result, plan: p, scans, calls: s.io.log };
}

/**
 * One scheduled share of the work (`mark` or `delete`) on a deployed stage, as its function runs it:
 * the marks in the stage's table, its own topics never taken for orphans, e-mailed and recorded.
 */
export const runScheduledCleanup = (
  rt: Runtime,
  deployment: Deployment,
  phase: CleanupPhase,
): Promise<CleanupRun> =>
  runCleanup({
    policy: rt.policy,
    phase,
    defaultRegion: rt.aws.region,
    now: rt.now(),
    dryRun: rt.dryRun,
    ...(rt.notifier ? { notifier: rt.notifier } : {}),
    marks: new MarkTable(rt.aws, deployment.stateTable),
    ownTopics: [deployment.alarmTopicArn, deployment.notifyTopicArn],
    log: rt.log,
    telemetry: rt.telemetry,
  });
