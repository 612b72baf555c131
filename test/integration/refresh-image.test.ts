/**
 * Image refresh against moto with the real SDK clients, through the `refresh-image` state machine run
 * in this process (the definition AWS runs): a new image of the `Role=golden` instance, a new default
 * version of the group's launch template with the full launch data and the new image, an instance
 * refresh with the policy's preferences, older images retired, one e-mail. A failed image, and a failed
 * rollout, leave the group as it was and no image behind.
 *
 * Stubbed, because moto lacks them: StartInstanceRefresh, DescribeInstanceRefreshes and
 * CancelInstanceRefresh (test/support/instance-refresh-stub.ts answers them as AWS does), and, to make
 * an image fail as AWS images sometimes do, DescribeImages' state of the new image in one test.
 */
import { executeActions, planned } from '../../lib/app/execute';
import { createRuntime, fleetEnv, type Runtime } from '../../lib/app/runtime';
import { call } from '../../lib/aws/call';
import { LaunchOps } from '../../lib/aws/launch-ops';
import { InstanceRefreshes } from '../../lib/aws/instance-refresh';
import { silentLogger } from '../../lib/log';
import type { InstanceRefreshStatus } from '../../lib/model/launch';
import { planImageRefresh } from '../../lib/plan/image-refresh';
import { parsePolicy } from '../../lib/policy/load';
import type { AutoScalingTarget } from '../../lib/policy/policy';
import { localRefreshStarter } from '../../lib/workflows/refresh-starter';
import { OPERATION_TAG } from '../../lib/workflows/resize-steps';
import { deploy, type Deployed } from '../support/fleet';
import { stubInstanceRefresh, type InstanceRefreshStub } from '../support/instance-refresh-stub';
import { useMoto } from '../support/moto';
import {
  defaultVersion,
  groupConfiguration,
  legacyGroup,
  refreshFleet,
  refreshPolicy,
  type RefreshFleet,
} from '../support/refresh-fleet';

interface World {
  /** What was published to SNS, as sent (moto's state dump, which sentMessages reads, fails with a 500
   * once a launch template of a group gets a new default version; so the e-mails are seen at the SDK). */
  published: { subject?: string; message: string }[];
  endpoint: string;
  env: Deployed;
  fleet: RefreshFleet;
  rt: Runtime;
  stub: InstanceRefreshStub;
}

async function world(
  script?: (group: string) => readonly InstanceRefreshStatus[],
  before?: (rt: Runtime) => void,
  policyText = refreshPolicy(),
): Promise<World> {
  const endpoint = await useMoto();
  const env = await deploy(policyText);
  const fleet = await refreshFleet(env.aws);
  const rt = createRuntime({
    policy: parsePolicy(policyText),
    stateTable: env.deployment.stateTable,
    notifyTopicArn: env.deployment.notifyTopicArn,
    alarmTopicArn: env.deployment.alarmTopicArn,
    refreshes: (r) => localRefreshStarter(r, 0),
    log: silentLogger,
  });
  const stub = stubInstanceRefresh(rt.aws, script);
  const published: World['published'] = [];
  void rt.aws.sns().then(({ client }) =>
    client.middlewareStack.add(
      (next, context) => async (args) => {
        const out = await next(args);
        const input = args.input as { Subject?: string; Message: string };
        if (context.commandName === 'PublishCommand')
          published.push({ ...(input.Subject ? { subject: input.Subject } : {}), message: input.Message });
        return out;
      },
      { step: 'initialize', name: 'recordPublished' },
    ),
  );
  before?.(rt);
  return { published, endpoint, env, fleet, rt, stub };
}

/** As `autopilot refresh-image web` does it: plan from fresh reads, then the one executor. */
async function refresh(w: World) {
  const target = w.rt.policy.targets[0] as AutoScalingTarget;
  const launches = new LaunchOps(w.rt.aws);
  const [sources, launch, active] = await Promise.all([
    w.rt.instances.find(target.imageRefresh!.from.instance),
    launches.groupLaunch(target.autoScalingGroup),
    new InstanceRefreshes(w.rt.aws).active(target.autoScalingGroup),
  ]);
  const plan = planImageRefresh({
    target,
    sources,
    launch,
    ...(active ? { active } : {}),
    region: w.rt.aws.region,
  });
  expect(plan.ignored).toBeUndefined();
  const outcomes = await executeActions(
    planned(plan.actions),
    fleetEnv(w.rt, { operationKey: `test-refresh-${Date.now()}`, triggerText: 'a test' }),
  );
  return { plan, outcomes };
}

