/**
 * Cleanup deployed in mode `delete` runs as two functions under two roles: `cleanup` marks (and unmarks)
 * and deletes nothing; `cleanupDelete` deletes what is marked and due, and writes no mark — neither a
 * tag nor the marks table. Against moto with the real SDK clients, on the seeded look-alike account:
 * the marking run leaves every due orphan in place and says the deletion run deletes it; the deletion
 * run deletes exactly the marked orphans, keeps one put back into use without touching its mark, and
 * leaves the table as it was; the next marking run removes that mark and the marks of what is gone.
 *
 * Stubbed, because moto lacks it: DeleteLaunchTemplateVersions (an SDK middleware answers it as AWS
 * does and records the call). Everything else is moto.
 */
import * as cleanupRun from '../../lib/app/cleanup';
import { markKey } from '../../lib/aws/cleanup/mark-table';
import { AwsClients } from '../../lib/aws/clients';
import { ensureDeployment, type Deployment } from '../../lib/aws/deployment';
import { sentMessages } from '../../lib/local/moto';
import type { CleanupCategory, CleanupPhase, CleanupReport } from '../../lib/model/cleanup';
import { TAGS } from '../../lib/model/tags';
import { cleanupOptions, scannedResources } from '../support/cleanup-run';
import { cleanupPolicy, seedAccount, stubbedClients, type Seeded } from '../support/cleanup-seed';
import { REGION, useMoto } from '../support/moto';

const DAY = 86_400_000;

let endpoint: string;
let aws: AwsClients;
let deployment: Deployment;
let seeded: Seeded;
let policyText: string;
let nowMark: Date;
const templateDeletes: { LaunchTemplateId: string; Versions: string[] }[] = [];
const clients = stubbedClients(templateDeletes);

const run = (phase: CleanupPhase, now: Date) =>
  cleanupRun.runCleanup(
    cleanupOptions(aws, deployment, { policy: policyText, mode: 'delete', phase, now, clients }),
  );

const inventory = () => scannedResources(policyText);

const TABLE_KINDS = ['launch-configuration', 'launch-template', 'alarm', 'topic', 'subscription'] as const;

/** The marks table, as stored: each category's item, with its version. */
async function tableItems() {
  const { client, sdk } = await aws.dynamoDb();
  const items: Record<string, { marks: string[]; version: string }> = {};
  for (const category of TABLE_KINDS) {
    const out = await client.send(
      new sdk.GetItemCommand({
        TableName: deployment.stateTable,
        Key: { pk: { S: markKey(REGION, category) } },
        ConsistentRead: true,
      }),
    );
    items[category] = {
      marks: Object.keys(out.Item?.marks?.M ?? {}).sort(),
      version: out.Item?.version?.N ?? '0',
    };
  }
  return items;
}

const cleanupEmails = async () =>
  (await sentMessages(endpoint, deployment.notifyTopicArn)).filter((m) => m.subject?.includes('cleanup'));

const allOrphans = () => Object.values(seeded.orphans).flat().sort();

beforeAll(async () => {
  endpoint = await useMoto();
  aws = new AwsClients({ region: REGION });
  deployment = await ensureDeployment(aws, 'cleanup-roles');
  seeded = await seedAccount(aws, endpoint);
  policyText = cleanupPolicy(seeded, 'delete');
  nowMark = new Date(seeded.youngSince + 7 * DAY - 1500);
  // The first marking run: every orphan is marked, nothing is due yet.
  const first = (await run('mark', nowMark)).report;
  expect(
    first.findings
      .filter((f) => f.action === 'mark')
      .map((f) => f.id)
      .sort(),
  ).toEqual(allOrphans());
}, 90_000);

