/** The cleanup e-mail: grouped by category with totals, what the run did, and when it says nothing. */
import type { CleanupReport, Finding } from '../../../lib/model/cleanup';
import { cleanupEmail, LINES_PER_CATEGORY } from '../../../lib/notify/cleanup-email';
import { storagePriceAssumptions } from '../../../lib/pricing/storage';

const finding = (over: Partial<Finding>): Finding => ({
  category: 'volume',
  id: 'vol-1',
  region: 'us-east-1',
  reason: '100 GiB gp3 volume attached to no instance.',
  ageDays: 30.5,
  monthlyCostUsd: 8,
  action: 'report',
  protected: false,
  ...over,
});

function report(findings: Finding[], over: Partial<CleanupReport> = {}): CleanupReport {
  const counted = findings.filter((f) => !f.protected);
  return {
    mode: 'report',
    regions: ['us-east-1'],
    dryRun: false,
    generatedAt: '2026-11-27T12:00:00.000Z',
    findings,
    totals: { count: counted.length, monthlyCostUsd: counted.reduce((s, f) => s + f.monthlyCostUsd, 0) },
    unmarked: [],
    failures: [],
    stats: {},
    prices: storagePriceAssumptions(),
    ...over,
  };
}

it('reports by category, with each category’s total, the savings and the prices', () => {
  const email = cleanupEmail(
    report([
      finding({}),
      finding({ id: 'vol-2', monthlyCostUsd: 2 }),
      finding({ id: 'vol-3', protected: true, action: 'keep' }),
      finding({
        category: 'elastic-ip',
        id: 'eipalloc-1',
        monthlyCostUsd: 3.65,
        ageDays: null,
        reason: 'Elastic IP 1.2.3.4 is associated with nothing.',
      }),
    ]),
  )!;
  expect(email.subject).toBe('[ec2-autopilot] cleanup: 3 orphans, $13.65/month to save');
  expect(email.body).toContain('Found 3 orphans costing $13.65/month, and 1 protected (kept, $8.00/month)');
  expect(email.body).toContain(
    'Elastic IPs — 1, $3.65/month\n  - eipalloc-1 (us-east-1) $3.65/month: reported\n    Elastic IP 1.2.3.4 is associated with nothing.',
  );
  expect(email.body).toContain(
    'EBS volumes — 3, $10.00/month\n  - vol-1 (us-east-1, 30 days old) $8.00/month: reported',
  );
  expect(email.body).toContain(
    'vol-3 (us-east-1, 30 days old) $8.00/month: protected (autopilot:protect=true): kept',
  );
  expect(email.body).toContain('Savings\n  $13.65/month if every orphan listed is deleted.');
  expect(email.body).toContain('Prices\n  Prices: AWS public pricing');
  expect(email.body.indexOf('Elastic IPs')).toBeLessThan(email.body.indexOf('EBS volumes'));
  expect(email.attributes).toEqual({ target: 'cleanup', action: 'cleanup-report', outcome: 'none' });
});

it('says what mark and delete did, in the subject first', () => {
  const marked = report([finding({ action: 'mark', deleteAfter: '2026-12-04', status: 'applied' })], {
    mode: 'mark',
  });
  expect(cleanupEmail(marked)!.subject).toBe(
    '[ec2-autopilot] cleanup: marked 1 ($8.00/month) for deletion after 2026-12-04',
  );
  expect(cleanupEmail(marked)!.body).toContain('$8.00/month: marked: deleted after 2026-12-04');
  const deleted = report(
    [
      finding({ action: 'delete', status: 'applied', deleteAfter: '2026-11-20' }),
      finding({
        id: 'vol-2',
        action: 'delete',
        status: 'dropped',
        detail: 'no longer an orphan: it is attached to i-1 now; kept and unmarked',
      }),
    ],
    {
      mode: 'delete',
      unmarked: [
        {
          category: 'volume',
          id: 'vol-9',
          region: 'us-east-1',
          reason: 'vol-9 is no longer an orphan',
          status: 'applied',
        },
      ],
    },
  );
  const email = cleanupEmail(deleted)!;
  expect(email.subject).toBe(
    '[ec2-autopilot] cleanup: deleted 1, saving $8.00/month; unmarked 1 in use again',
  );
  expect(email.body).toContain(
    'vol-2 (us-east-1, 30 days old) $8.00/month: due — not deleted: no longer an orphan',
  );
  expect(email.body).toContain(
    'Unmarked (in use again, kept)\n  - vol-9 (us-east-1): vol-9 is no longer an orphan',
  );
  expect(email.body).toContain('; $8.00/month saved by this run.');
  expect(email.attributes.outcome).toBe('applied');
});

it('says nothing when a mark or delete run changed nothing', () => {
  expect(
    cleanupEmail(report([finding({ action: 'wait', deleteAfter: '2026-12-04' })], { mode: 'mark' })),
  ).toBeUndefined();
  expect(cleanupEmail(report([], { mode: 'report' }))).toBeUndefined();
});

it('reports a failed scan, even with nothing found', () => {
  const email = cleanupEmail(
    report([], {
      mode: 'delete',
      failures: [
        { region: 'eu-west-1', part: 'snapshots', operation: 'DescribeSnapshots', error: 'AccessDenied' },
      ],
    }),
  )!;
  expect(email.subject).toBe('[ec2-autopilot] cleanup: scan FAILED part-way in eu-west-1: changed nothing');
  expect(email.body).toContain('Failures\n  - eu-west-1 snapshots: AccessDenied');
  expect(email.attributes.outcome).toBe('failed');
});

it(`lists at most ${LINES_PER_CATEGORY} findings a category, and keeps the subject short`, () => {
  const many = Array.from({ length: 55 }, (_, i) => finding({ id: `vol-${i}` }));
  const email = cleanupEmail(report(many))!;
  expect(email.body).toContain(`… and 15 more (autopilot cleanup --format json lists them all)`);
  expect(email.subject.length).toBeLessThanOrEqual(100);
});

it('says "would" in a dry run', () => {
  const email = cleanupEmail(
    report([finding({ action: 'mark', deleteAfter: '2026-12-04', status: 'dry-run' })], {
      mode: 'mark',
      dryRun: true,
    }),
  )!;
  expect(email.subject).toBe(
    '[ec2-autopilot] cleanup: would have marked 1 ($8.00/month) for deletion after 2026-12-04',
  );
  expect(email.body).toContain('would be marked');
});