async function imagesOf(w: World, key: string, value: string) {
  const ec2 = await w.rt.aws.ec2();
  const out = await call('DescribeImages', () =>
    ec2.client.send(
      new ec2.sdk.DescribeImagesCommand({
        Owners: ['self'],
        Filters: [{ Name: `tag:${key}`, Values: [value] }],
      }),
    ),
  );
  return out.Images ?? [];
}

describe('a refresh', () => {
  let w: World;
  let before: Awaited<ReturnType<typeof defaultVersion>>;
  let outcomes: Awaited<ReturnType<typeof refresh>>['outcomes'];

  beforeAll(async () => {
    w = await world();
    before = await defaultVersion(w.rt.aws, w.fleet.templateId);
    ({ outcomes } = await refresh(w));
  }, 60_000);

  it('reports the workflow and its rollout as done', () => {
    expect(outcomes.map((o) => [o.action.type, o.status])).toEqual([
      ['refresh-image', 'applied'],
      ['start-instance-refresh', 'applied'],
    ]);
  });

  it("makes the template's default version launch a new available image of the golden instance", async () => {
    const now = await defaultVersion(w.rt.aws, w.fleet.templateId);
    expect(now.version).toBeGreaterThan(before.version);
    const [image, ...more] = await imagesOf(w, 'autopilot:lineage', 'web');
    expect(more).toEqual([]);
    expect(now.data.ImageId).toBe(image!.ImageId);
    expect(image!.State).toBe('available');
    expect(Object.fromEntries(image!.Tags!.map((t) => [t.Key, t.Value]))).toMatchObject({
      'autopilot:source-instance': w.fleet.golden.instanceId,
      'autopilot:managed': 'true',
    });
    // Its snapshots carry its tags (cleanup and retention tell what they belong to).
    const ec2 = await w.rt.aws.ec2();
    const snapshots = await ec2.client.send(
      new ec2.sdk.DescribeSnapshotsCommand({
        OwnerIds: ['self'],
        Filters: [{ Name: 'tag:autopilot:lineage', Values: ['web'] }],
      }),
    );
    expect(snapshots.Snapshots!.map((x) => x.SnapshotId).sort()).toEqual(
      image!.BlockDeviceMappings!.map((b) => b.Ebs!.SnapshotId).sort(),
    );
    // The full launch data, not only the image.
    expect(now.data).toMatchObject({
      InstanceType: before.data.InstanceType,
      SecurityGroupIds: before.data.SecurityGroupIds,
      UserData: before.data.UserData,
    });
  });

  it("starts one instance refresh with the policy's preferences", () => {
    expect(w.stub.requests).toEqual([
      expect.objectContaining({
        AutoScalingGroupName: 'web-asg',
        Strategy: 'Rolling',
        Preferences: expect.objectContaining({
          MinHealthyPercentage: 90,
          InstanceWarmup: 300,
          SkipMatching: true,
        }),
      }),
    ]);
  });

  it('e-mails the new image and the rollout once', async () => {
    const mails = w.published.filter((m) => m.subject?.includes('rolled image'));
    expect(mails).toHaveLength(1);
    expect(mails[0]!.message).toMatch(/Rollout: instance refresh \S+, Successful/);
    expect(mails[0]!.message).toContain('Old images');
  });
});

