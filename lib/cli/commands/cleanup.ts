/**
 * `autopilot cleanup [--mode report|mark|delete] [--region R]... [--format json|table] [--dry-run]
 * [--notify]`: the scheduled function's run, on demand.
 *
 * In report mode (the flag's, else the policy's) it only reads: the stage's table for the marks of
 * kinds that take no tags, if the table exists, and its topics, if they exist, so as not to report them;
 * it creates nothing and e-mails the report only with `--notify` (to the deployed stage's topic). In
 * mark or delete mode it uses the stage's table and notifications topic, creating them if missing as
 * `apply` does (said on stderr), and e-mails the report; `--dry-run` changes nothing and e-mails what
 * it would do. Exit 1 when a scan or a change failed.
 */
import { runCleanup } from '../../app/cleanup';
import { AwsClients } from '../../aws/clients';
import type { Progress } from '../../aws/cleanup/calls';
import { MarkTable } from '../../aws/cleanup/mark-table';
import { Notifier } from '../../aws/notifier';
import { parseArn } from '../../model/arn';
import { ValidationError } from '../../errors';
import type { CleanupReport, Finding } from '../../model/cleanup';
import { formatMonthly } from '../../plan/wording';
import { EXIT, type CliContext, type Io } from '../context';
import { resultEmail } from '../notify-email';

/** Long scans report each listing as it completes, and every 10 pages of a long one, on stderr. */
export function progressPrinter(io: Pick<Io, 'stderr'>): (p: Progress) => void {
  return (p) => {
    if (!p.done && p.pages % 10 !== 0) return;
    io.stderr(
      `scan ${p.region}: ${p.part} ${p.count.toLocaleString('en-US')}${p.done ? '' : '…'} (${p.pages} page${p.pages === 1 ? '' : 's'})`,
    );
  };
}

/** The JSON document: the issue's fields first, in its order. */
export function reportJson(r: CleanupReport) {
  return {
    mode: r.mode,
    regions: r.regions,
    findings: r.findings.map((f) => ({
      category: f.category,
      id: f.id,
      region: f.region,
      reason: f.reason,
      ageDays: f.ageDays,
      monthlyCostUsd: f.monthlyCostUsd,
      action: f.action,
      protected: f.protected,
      ...(f.deleteAfter ? { deleteAfter: f.deleteAfter } : {}),
      ...(f.status ? { status: f.status } : {}),
      ...(f.detail ? { detail: f.detail } : {}),
    })),
    totals: r.totals,
    dryRun: r.dryRun,
    generatedAt: r.generatedAt,
    unmarked: r.unmarked,
    failures: r.failures,
    stats: r.stats,
    prices: r.prices,
    ...(r.notification ? { notification: r.notification } : {}),
  };
}

function actionWords(f: Finding): string {
  const status = f.status && f.status !== 'applied' ? ` [${f.status}${f.detail ? `: ${f.detail}` : ''}]` : '';
  const note = !f.status && f.detail ? ` (${f.detail})` : '';
  switch (f.action) {
    case 'mark':
    case 'wait':
      return `${f.action} → ${f.deleteAfter}${status}${note}`;
    default:
      return `${f.action}${status}${note}`;
  }
}

