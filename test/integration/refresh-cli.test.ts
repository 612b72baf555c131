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
import { autopilotAsync } from '../support/cli';
import { startFaultProxy, type FaultProxy } from '../support/fault-proxy';
import { queryResult } from '../support/instance-refresh-stub';
import { REGION, useMoto } from '../support/moto';
import { defaultVersion, refreshFleet, refreshPolicy, type RefreshFleet } from '../support/refresh-fleet';

let proxy: FaultProxy;
let fleet: RefreshFleet;
let aws: AwsClients;
const policyFile = join(mkdtempSync(join(tmpdir(), 'autopilot-refresh-cli-')), 'autopilot.yml');

const run = (args: string[]) =>
  autopilotAsync(args, {
    endpoint: proxy.endpoint,
    env: { AUTOPILOT_CONFIG: policyFile, AUTOPILOT_LOCAL_WAIT_MS: '0' },
  });

beforeAll(async () => {
  const endpoint = await useMoto();
  aws = new AwsClients({ region: REGION });
  fleet = await refreshFleet(aws);
  writeFileSync(policyFile, refreshPolicy());
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

it('--dry-run prints the plan and changes nothing', async () => {
  const before = await defaultVersion(aws, fleet.templateId);
  const out = await run(['refresh-image', 'web', '--dry-run', '--format', 'json']);
  expect(out.stderr).toBe('');
  expect(out.code).toBe(0);
  expect(
    out.json().outcomes.map((o: { action: { type: string }; status: string }) => [o.action.type, o.status]),
  ).toEqual([
    ['refresh-image', 'dry-run'],
    ['start-instance-refresh', 'dry-run'],
  ]);
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
}, 90_000);

it('says a target without imageRefresh is bad input', async () => {
  const out = await run(['refresh-image', 'nope']);
  expect(out.code).toBe(2);
  expect(out.stderr).toMatch(
    /autopilot: .*no target nope with imageRefresh in the policy \(targets with it: web\)/,
  );
}, 60_000);