describe('a failed image', () => {
  it('leaves no image nor snapshot behind, the group as it was, and e-mails why', async () => {
    const w = await world(undefined, (rt) => {
      // The new image goes to `failed`, as AWS images sometimes do (moto's are available at once).
      void rt.aws.ec2().then(({ client }) =>
        client.middlewareStack.add(
          (next, context) => async (args) => {
            const out = (await next(args)) as { output: { Images?: { State?: string; Tags?: unknown[] }[] } };
            if (context.commandName === 'DescribeImagesCommand')
              for (const i of out.output.Images ?? [])
                if (JSON.stringify(i.Tags ?? []).includes(OPERATION_TAG)) i.State = 'failed';
            return out as never;
          },
          { step: 'initialize', name: 'failNewImage' },
        ),
      );
    });
    const before = await defaultVersion(w.rt.aws, w.fleet.templateId);
    const { outcomes } = await refresh(w);
    expect(outcomes[0]).toMatchObject({ status: 'failed', detail: expect.stringMatching(/is failed/) });
    expect(await defaultVersion(w.rt.aws, w.fleet.templateId)).toEqual(before);
    const made = await imagesOf(w, 'autopilot:lineage', 'web');
    expect(made.filter((i) => i.State !== 'deregistered')).toEqual([]);
    // Its snapshots carried its tags: none is left.
    const ec2 = await w.rt.aws.ec2();
    const snapshots = await ec2.client.send(
      new ec2.sdk.DescribeSnapshotsCommand({
        OwnerIds: ['self'],
        Filters: [{ Name: 'tag:autopilot:lineage', Values: ['web'] }],
      }),
    );
    expect(snapshots.Snapshots).toEqual([]);
    expect(w.stub.requests).toEqual([]);
    const mail = w.published.find((m) => m.subject?.includes('FAILED to refresh'));
    expect(mail!.message).toMatch(/Why it failed\n {2}.*is failed/);
  }, 60_000);
});

describe('a failed rollout', () => {
  it('gives the group its old default version back, keeps the new image and version for inspection, and says so', async () => {
    const w = await world(() => ['Pending', 'InProgress', 'Failed']);
    const before = await defaultVersion(w.rt.aws, w.fleet.templateId);
    const { outcomes } = await refresh(w);
    expect(outcomes[0]).toMatchObject({ status: 'failed', detail: expect.stringMatching(/ended Failed/) });
    expect((await defaultVersion(w.rt.aws, w.fleet.templateId)).version).toBe(before.version);
    const [image, ...more] = await imagesOf(w, 'autopilot:lineage', 'web');
    expect(more).toEqual([]);
    const mail = w.published.find((m) => m.subject?.includes('FAILED to refresh'))!;
    expect(mail.message).toContain(`The new image ${image!.ImageId} and its template version`);
    expect(mail.message).toMatch(/ended Failed/);
  }, 60_000);
});

describe('a group on a launch configuration', () => {
  it('gets a copy with the new image and is switched to it; the refresh leaves out what AWS does not allow', async () => {
    const w = await world(
      undefined,
      undefined,
      refreshPolicy().replace('autoScalingGroup: web-asg', 'autoScalingGroup: lc-asg'),
    );
    const legacy = await legacyGroup(w.rt.aws, w.fleet.golden);
    const before = await groupConfiguration(w.rt.aws, legacy.group);
    const { outcomes } = await refresh(w);
    expect(outcomes.map((o) => o.status)).toEqual(['applied', 'applied']);
    const now = await groupConfiguration(w.rt.aws, legacy.group);
    expect(now.name).not.toBe(before.name);
    expect(now.name.startsWith('lc-web-')).toBe(true);
    const [image] = await imagesOf(w, 'autopilot:lineage', 'web');
    expect(now.imageId).toBe(image!.ImageId);
    const [request] = w.stub.requests;
    expect(request!.AutoScalingGroupName).toBe('lc-asg');
    expect(request!.Preferences).not.toHaveProperty('AutoRollback');
    expect(request!.Preferences).not.toHaveProperty('SkipMatching');
    expect(w.published.find((m) => m.subject?.includes('rolled image'))!.message).toContain(
      `Launch configuration ${now.name} (a copy of lc-web with the new image)`,
    );
  }, 60_000);
});

describe.each<[InstanceRefreshStatus]>([['Cancelled'], ['RollbackSuccessful'], ['RollbackFailed']])(
  'a rollout that ends %s',
  (status) => {
    it('fails the refresh, restores the default version and e-mails the status', async () => {
      const w = await world(() => ['Pending', 'InProgress', status]);
      const before = await defaultVersion(w.rt.aws, w.fleet.templateId);
      const { outcomes } = await refresh(w);
      expect(outcomes[0]).toMatchObject({
        status: 'failed',
        detail: expect.stringContaining(`ended ${status}`),
      });
      expect((await defaultVersion(w.rt.aws, w.fleet.templateId)).version).toBe(before.version);
      expect(w.published.find((m) => m.subject?.includes('FAILED to refresh'))!.message).toContain(
        `ended ${status}`,
      );
    }, 60_000);
  },
);
