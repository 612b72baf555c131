/**
 * The "must show", against moto with the real SDK clients: a seeded account with one orphan of
 * each kind and look-alikes in use, protected, excluded or too young beside each. `report` lists exactly
 * the orphans, with their reasons and costs, and changes nothing; `mark` tags exactly them and e-mails
 * the list once; `delete`, with the clock past the mark's date, deletes exactly them after re-verifying
 * each, and keeps (and unmarks) one put back into use during the grace period and one taken while the
 * run was deciding.
 *
 * Stubbed, because moto lacks it: DeleteLaunchTemplateVersions (an SDK middleware answers it as AWS
 * does and records the call). Everything else is moto.
 */
import * as cleanupRun from '../../lib/app/cleanup';
import { markKey } from '../../lib/aws/cleanup/mark-table';
import { AwsClients } from '../../lib/aws/clients';
import { ensureDeployment, type Deployment } from '../../lib/aws/deployment';
import { sentMessages } from '../../lib/local/moto';
import type { CleanupCategory, CleanupReport, Finding } from '../../lib/model/cleanup';
import { TAGS } from '../../lib/model/tags';
import { CATEGORIES } from '../../lib/model/cleanup-categories';
import { cleanupOptions, scannedResources } from '../support/cleanup-run';
import { cleanupPolicy, seedAccount, stubbedClients, type Seeded } from '../support/cleanup-seed';
import { REGION, useMoto } from '../support/moto';

const DAY = 86_400_000;

let endpoint: string;
let aws: AwsClients;
let deployment: Deployment;
let seeded: Seeded;
let policyText: string;
/** Between the two seeding phases: the old resources are just over 7 days old, the young ones just under. */
let nowReport: Date;
const templateDeletes: { LaunchTemplateId: string; Versions: string[] }[] = [];

const clients = stubbedClients(templateDeletes);

const options = (mode: 'report' | 'mark' | 'delete', now: Date) =>
  cleanupOptions(aws, deployment, { policy: policyText, mode, now, clients });

const run = (mode: 'report' | 'mark' | 'delete', now: Date) => cleanupRun.runCleanup(options(mode, now));

const ids = (fs: Finding[], category?: CleanupCategory) =>
  fs
    .filter((f) => !category || f.category === category)
    .map((f) => f.id)
    .sort();

const allOrphans = () => Object.values(seeded.orphans).flat().sort();

/** Every resource of each kind now (the product's own scan). */
const inventory = async () => ({ of: await scannedResources(policyText) });

async function cleanupEmails() {
  return (await sentMessages(endpoint, deployment.notifyTopicArn)).filter((m) =>
    m.subject?.includes('cleanup'),
  );
}

beforeAll(async () => {
  endpoint = await useMoto();
  aws = new AwsClients({ region: REGION });
  deployment = await ensureDeployment(aws, 'cleanup');
  seeded = await seedAccount(aws, endpoint);
  policyText = cleanupPolicy(seeded);
  nowReport = new Date(seeded.youngSince + 7 * DAY - 1500);
}, 60_000);

