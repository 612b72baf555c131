/**
 * `autopilot refresh-image` as a process against moto: `--dry-run` plans and changes nothing; a run makes
 * the new image the group's default launch version and starts one instance refresh; an unknown target
 * is bad input. A proxy in front of moto answers, as AWS does, exactly the two instance-refresh calls
 * moto lacks (StartInstanceRefresh, DescribeInstanceRefreshes); everything else is moto.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AwsClients } from '../../lib/aws/clients';
import { ensureDeployment } from '../../lib/aws/deployment';
import { autopilotAsync } from '../support/cli';
import { startFaultProxy, type FaultProxy } from '../support/fault-proxy';
import { queryResult } from '../support/instance-refresh-stub';
import { REGION, useMoto } from '../support/moto';
import { defaultVersion, refreshFleet, refreshPolicy, type RefreshFleet } from '../support/refresh-fleet';

let proxy: FaultProxy;
let fleet: RefreshFleet;
let aws: AwsClients;
/** Two older images of the lineage, made by earlier refreshes (unused). */
let older: string[];
/** The one the dry run says retention would retire. */
let retired: string;
const policyFile = join(mkdtempSync(join(tmpdir(), 'autopilot-refresh-cli-')), 'autopilot.yml');

const run = (args: string[]) =>
  autopilotAsync(args, {
    endpoint: proxy.endpoint,
    env: { AUTOPILOT_CONFIG: policyFile, AUTOPILOT_LOCAL_WAIT_MS: '0' },
  });

beforeAll(async () => {
  const endpoint = await useMoto();
  aws = new AwsClients({ region: REGION });
  // The stage deployed: the command finds its table and topics (on a fresh account it would create them
  // and say so on stderr).
  await ensureDeployment(aws, 'dev');
  fleet = await refreshFleet(aws);
  writeFileSync(policyFile, refreshPolicy());
  const ec2 = await aws.ec2();
  older = [];
  for (const name of ['web-old-1', 'web-old-2']) {
    const made = await ec2.client.send(
      new ec2.sdk.CreateImageCommand({
        InstanceId: fleet.golden.instanceId,
        Name: name,
        TagSpecifications: [
          {
            ResourceType: 'image',
            Tags: [
              { Key: 'autopilot:lineage', Value: 'web' },
              { Key: 'autopilot:managed', Value: 'true' },
            ],
          },
        ],
      }),
    );
    older.push(made.ImageId!);
  }
  const refresh = { InstanceRefreshId: 'r-cli', AutoScalingGroupName: 'web-asg', StartTime: new Date() };
  const answer = (operation: string, result: Record<string, unknown>) => {
    const { response } = queryResult(operation, result);
    return { statusCode: response.statusCode, headers: response.headers, body: response.body };
  };
  proxy = await startFaultProxy(endpoint, [
    {
      operation: 'StartInstanceRefresh',
      mode: 'answer',
      times: 1e9,
      answer: answer('StartInstanceRefresh', { InstanceRefreshId: 'r-cli' }),
    },
    {
      operation: 'DescribeInstanceRefreshes',
      mode: 'answer',
      times: 1e9,
      // Not active before the start (a finished one), Successful after it: one refresh, done.
      answer: answer('DescribeInstanceRefreshes', {
        InstanceRefreshes: [{ ...refresh, Status: 'Successful', PercentageComplete: 100 }],
      }),
    },
  ]);
}, 60_000);

afterAll(() => proxy.close());

it('--dry-run prints the plan, with the retention it ends with, and changes nothing', async () => {
  const before = await defaultVersion(aws, fleet.templateId);
  const out = await run(['refresh-image', 'web', '--dry-run', '--format', 'json']);
  expect(out.stderr).toBe('');
  expect(out.code).toBe(0);
  const outcomes = out.json().outcomes as { action: { type: string; resourceId?: string }; status: string }[];
  // With keep: 2, the new image and the newest older one stay: the other older one would be retired.
  expect(outcomes.map((o) => [o.action.type, o.status])).toEqual([
    ['refresh-image', 'dry-run'],
    ['start-instance-refresh', 'dry-run'],
    ['deregister-image', 'dry-run'],
    ['delete-snapshot', 'dry-run'],
  ]);
  retired = outcomes[2]!.action.resourceId!;
  expect(older).toContain(retired);
  expect(await defaultVersion(aws, fleet.templateId)).toEqual(before);
  expect(proxy.count('CreateImage')).toBe(0);
  expect(proxy.count('StartInstanceRefresh')).toBe(0);
}, 90_000);

it('refreshes: a new default version with a new image, one instance refresh', async () => {
  const before = await defaultVersion(aws, fleet.templateId);
  const out = await run(['refresh-image', 'web']);
  expect(out.stderr).toBe('');
  expect(out.code).toBe(0);
  expect(out.stdout).toContain('Refresh the image of web-asg (web)');
  const now = await defaultVersion(aws, fleet.templateId);
  expect(now.version).toBeGreaterThan(before.version);
  expect(now.data.ImageId).not.toBe(before.data.ImageId);
  expect(proxy.count('CreateImage')).toBe(1);
  expect(proxy.count('StartInstanceRefresh')).toBe(1);
  // Retention: the image the plan named is gone, the newest older one stays.
  const ec2 = await aws.ec2();
  const left = await ec2.client.send(new ec2.sdk.DescribeImagesCommand({ ImageIds: older }));
  expect(left.Images!.map((i) => i.ImageId)).toEqual(older.filter((id) => id !== retired));
}, 90_000);

it('says a target without imageRefresh is bad input', async () => {
  const out = await run(['refresh-image', 'nope']);
  expect(out.code).toBe(2);
  expect(out.stderr).toMatch(
    /autopilot: .*no target nope with imageRefresh in the policy \(targets with it: web\)/,
  );
}, 60_000);