describe('once the marks are due', () => {
  const nowDue = () => new Date(nowMark.getTime() + 9 * DAY);
  let marking: CleanupReport;
  let deleting: CleanupReport;
  let tableBefore: Awaited<ReturnType<typeof tableItems>>;

  beforeAll(async () => {
    const { client, sdk } = await aws.ec2();
    // Put back into use during the grace period: the marking run unmarks it.
    await client.send(
      new sdk.AttachVolumeCommand({
        VolumeId: seeded.reuseVolume,
        InstanceId: seeded.runningInstance,
        Device: '/dev/sdg',
      }),
    );
    marking = (await run('mark', nowDue())).report;
    // Taken between the two runs: the deletion run must keep it, and leave its mark to the marking run.
    await client.send(
      new sdk.AssociateAddressCommand({
        AllocationId: seeded.raceAddress,
        InstanceId: seeded.runningInstance,
      }),
    );
    tableBefore = await tableItems();
    deleting = (await run('delete', nowDue())).report;
  }, 90_000);

  it('the marking run deletes nothing, unmarks what is in use again, and leaves the due to the deletion run', async () => {
    const due = marking.findings.filter((f) => f.action === 'delete');
    expect(due.map((f) => f.id).sort()).toEqual(allOrphans().filter((id) => id !== seeded.reuseVolume));
    expect(due.every((f) => f.status === undefined)).toBe(true);
    expect(marking.unmarked).toEqual([
      expect.objectContaining({ id: seeded.reuseVolume, status: 'applied' }),
    ]);
    const emails = await cleanupEmails();
    const mail = emails.find((m) => m.message.includes('(the marking run)') && m.message.includes('due: '))!;
    expect(mail.message).toContain('due: the deletion run deletes it, re-verified first');
    expect(mail.message).toContain('unmarked 1 in use again');
  });

  it('the deletion run deletes exactly the marked orphans, and keeps the address taken meanwhile', async () => {
    const deleted = deleting.findings.filter((f) => f.status === 'applied').map((f) => f.id);
    const expected = allOrphans().filter((id) => id !== seeded.reuseVolume && id !== seeded.raceAddress);
    expect(deleted.sort()).toEqual(expected);
    expect(deleting.findings.filter((f) => f.action !== 'delete' && f.status)).toEqual([]);
    const of = await inventory();
    for (const category of Object.keys(seeded.orphans) as CleanupCategory[]) {
      if (category === 'launch-template') continue; // deleted by the stub, which moto's state does not see
      const left = new Set(of(category).map((r) => r.id));
      expect({ category, left: seeded.orphans[category].filter((id) => left.has(id)).sort() }).toEqual({
        category,
        left: seeded.orphans[category].filter((id) => !expected.includes(id)).sort(),
      });
    }
    expect(templateDeletes).toHaveLength(1);
  });

  it('the deletion run writes no mark: the kept address keeps its tag, and the table is as it was', async () => {
    const of = await inventory();
    const address = of('elastic-ip').find((r) => r.id === seeded.raceAddress)!;
    expect(address.tags?.[TAGS.deleteAfter]).toBeDefined();
    expect(deleting.unmarked.map((u) => u.id)).toEqual([seeded.raceAddress]);
    expect(deleting.unmarked[0]!.status).toBeUndefined();
    expect(await tableItems()).toEqual(tableBefore);
    const mail = (await cleanupEmails()).at(-1)!;
    expect(mail.subject).toMatch(/^\[ec2-autopilot\] cleanup: deleted \d+, saving \$[\d.]+\/month$/);
    expect(mail.message).toContain('in mode delete (the deletion run)');
    expect(mail.message).toContain('In use again (kept; the marking run removes their marks)');
  });

  it('the next marking run removes that mark and the marks of what is gone', async () => {
    const next = (await run('mark', nowDue())).report;
    expect(next.unmarked.map((u) => [u.id, u.status])).toEqual([[seeded.raceAddress, 'applied']]);
    const of = await inventory();
    expect(
      of('elastic-ip').find((r) => r.id === seeded.raceAddress)!.tags?.[TAGS.deleteAfter],
    ).toBeUndefined();
    const table = await tableItems();
    for (const category of TABLE_KINDS) {
      const gone = new Set(seeded.orphans[category]);
      expect({ category, left: table[category]!.marks.filter((id) => gone.has(id)) }).toEqual({
        category,
        // Template versions: the stub deleted them, moto still lists them, so they are due again.
        left: category === 'launch-template' ? [...seeded.orphans[category]].sort() : [],
      });
    }
  });
});