describe('report', () => {
  let report: CleanupReport;
  beforeAll(async () => {
    report = (await run('report', nowReport)).report;
  });

  it('lists exactly the orphans, and the protected ones as protected', () => {
    expect(report.failures).toEqual([]);
    expect(ids(report.findings.filter((f) => !f.protected))).toEqual(allOrphans());
    for (const category of CATEGORIES.map((c) => c.category))
      expect(
        ids(
          report.findings.filter((f) => !f.protected),
          category,
        ),
      ).toEqual([...(seeded.orphans[category] ?? [])].sort());
    const prot = report.findings.filter((f) => f.protected);
    expect(Object.fromEntries(prot.map((f) => [f.id, f.category]))).toEqual(seeded.protectedOrphans);
    expect(prot.every((f) => f.action === 'keep')).toBe(true);
    expect(report.findings.filter((f) => !f.protected).every((f) => f.action === 'report')).toBe(true);
    // Every look-alike that must be kept is absent from the findings.
    const found = new Set(report.findings.map((f) => f.id));
    expect(seeded.kept.filter((k) => found.has(k.id))).toEqual([]);
  });

  it('says why, with what each costs a month, and the totals', () => {
    const byId = new Map(report.findings.map((f) => [f.id, f]));
    const [idle, race, onTerminated] = seeded.orphans['elastic-ip'];
    expect(byId.get(idle!)).toMatchObject({
      category: 'elastic-ip',
      region: REGION,
      monthlyCostUsd: 3.65,
      ageDays: null,
      reason: expect.stringMatching(/^Elastic IP [\d.]+ is associated with nothing\.$/),
    });
    expect(byId.get(race!)?.monthlyCostUsd).toBe(3.65);
    expect(byId.get(onTerminated!)?.reason).toMatch(/still names i-\w+, which is terminated/);
    const [small, reused] = seeded.orphans.volume;
    expect(byId.get(small!)).toMatchObject({
      monthlyCostUsd: 0.8,
      reason: '10 GiB gp3 volume attached to no instance.',
    });
    expect(byId.get(reused!)).toMatchObject({
      monthlyCostUsd: 2,
      reason: '20 GiB gp2 volume attached to no instance.',
    });
    expect(byId.get(small!)!.ageDays).toBeGreaterThanOrEqual(7);
    const [ofVolume, ofImage] = seeded.orphans.snapshot;
    expect(byId.get(ofVolume!)).toMatchObject({ monthlyCostUsd: 0.4 });
    expect(byId.get(ofVolume!)!.reason).toMatch(
      /^8 GiB snapshot of vol-\w+, which no longer exists; it backs no image\.$/,
    );
    expect(byId.get(ofImage!)!.reason).toMatch(/made for image ami-\w+, which is deregistered/);
    expect(byId.get('cpu-gone')).toMatchObject({ monthlyCostUsd: 0.1 });
    expect(byId.get('cpu-gone')!.reason).toMatch(/watches instance i-\w+, which no longer exists/);
    expect(byId.get('cpu-silent')!.reason).toMatch(/has had insufficient data for 7 days/);
    expect(byId.get('autopilot-api-high')!.reason).toBe(
      'Alarm autopilot-api-high was created by ec2-autopilot for target api, which is no longer in the policy.',
    );
    expect(byId.get('zero-asg')!.reason).toMatch(/at 0\/0\/0/);
    expect(byId.get(seeded.orphans['launch-template'][0]!)!.reason).toMatch(
      /^Version 2 of launch template app-lt is neither its default \(1\) nor its latest \(5\)/,
    );
    const [web1, unused] = [seeded.orphans.image[1]!, seeded.orphans.image[0]!];
    expect(byId.get(web1)!.reason).toMatch(/older than the newest 3 of lineage web/);
    expect(byId.get(unused)!.monthlyCostUsd).toBeGreaterThan(0);
    const counted = report.findings.filter((f) => !f.protected);
    expect(report.totals).toEqual({
      count: counted.length,
      monthlyCostUsd: Math.round(counted.reduce((s, f) => s + f.monthlyCostUsd, 0) * 100) / 100,
    });
  });

  it('changes nothing, and e-mails the report grouped by category with the prices', async () => {
    const inv = await inventory();
    for (const category of [
      'elastic-ip',
      'volume',
      'snapshot',
      'image',
      'instance',
      'auto-scaling-group',
    ] as const)
      expect(inv.of(category).filter((r) => r.tags?.[TAGS.deleteAfter])).toEqual([]);
    const [email] = await cleanupEmails();
    expect(email!.subject).toBe(
      `[ec2-autopilot] cleanup: ${report.totals.count} orphans, $${report.totals.monthlyCostUsd.toFixed(2)}/month to save`,
    );
    expect(email!.message).toContain('Elastic IPs — 4, $10.95/month');
    expect(email!.message).toContain('EBS volumes — 3, $2.80/month');
    expect(email!.message).toContain('$0.005/hour per public IPv4 address (since 2024-02-01)');
    expect(email!.message).toContain('gp3 $0.08');
  });
});

describe('mark', () => {
  let report: CleanupReport;
  let date: string;
  beforeAll(async () => {
    report = (await run('mark', nowReport)).report;
    date = new Date(nowReport.getTime() + 7 * DAY).toISOString().slice(0, 10);
  });

  it('tags exactly the orphans autopilot:delete-after=<now + graceDays>', async () => {
    expect(ids(report.findings.filter((f) => f.action === 'mark'))).toEqual(allOrphans());
    expect(
      report.findings
        .filter((f) => f.action === 'mark')
        .every((f) => f.deleteAfter === date && f.status === 'applied'),
    ).toBe(true);
    const inv = await inventory();
    for (const category of [
      'elastic-ip',
      'volume',
      'snapshot',
      'image',
      'instance',
      'auto-scaling-group',
    ] as const) {
      const marked = inv.of(category).filter((r) => r.tags?.[TAGS.deleteAfter]);
      expect(marked.map((r) => r.id).sort()).toEqual([...(seeded.orphans[category] ?? [])].sort());
      expect(marked.every((r) => r.tags![TAGS.deleteAfter] === date)).toBe(true);
    }
  });

  it('records the marks of kinds that take no tags (or list none) in the state table, and tags alarms and topics too', async () => {
    const { client, sdk } = await aws.dynamoDb();
    for (const category of [
      'launch-configuration',
      'launch-template',
      'alarm',
      'topic',
      'subscription',
    ] as const) {
      const item = await client.send(
        new sdk.GetItemCommand({
          TableName: deployment.stateTable,
          Key: { pk: { S: markKey(REGION, category) } },
        }),
      );
      expect(Object.keys(item.Item?.marks?.M ?? {}).sort()).toEqual([...seeded.orphans[category]].sort());
    }
    const cw = await aws.cloudWatch();
    const tags = await cw.client.send(
      new cw.sdk.ListTagsForResourceCommand({
        ResourceARN: `arn:aws:cloudwatch:${REGION}:123456789012:alarm:cpu-gone`,
      }),
    );
    expect(tags.Tags).toContainEqual({ Key: TAGS.deleteAfter, Value: date });
  });

  it('e-mails the list once', async () => {
    const emails = await cleanupEmails();
    expect(emails).toHaveLength(2);
    expect(emails[1]!.subject).toMatch(
      new RegExp(`marked ${allOrphans().length} \\(\\$[\\d.]+/month\\) for deletion after ${date}`),
    );
    const again = (await run('mark', nowReport)).report;
    expect(again.findings.filter((f) => !f.protected).every((f) => f.action === 'wait')).toBe(true);
    expect(await cleanupEmails()).toHaveLength(2);
  });
});

