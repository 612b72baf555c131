/**
 * The cleanup report as an e-mail: what was found, grouped by category with each category's total,
 * what this run did about it, the monthly saving, what happens next, and the prices assumed. Plain
 * text (SNS e-mail), subject at most 100 characters, at most 40 lines per category (the JSON of
 * `autopilot cleanup --format json` has every finding).
 */
import type { CleanupReport, Finding } from '../model/cleanup';
import { CATEGORIES } from '../model/cleanup-categories';
import { formatMonthly, formatTime } from '../plan/wording';
import { clampSubject, type Email } from './email';

export const LINES_PER_CATEGORY = 40;

const PHASE_WORDS = { both: '', mark: ' (the marking run)', delete: ' (the deletion run)' } as const;

const money = (usd: number) => formatMonthly(usd);

function doing(f: Finding, report: CleanupReport): string {
  const would = report.dryRun || f.status === 'dry-run' ? 'would be ' : '';
  const outcome =
    f.status === 'failed'
      ? ` — FAILED: ${f.detail ?? ''}`
      : f.status === 'dropped'
        ? ` — not deleted: ${f.detail ?? ''}`
        : f.detail
          ? ` (${f.detail})`
          : '';
  switch (f.action) {
    case 'keep':
      return 'protected (autopilot:protect=true): kept';
    case 'report':
      return `reported${f.deleteAfter ? `, marked until ${f.deleteAfter}` : ''}${outcome}`;
    case 'mark':
      // The deletion run marks nothing: the marking run (its own role) does.
      if (report.phase === 'delete' && !f.status) return 'not marked yet: the marking run marks it';
      return `${would}marked: deleted after ${f.deleteAfter}${outcome}`;
    case 'wait':
      return `marked: deleted after ${f.deleteAfter}${outcome}`;
    case 'delete':
      if (report.phase === 'mark' && !f.status) return 'due: the deletion run deletes it, re-verified first';
      return f.status === 'applied' || f.status === 'dry-run' ? `${would}deleted` : `due${outcome}`;
  }
}

const counted = (report: CleanupReport, pred: (f: Finding) => boolean) =>
  report.findings.filter((f) => pred(f));

/** Unmarked by this run: the deletion run writes no mark, so it unmarks nothing. */
const unmarkedBy = (report: CleanupReport) => (report.phase === 'delete' ? [] : report.unmarked);

const sum = (fs: Finding[]) => Math.round(fs.reduce((s, f) => s + f.monthlyCostUsd, 0) * 100) / 100;

function headline(report: CleanupReport): string {
  const would = report.dryRun ? 'would have ' : '';
  if (report.failures.length > 0) {
    const regions = [...new Set(report.failures.map((f) => f.region))].join(', ');
    return `scan FAILED part-way in ${regions}: changed nothing`;
  }
  const deleted = counted(
    report,
    (f) => f.action === 'delete' && (f.status === 'applied' || f.status === 'dry-run'),
  );
  const marked = counted(
    report,
    (f) => f.action === 'mark' && (f.status === 'applied' || f.status === 'dry-run'),
  );
  const parts: string[] = [];
  if (deleted.length) parts.push(`${would}deleted ${deleted.length}, saving ${money(sum(deleted))}`);
  if (marked.length)
    parts.push(
      `${would}marked ${marked.length} (${money(sum(marked))}) for deletion after ${marked[0]!.deleteAfter}`,
    );
  const unmarked = unmarkedBy(report);
  if (unmarked.length) parts.push(`unmarked ${unmarked.length} in use again`);
  if (parts.length > 0) return parts.join('; ');
  return `${report.totals.count} orphan${report.totals.count === 1 ? '' : 's'}, ${money(report.totals.monthlyCostUsd)} to save`;
}

