/**
 * `autopilot cleanup` as a process against moto: two regions scanned in one run, the JSON document of
 * the issue, the table with its progress display on stderr, `--mode mark`, and bad flags (exit 2).
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AwsClients } from '../../lib/aws/clients';
import { TAGS } from '../../lib/model/tags';
import { autopilot } from '../support/cli';
import { useMoto } from '../support/moto';

const dir = mkdtempSync(join(tmpdir(), 'autopilot-cleanup-cli-'));
const config = join(dir, 'autopilot.yml');

describe('autopilot cleanup', () => {
  let endpoint: string;
  const cli = (...args: string[]) => autopilot(['cleanup', ...args, '--config', config], { endpoint });
  const seeded: Record<string, { address: string; volume?: string }> = {};

  beforeAll(async () => {
    endpoint = await useMoto();
    writeFileSync(config, 'version: 1\ncleanup:\n  minAgeDays: { volumes: 0 }\n');
    for (const region of ['us-east-1', 'eu-west-1']) {
      const { client, sdk } = await new AwsClients({ region }).ec2();
      const address = (await client.send(new sdk.AllocateAddressCommand({ Domain: 'vpc' }))).AllocationId!;
      seeded[region] = { address };
    }
    const { client, sdk } = await new AwsClients({ region: 'eu-west-1' }).ec2();
    seeded['eu-west-1']!.volume = (
      await client.send(
        new sdk.CreateVolumeCommand({ AvailabilityZone: 'eu-west-1a', Size: 100, VolumeType: 'gp2' }),
      )
    ).VolumeId!;
  });

  it('scans several regions and prints the JSON document of the issue', () => {
    const run = cli('--region', 'us-east-1', '--region', 'eu-west-1', '--format', 'json');
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const doc = run.json();
    expect(Object.keys(doc).slice(0, 4)).toEqual(['mode', 'regions', 'findings', 'totals']);
    expect(doc.mode).toBe('report');
    expect(doc.regions).toEqual(['us-east-1', 'eu-west-1']);
    expect(doc.findings).toEqual([
      {
        category: 'elastic-ip',
        id: seeded['us-east-1']!.address,
        region: 'us-east-1',
        reason: expect.stringMatching(/is associated with nothing/),
        ageDays: null,
        monthlyCostUsd: 3.65,
        action: 'report',
        protected: false,
      },
      expect.objectContaining({
        category: 'elastic-ip',
        id: seeded['eu-west-1']!.address,
        region: 'eu-west-1',
      }),
      {
        category: 'volume',
        id: seeded['eu-west-1']!.volume,
        region: 'eu-west-1',
        reason: '100 GiB gp2 volume attached to no instance.',
        ageDays: 0,
        monthlyCostUsd: 10,
        action: 'report',
        protected: false,
      },
    ]);
    expect(doc.totals).toEqual({ count: 3, monthlyCostUsd: 17.3 });
    // Report mode changes nothing and e-mails only when asked (--notify: test/integration/cli-writes.test.ts).
    expect(doc.notification).toBeUndefined();
  });

  it('prints a table, with the progress of the scan on stderr', () => {
    const run = cli('--region', 'eu-west-1');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(
      /^Cleanup in mode report, eu-west-1: 2 orphans, \$13\.65\/month\nCATEGORY +ID +REGION +AGE +\$\/MONTH +ACTION +REASON\n/,
    );
    expect(run.stdout).toMatch(
      /\nvolume +vol-\w+ +eu-west-1 +0 +10\.00 +report +100 GiB gp2 volume attached to no instance\./,
    );
    expect(run.stderr).toContain('scan eu-west-1: addresses 1 (1 page)');
    expect(run.stderr).toContain('scan eu-west-1: volumes 1 (1 page)');
  });

  it('--mode mark tags the findings with their deletion date', async () => {
    const run = cli('--region', 'us-east-1', '--mode', 'mark', '--format', 'json');
    expect(run.code).toBe(0);
    const [finding] = run.json().findings;
    expect(finding).toMatchObject({ id: seeded['us-east-1']!.address, action: 'mark', status: 'applied' });
    const { client, sdk } = await new AwsClients({ region: 'us-east-1' }).ec2();
    const out = await client.send(
      new sdk.DescribeAddressesCommand({ AllocationIds: [seeded['us-east-1']!.address] }),
    );
    expect(out.Addresses![0]!.Tags).toContainEqual({ Key: TAGS.deleteAfter, Value: finding.deleteAfter });
  });

  it.each([
    [['--mode', 'purge'], 'autopilot: --mode: expected report, mark or delete'],
    [['--region', 'mars-1'], 'autopilot: --region: "mars-1" is not a region code such as eu-west-1'],
  ])('rejects %j (exit 2)', (args, message) => {
    const run = cli(...args);
    expect(run.code).toBe(2);
    expect(run.stderr.trim()).toBe(message);
  });

  it('takes several regions only for cleanup', () => {
    const run = autopilot(
      ['validate', '--region', 'us-east-1', '--region', 'eu-west-1', '--config', config],
      {
        endpoint,
      },
    );
    expect(run.code).toBe(2);
    expect(run.stderr.trim()).toBe('autopilot: --region: given 2 times; only cleanup scans several regions');
  });
});