describe('delete, after the grace period', () => {
  let report: CleanupReport;
  const nowDelete = () => new Date(nowReport.getTime() + 9 * DAY);

  beforeAll(async () => {
    // Put back into use during the grace period.
    const { client, sdk } = await aws.ec2();
    await client.send(
      new sdk.AttachVolumeCommand({
        VolumeId: seeded.reuseVolume,
        InstanceId: seeded.runningInstance,
        Device: '/dev/sdg',
      }),
    );
    const o = options('delete', nowDelete());
    const setup = cleanupRun.setUp(o);
    const scans = await cleanupRun.scanAll(o, setup);
    const plan = cleanupRun.plan(o, setup, scans);
    // Taken while the run decides: the re-verification just before the deletion must see it.
    await client.send(
      new sdk.AssociateAddressCommand({
        AllocationId: seeded.raceAddress,
        InstanceId: seeded.runningInstance,
      }),
    );
    report = cleanupRun.report(o, plan, await cleanupRun.execute(o, setup, plan, scans));
    await cleanupRun.notify(o, report);
  });

  it('deletes exactly the marked orphans', async () => {
    const deleted = report.findings.filter((f) => f.action === 'delete' && f.status === 'applied');
    const expected = allOrphans().filter((id) => id !== seeded.reuseVolume && id !== seeded.raceAddress);
    expect(ids(deleted)).toEqual(expected);
    const inv = await inventory();
    // Template versions are deleted by the stub, which moto's state does not see: the stub's record says.
    for (const category of CATEGORIES.map((c) => c.category).filter((c) => c !== 'launch-template')) {
      const now = new Set(inv.of(category).map((r) => r.id));
      const gone = (seeded.orphans[category] ?? []).filter((id) => !now.has(id));
      expect(gone.sort()).toEqual(
        expected.filter((id) => (seeded.orphans[category] ?? []).includes(id)).sort(),
      );
    }
    expect(templateDeletes).toEqual([
      { LaunchTemplateId: seeded.orphans['launch-template'][0]!.split(':')[0], Versions: ['2'] },
    ]);
  });

  it('keeps every look-alike and every protected orphan', async () => {
    const inv = await inventory();
    const missing = [
      ...seeded.kept,
      ...Object.entries(seeded.protectedOrphans).map(([id, category]) => ({
        id,
        category,
        why: 'protected',
      })),
    ].filter((k) => k.category !== 'launch-template' && !inv.of(k.category).some((r) => r.id === k.id));
    expect(missing).toEqual([]);
  });

  it('unmarks and keeps the volume put back into use, and the address taken during the run', async () => {
    expect(report.unmarked).toEqual([
      expect.objectContaining({ category: 'volume', id: seeded.reuseVolume, status: 'applied' }),
    ]);
    expect(report.findings.find((f) => f.id === seeded.raceAddress)).toMatchObject({
      action: 'delete',
      status: 'dropped',
      detail: expect.stringMatching(
        /no longer an orphan: it is associated with i-\w+ now; kept and unmarked/,
      ),
    });
    const inv = await inventory();
    for (const [category, id] of [
      ['volume', seeded.reuseVolume],
      ['elastic-ip', seeded.raceAddress],
    ] as const)
      expect(inv.of(category).find((r) => r.id === id)?.tags?.[TAGS.deleteAfter]).toBeUndefined();
  });

  it('marks the look-alikes that have grown old enough since, without deleting them', () => {
    const young = seeded.kept.filter((k) => k.why === 'too young').map((k) => k.id);
    const marked = report.findings.filter((f) => f.action === 'mark').map((f) => f.id);
    expect(young.filter((id) => !marked.includes(id))).toEqual([]);
  });

  it('e-mails what it deleted and what it saved', async () => {
    const emails = await cleanupEmails();
    const last = emails[emails.length - 1]!;
    expect(last.subject).toMatch(/^\[ec2-autopilot\] cleanup: deleted \d+, saving \$[\d.]+\/month/);
    expect(last.message).toContain('deleted');
  });
});