function nextSteps(report: CleanupReport): string[] {
  const lines: string[] = [];
  if (report.failures.length > 0)
    lines.push(
      'Nothing was marked or deleted: a scan that failed part-way could make resources look unused. The next run tries again.',
    );
  if (report.mode === 'report')
    lines.push(
      'Mode report changes nothing. With cleanup.mode: mark, each orphan is tagged autopilot:delete-after=<date>; with delete, marked orphans are deleted after their date, once re-verified.',
    );
  if (report.mode === 'mark')
    lines.push(
      'Mode mark deletes nothing. Set cleanup.mode: delete to delete marked orphans after their date, each re-verified first.',
    );
  if (report.mode === 'delete')
    lines.push(
      report.phase
        ? 'Marked orphans are deleted after their date by the deletion run, under a role of its own that can delete only what carries the mark and can write no mark; each is re-verified just before, and one in use again is kept (the marking run removes its mark).'
        : 'Marked orphans are deleted after their date, each re-verified just before; one in use again is unmarked and kept.',
    );
  lines.push(
    'To keep a resource: tag it autopilot:protect=true, or exclude it in cleanup.exclude (tags, ids, names).',
  );
  return lines;
}

/** Undefined when there is nothing to tell (a mark or delete run that changed nothing and found no failure). */
export function cleanupEmail(report: CleanupReport): Email | undefined {
  const changed = report.findings.some((f) => f.status) || unmarkedBy(report).length > 0;
  const tell =
    report.failures.length > 0 || (report.mode === 'report' ? report.findings.length > 0 : changed);
  if (!tell) return undefined;

  const what = headline(report);
  const lines = [
    `ec2-autopilot cleanup ${report.dryRun ? '(dry run) ' : ''}in mode ${report.mode}${PHASE_WORDS[report.phase ?? 'both']}, ${report.regions.join(', ')}, at ${formatTime(new Date(report.generatedAt))}.`,
    '',
    `Found ${report.totals.count} orphan${report.totals.count === 1 ? '' : 's'} costing ${money(report.totals.monthlyCostUsd)}${
      report.findings.some((f) => f.protected)
        ? `, and ${counted(report, (f) => f.protected).length} protected (kept, ${money(sum(counted(report, (f) => f.protected)))})`
        : ''
    }: ${what}.`,
    '',
  ];
  for (const spec of CATEGORIES) {
    const fs = report.findings.filter((f) => f.category === spec.category);
    if (fs.length === 0) continue;
    lines.push(`${spec.title} — ${fs.length}, ${money(sum(fs.filter((f) => !f.protected)))}`);
    for (const f of fs.slice(0, LINES_PER_CATEGORY)) {
      const age = f.ageDays === null ? '' : `, ${Math.floor(f.ageDays)} days old`;
      lines.push(`  - ${f.id} (${f.region}${age}) ${money(f.monthlyCostUsd)}: ${doing(f, report)}`);
      lines.push(`    ${f.reason}`);
    }
    if (fs.length > LINES_PER_CATEGORY)
      lines.push(
        `  … and ${fs.length - LINES_PER_CATEGORY} more (autopilot cleanup --format json lists them all)`,
      );
    lines.push('');
  }
  const sections: [string, string[]][] = [
    [
      report.phase === 'delete'
        ? 'In use again (kept; the marking run removes their marks)'
        : 'Unmarked (in use again, kept)',
      report.unmarked.map(
        (u) => `- ${u.id} (${u.region}): ${u.reason}${u.status === 'failed' ? ` — FAILED: ${u.detail}` : ''}`,
      ),
    ],
    ['Failures', report.failures.map((f) => `- ${f.region} ${f.part}: ${f.error}`)],
    [
      'Savings',
      [
        `${money(report.totals.monthlyCostUsd)} if every orphan listed is deleted${
          report.findings.some((f) => f.action === 'delete' && f.status === 'applied')
            ? `; ${money(sum(counted(report, (f) => f.action === 'delete' && f.status === 'applied')))} saved by this run`
            : ''
        }.`,
      ],
    ],
    ['What next', nextSteps(report)],
    ['Prices', report.prices],
  ];
  for (const [title, body] of sections) {
    if (body.length === 0) continue;
    lines.push(title, ...body.map((l) => `  ${l}`), '');
  }
  lines.push(
    '—',
    'Sent by ec2-autopilot cleanup. Every finding, with its reason and cost: autopilot cleanup --format json.',
  );
  const failed = report.failures.length > 0 || report.findings.some((f) => f.status === 'failed');
  return {
    subject: clampSubject(`[ec2-autopilot] cleanup: ${what}`),
    body: lines.join('\n'),
    attributes: {
      target: 'cleanup',
      action: `cleanup-${report.mode}`,
      outcome: failed ? 'failed' : report.dryRun ? 'dry-run' : changed ? 'applied' : 'none',
    },
  };
}
