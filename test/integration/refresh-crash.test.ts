/**
 * Durable image refreshes: for every step of the `refresh-image` state machine, the run is cut right
 * after that step (as a crash of the process running it would), then the same execution is run again
 * from the start. The end must be the one a clean run gives: one image, one new template version (the
 * default), one instance refresh, one e-mail. A lost answer to StartInstanceRefresh adopts the refresh
 * AWS started rather than starting a second.
 *
 * Stubbed, because moto lacks them: StartInstanceRefresh, DescribeInstanceRefreshes and
 * CancelInstanceRefresh (test/support/instance-refresh-stub.ts answers them as AWS does).
 */
import { createRuntime, type Runtime } from '../../lib/app/runtime';
import { call } from '../../lib/aws/call';
import { silentLogger } from '../../lib/log';
import type { RefreshState } from '../../lib/model/refresh-state';
import { parsePolicy } from '../../lib/policy/load';
import type { AutoScalingTarget } from '../../lib/policy/policy';
import { runRefreshLocally } from '../../lib/workflows/local-runner';
import { refreshDeps } from '../../lib/workflows/refresh-starter';
import { OPERATION_TAG } from '../../lib/workflows/resize-steps';
import { deploy } from '../support/fleet';
import { stubInstanceRefresh, type InstanceRefreshStub } from '../support/instance-refresh-stub';
import { useMoto } from '../support/moto';
import { defaultVersion, refreshFleet, refreshPolicy, type RefreshFleet } from '../support/refresh-fleet';

/** Every Task of a successful run, in order. */
const STEPS = [
  'Begin',
  'Lock',
  'Inspect',
  'CreateImage',
  'CheckImage',
  'NewLaunch',
  'StartRefresh',
  'CheckRefresh',
  'Retire',
  'Finish',
];

let rt: Runtime;
let fleet: RefreshFleet;
let stub: InstanceRefreshStub;
const published: string[] = [];

beforeAll(async () => {
  await useMoto();
  // keep: 100, so that one case's retention does not retire another case's image.
  const text = refreshPolicy().replace('keep: 2', 'keep: 100');
  const env = await deploy(text);
  fleet = await refreshFleet(env.aws);
  rt = createRuntime({
    policy: parsePolicy(text),
    stateTable: env.deployment.stateTable,
    notifyTopicArn: env.deployment.notifyTopicArn,
    log: silentLogger,
  });
  stub = stubInstanceRefresh(rt.aws);
  void rt.aws.sns().then(({ client }) =>
    client.middlewareStack.add(
      (next, context) => async (args) => {
        const out = await next(args);
        if (context.commandName === 'PublishCommand')
          published.push((args.input as { Subject: string }).Subject);
        return out;
      },
      { step: 'initialize', name: 'recordPublished' },
    ),
  );
}, 60_000);

const input = (key: string): RefreshState => {
  const target = rt.policy.targets[0] as AutoScalingTarget;
  return {
    key,
    target: 'web',
    region: 'us-east-1',
    autoScalingGroup: 'web-asg',
    policy: target.imageRefresh!,
    reason: 'a test',
    trigger: 'a test',
    startedAt: new Date().toISOString(),
    polls: 0,
  };
};

async function imagesOf(key: string) {
  const ec2 = await rt.aws.ec2();
  const out = await call('DescribeImages', () =>
    ec2.client.send(
      new ec2.sdk.DescribeImagesCommand({
        Owners: ['self'],
        Filters: [{ Name: `tag:${OPERATION_TAG}`, Values: [key] }],
      }),
    ),
  );
  return out.Images ?? [];
}

async function versionsOf(key: string) {
  const ec2 = await rt.aws.ec2();
  const out = await call('DescribeLaunchTemplateVersions', () =>
    ec2.client.send(
      new ec2.sdk.DescribeLaunchTemplateVersionsCommand({ LaunchTemplateId: fleet.templateId }),
    ),
  );
  return (out.LaunchTemplateVersions ?? []).filter((v) => v.VersionDescription?.includes(key));
}

async function expectOneOfEach(key: string, startsBefore: number, mailsBefore: number) {
  const [image, ...more] = await imagesOf(key);
  expect(more).toEqual([]);
  const [version, ...others] = await versionsOf(key);
  expect(others).toEqual([]);
  expect(version!.LaunchTemplateData!.ImageId).toBe(image!.ImageId);
  expect((await defaultVersion(rt.aws, fleet.templateId)).version).toBe(version!.VersionNumber);
  expect(stub.requests.length - startsBefore).toBe(1);
  expect(published.slice(mailsBefore).filter((s) => s.includes('rolled image'))).toHaveLength(1);
}

describe.each(STEPS.slice(0, -1).map((s) => [s]))('cut after %s, then run again from the start', (step) => {
  it('ends with one image, one default template version, one refresh and one e-mail', async () => {
    const key = `crash-after-${step}`;
    const [startsBefore, mailsBefore] = [stub.requests.length, published.length];
    const first = await runRefreshLocally(refreshDeps(rt), input(key), {
      waitMs: 0,
      afterStep: (s) => (s === step ? 'crash' : 'continue'),
    });
    expect(first).toEqual({ status: 'crashed', afterStep: step });
    const again = await runRefreshLocally(refreshDeps(rt), input(key), { waitMs: 0 });
    expect(again.status).toBe('succeeded');
    await expectOneOfEach(key, startsBefore, mailsBefore);
  }, 60_000);
});

it('adopts the refresh AWS started when the answer to StartInstanceRefresh is lost', async () => {
  const key = 'lost-start-answer';
  const [startsBefore, mailsBefore] = [stub.requests.length, published.length];
  const refreshesBefore = stub.refreshes('web-asg').length;
  stub.loseNextStartAnswer();
  const run = await runRefreshLocally(refreshDeps(rt), input(key), { waitMs: 0 });
  expect(run.status).toBe('succeeded');
  // Asked twice (the retry of the lost start is refused as in progress), started once, and adopted.
  expect(stub.requests.length - startsBefore).toBe(2);
  expect(stub.refreshes('web-asg').length - refreshesBefore).toBe(1);
  expect(stub.status(stub.refreshes('web-asg').at(-1)!.id)).toBe('Successful');
  expect(await imagesOf(key)).toHaveLength(1);
  expect(published.slice(mailsBefore).filter((s) => s.includes('rolled image'))).toHaveLength(1);
}, 60_000);