export function renderCleanup(r: CleanupReport): string {
  const lines = [
    `Cleanup ${r.dryRun ? '(dry run) ' : ''}in mode ${r.mode}, ${r.regions.join(', ')}: ${r.totals.count} orphan${r.totals.count === 1 ? '' : 's'}, ${formatMonthly(r.totals.monthlyCostUsd)}`,
  ];
  if (r.findings.length > 0) {
    const rows = r.findings.map((f) => [
      f.category,
      f.id,
      f.region,
      f.ageDays === null ? '-' : String(Math.floor(f.ageDays)),
      f.monthlyCostUsd.toFixed(2),
      actionWords(f) + (f.protected ? ' (protected)' : ''),
      f.reason,
    ]);
    const head = ['CATEGORY', 'ID', 'REGION', 'AGE', '$/MONTH', 'ACTION', 'REASON'];
    const widths = head.map((h, i) => Math.max(h.length, ...rows.map((row) => (i < 5 ? row[i]!.length : 0))));
    const line = (cells: string[]) =>
      cells
        .map((c, i) => (i < 5 ? c.padEnd(widths[i]!) : c))
        .join('  ')
        .trimEnd();
    lines.push(line(head), ...rows.map(line));
  }
  for (const u of r.unmarked)
    lines.push(
      `Unmarked ${u.category} ${u.id} (${u.region}): ${u.reason}${u.status ? ` [${u.status}]` : ''}`,
    );
  for (const f of r.failures) lines.push(`FAILED ${f.region} ${f.part}: ${f.error}`);
  if (r.failures.length > 0) lines.push('Nothing was marked or deleted: the scan failed part-way.');
  if (r.notification) lines.push(`E-mailed: ${r.notification.subject}`);
  return lines.join('\n');
}

/** Where the run reads and writes: found (report mode) or provisioned (mark, delete). */
async function cleanupDeployment(ctx: CliContext, home: string, reportOnly: boolean) {
  const aws = new AwsClients({ region: home });
  if (!reportOnly) {
    const { deployment } = await ctx.provision(home);
    return {
      notifier: new Notifier(aws, deployment.notifyTopicArn),
      marks: new MarkTable(aws, deployment.stateTable),
      ownTopics: [deployment.alarmTopicArn, deployment.notifyTopicArn],
    };
  }
  const found = await ctx.findDeployment(home);
  const notifier = await ctx.requestedNotifier(home, found);
  const ownTopics = [found.alarmTopicArn, found.notifyTopicArn].filter((t): t is string => !!t);
  const accountId = ownTopics.map((t) => parseArn(t)?.account).find(Boolean);
  return {
    ...(notifier ? { notifier } : {}),
    // Reading marks from a table that does not exist finds none (MarkTable.read): nothing is created.
    marks: new MarkTable(aws, found.stateTable),
    ownTopics,
    ...(accountId ? { accountId } : {}),
  };
}

export async function cleanup(ctx: CliContext): Promise<number> {
  const policy = ctx.policy();
  // The deployment (table, topic) lives in the policy's region; --region names the regions scanned.
  const home = policy.region ?? ctx.env.AWS_REGION ?? ctx.env.AWS_DEFAULT_REGION ?? ctx.args.regions?.[0];
  if (!home)
    throw new ValidationError(
      '--region',
      'no AWS region: pass --region, set region in the policy, or AWS_REGION',
    );
  const mode = ctx.args.mode ?? policy.cleanup?.mode ?? 'report';
  if (ctx.args.notify && mode !== 'report')
    throw new ValidationError(
      '--notify',
      `the policy's cleanup mode is ${mode}, whose report is e-mailed anyway (--notify is for report mode)`,
    );
  const where = await cleanupDeployment(ctx, home, mode === 'report');
  const { report } = await runCleanup({
    policy,
    mode,
    ...(ctx.args.regions ? { regions: ctx.args.regions } : {}),
    defaultRegion: home,
    now: new Date(),
    dryRun: ctx.args.dryRun || policy.dryRun,
    ...where,
    log: ctx.log,
    ...(ctx.args.format === 'table' ? { progress: progressPrinter(ctx.io) } : {}),
  });
  // Asked for, a report is e-mailed even when it has nothing to tell: the one who asked is told so.
  if (where.notifier && !report.notification) {
    const text = renderCleanup(report);
    const notification = await ctx.notify(
      where.notifier,
      resultEmail('cleanup', text.split('\n')[0]!, text, 'report'),
    );
    if (notification) report.notification = notification;
  }
  ctx.io.stdout(
    ctx.args.format === 'json' ? JSON.stringify(reportJson(report), null, 2) : renderCleanup(report),
  );
  const failed =
    report.failures.length > 0 ||
    report.findings.some((f) => f.status === 'failed') ||
    report.unmarked.some((u) => u.status === 'failed');
  return failed ? EXIT.failed : EXIT.ok;
}
