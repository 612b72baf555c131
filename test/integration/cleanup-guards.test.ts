/**
 * The guards that live in the adapters, against moto: a describe that fails part-way makes the run act
 * on nothing and report the failure; a throttled describe is retried with backoff; the scheduled
 * function runs the policy's cleanup and e-mails it. Failures and throttling are injected with an SDK
 * middleware on the one call concerned (moto implements the calls; it never fails or throttles them).
 */
import * as cleanupRun from '../../lib/app/cleanup';
import { silentLogger } from '../../lib/log';
import { AwsClients } from '../../lib/aws/clients';
import { MarkTable } from '../../lib/aws/cleanup/mark-table';
import { ensureDeployment, type Deployment } from '../../lib/aws/deployment';
import { Notifier } from '../../lib/aws/notifier';
import { sentMessages } from '../../lib/local/moto';
import { TAGS } from '../../lib/model/tags';
import { parsePolicy } from '../../lib/policy/load';
import { handler } from '../../functions/cleanup';
import { deploy } from '../support/fleet';
import { REGION, useMoto } from '../support/moto';

const POLICY = `
version: 1
cleanup:
  mode: mark
  minAgeDays: { volumes: 0 }
`;

let endpoint: string;
let aws: AwsClients;
let deployment: Deployment;
let address: string;
let volume: string;

/** EC2 clients whose `command` fails the first `times` times with an error named `code`. */
function failing(command: string, code: string, times: number) {
  let failures = 0;
  return (region: string) => {
    const c = new AwsClients({ region });
    void c.ec2().then(({ client }) =>
      client.middlewareStack.add(
        (next, context) => async (args) => {
          if (context.commandName === command && failures < times) {
            failures += 1;
            throw Object.assign(new Error(`${code} injected by the test`), {
              name: code,
              $metadata: { httpStatusCode: code.includes('Throttl') ? 400 : 503 },
            });
          }
          return next(args);
        },
        { step: 'initialize', name: 'injectFailure' },
      ),
    );
    return c;
  };
}

const options = (clients: (region: string) => AwsClients): cleanupRun.CleanupOptions => ({
  policy: parsePolicy(POLICY),
  defaultRegion: REGION,
  now: new Date(),
  dryRun: false,
  notifier: new Notifier(aws, deployment.notifyTopicArn),
  marks: new MarkTable(aws, deployment.stateTable),
  ownTopics: [deployment.alarmTopicArn, deployment.notifyTopicArn],
  log: silentLogger,
  clients,
  sleep: async () => undefined,
});

async function markOf(id: string): Promise<string | undefined> {
  const { client, sdk } = await aws.ec2();
  const out = await client.send(
    new sdk.DescribeTagsCommand({ Filters: [{ Name: 'resource-id', Values: [id] }] }),
  );
  return out.Tags?.find((t) => t.Key === TAGS.deleteAfter)?.Value;
}

beforeAll(async () => {
  endpoint = await useMoto();
  aws = new AwsClients({ region: REGION });
  deployment = await ensureDeployment(aws, 'guards');
  const { client, sdk } = await aws.ec2();
  address = (await client.send(new sdk.AllocateAddressCommand({ Domain: 'vpc' }))).AllocationId!;
  volume = (
    await client.send(
      new sdk.CreateVolumeCommand({ AvailabilityZone: `${REGION}a`, Size: 50, VolumeType: 'gp3' }),
    )
  ).VolumeId!;
});

describe('a scan that fails part-way', () => {
  it('acts on nothing, reports the failure, and still lists what it could judge', async () => {
    const { report } = await cleanupRun.runCleanup(
      options(failing('DescribeVolumesCommand', 'ServiceUnavailable', 99)),
    );
    expect(report.failures).toEqual([
      {
        region: REGION,
        part: 'volumes',
        operation: 'DescribeVolumes',
        error: expect.stringContaining('ServiceUnavailable injected by the test'),
      },
    ]);
    // Elastic IPs do not depend on volumes: listed, but not marked.
    expect(report.findings).toEqual([
      expect.objectContaining({
        category: 'elastic-ip',
        id: address,
        action: 'report',
        detail: 'not acted on: the scan failed part-way',
      }),
    ]);
    expect(await markOf(address)).toBeUndefined();
    expect(await markOf(volume)).toBeUndefined();
    const emails = await sentMessages(endpoint, deployment.notifyTopicArn);
    expect(emails.at(-1)!.subject).toBe(
      '[ec2-autopilot] cleanup: scan FAILED part-way in us-east-1: changed nothing',
    );
    expect(emails.at(-1)!.message).toContain(
      'Failures\n  - us-east-1 volumes: DescribeVolumes failed: ServiceUnavailable',
    );
  });
});

describe('throttling', () => {
  it('is retried with backoff, and the run goes on', async () => {
    const { report, calls } = await cleanupRun.runCleanup(
      options(failing('DescribeAddressesCommand', 'ThrottlingException', 2)),
    );
    expect(report.failures).toEqual([]);
    expect(
      calls.entries().find((c) => c.operation === 'DescribeAddresses' && c.purpose === 'scan'),
    ).toMatchObject({
      calls: 3,
      retries: 2,
    });
    expect(report.findings.map((f) => [f.id, f.action, f.status])).toEqual(
      expect.arrayContaining([
        [volume, 'mark', 'applied'],
        [address, 'mark', 'applied'],
      ]),
    );
    expect(await markOf(address)).toMatch(/^\d{4}-\d{2}-\d{2}$/);
  });

  it('that outlasts the retries is a failed scan', async () => {
    const { report } = await cleanupRun.runCleanup(
      options(failing('DescribeAddressesCommand', 'RequestLimitExceeded', 99)),
    );
    expect(report.failures.map((f) => [f.part, f.operation])).toEqual([['addresses', 'DescribeAddresses']]);
    expect(report.findings.some((f) => f.status)).toBe(false);
  });
});

describe('the scheduled cleanup function', () => {
  it("runs the policy's cleanup in its mode and e-mails it", async () => {
    const env = await deploy(
      `version: 1\ncleanup:\n  mode: report\n  minAgeDays: { volumes: 0 }\n`,
      'scheduled',
    );
    const result = await handler({ source: 'aws.events' }, {
      awsRequestId: 'r',
      functionName: 'cleanup',
    } as never);
    expect(result).toMatchObject({ mode: 'report', regions: [REGION], failures: [], changed: [] });
    expect(result.findings).toBeGreaterThanOrEqual(2);
    const emails = await sentMessages(endpoint, env.deployment.notifyTopicArn);
    expect(emails.map((m) => m.subject)).toEqual([
      expect.stringMatching(/^\[ec2-autopilot\] cleanup: \d+ orphans, \$[\d.]+\/month to save$/),
    ]);
  });
});
