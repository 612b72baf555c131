/**
 * Image retention against moto, with the real SDK clients: the "must show". Lineage `web` has six
 * images (web-1 oldest … web-6 newest, made one after another so that their creation dates order them)
 * and `keep: 2`: of the four older ones, web-3 is used by a running instance and web-4 by a launch-template
 * version that is neither the default nor the latest, so only web-1 and web-2 are deregistered and their
 * snapshots deleted. Also: a dry run changes nothing, a running instance refresh retires nothing,
 * `retire: deprecate` deprecates and deletes nothing, `discardImage` leaves no image or snapshot of a
 * failed refresh, and `deregister-image` re-reads every template version and launch configuration.
 *
 * Stubbed, because moto lacks it: EnableImageDeprecation (an SDK middleware on the runtime's EC2 client
 * answers it as AWS does and records the call). Everything else is moto.
 */
import { retireImages, discardImage, type RetentionResult } from '../../lib/app/image-retention';
import { createRuntime, type Runtime } from '../../lib/app/runtime';
import { executeActions } from '../../lib/app/execute';
import { CallLog } from '../../lib/aws/cleanup/calls';
import { FreshReads } from '../../lib/aws/cleanup/fresh';
import { CleanupWrites } from '../../lib/aws/cleanup/writes';
import { AwsClients } from '../../lib/aws/clients';
import { silentLogger } from '../../lib/log';
import type { DeregisterImageAction } from '../../lib/model/action';
import { TAGS } from '../../lib/model/tags';
import { parsePolicy } from '../../lib/policy/load';
import type { AutoScalingTarget } from '../../lib/policy/policy';
import { REGION, useMoto } from '../support/moto';

const POLICY = `
version: 1
targets:
  - name: web
    autoScalingGroup: web-asg
    imageRefresh: { from: { instance: { tags: { Role: golden } } }, keep: 2 }
  - name: api
    autoScalingGroup: api-asg
    imageRefresh: { from: { instance: { tags: { Role: golden } } }, keep: 1 }
  - name: app
    autoScalingGroup: app-asg
    imageRefresh: { from: { instance: { tags: { Role: golden } } }, keep: 1, retire: deprecate }
`;

let aws: AwsClients;
let rt: Runtime;
let source: string;
const deprecations: { ImageId: string; DeprecateAt: Date }[] = [];

const target = (name: string) =>
  rt.policy.targets.find((t): t is AutoScalingTarget => t.name === name && t.kind === 'auto-scaling-group')!;

async function ec2() {
  return aws.ec2();
}

/** A managed image of `lineage` made from the source instance, and the snapshot CreateImage made for it. */
async function makeImage(
  name: string,
  lineage: string,
): Promise<{ id: string; snapshot: string; sizeGiB: number }> {
  const { client, sdk } = await ec2();
  const id = (
    await client.send(
      new sdk.CreateImageCommand({
        InstanceId: source,
        Name: name,
        TagSpecifications: [
          {
            ResourceType: 'image',
            Tags: [
              { Key: TAGS.lineage, Value: lineage },
              { Key: TAGS.managed, Value: 'true' },
            ],
          },
        ],
      }),
    )
  ).ImageId!;
  const image = (await client.send(new sdk.DescribeImagesCommand({ ImageIds: [id] }))).Images![0]!;
  const ebs = image.BlockDeviceMappings![0]!.Ebs!;
  return { id, snapshot: ebs.SnapshotId!, sizeGiB: ebs.VolumeSize! };
}

/** Images one after another: moto stamps CreationDate with the real clock, to the second. */
async function lineage(name: string, count: number) {
  const made = [];
  for (let n = 1; n <= count; n += 1) {
    if (n > 1) await new Promise((r) => setTimeout(r, 1100));
    made.push(await makeImage(`${name}-${n}`, name));
  }
  return made;
}

async function registered(ids: string[]): Promise<string[]> {
  const { client, sdk } = await ec2();
  const out = await client.send(
    new sdk.DescribeImagesCommand({ Owners: ['self'], Filters: [{ Name: 'image-id', Values: ids }] }),
  );
  return (out.Images ?? []).map((i) => i.ImageId!).sort();
}

async function snapshotsLeft(ids: string[]): Promise<string[]> {
  const { client, sdk } = await ec2();
  const out = await client.send(
    new sdk.DescribeSnapshotsCommand({ Filters: [{ Name: 'snapshot-id', Values: ids }] }),
  );
  return (out.Snapshots ?? []).map((s) => s.SnapshotId!).sort();
}

async function imageTags(id: string): Promise<Record<string, string>> {
  const { client, sdk } = await ec2();
  const out = await client.send(new sdk.DescribeImagesCommand({ ImageIds: [id] }));
  return Object.fromEntries((out.Images?.[0]?.Tags ?? []).map((t) => [t.Key!, t.Value!]));
}

beforeAll(async () => {
  await useMoto();
  aws = new AwsClients({ region: REGION });
  rt = createRuntime({ policy: parsePolicy(POLICY), stateTable: 'autopilot-state', log: silentLogger });
  // The runtime's EC2 client is made once and kept, so the stub is in place for every call it sends.
  const { client: runtimeEc2 } = await rt.aws.ec2();
  runtimeEc2.middlewareStack.add(
    (next, context) => async (args) => {
      if (context.commandName !== 'EnableImageDeprecationCommand') return next(args);
      deprecations.push(args.input as { ImageId: string; DeprecateAt: Date });
      return { output: { $metadata: {}, Return: true }, response: {} } as never;
    },
    { step: 'initialize', name: 'stubEnableImageDeprecation' },
  );
  const { client, sdk } = await ec2();
  const base = (
    await client.send(
      new sdk.RegisterImageCommand({
        Name: 'base',
        Architecture: 'x86_64',
        RootDeviceName: '/dev/xvda',
        BlockDeviceMappings: [{ DeviceName: '/dev/xvda', Ebs: { VolumeSize: 8 } }],
      }),
    )
  ).ImageId!;
  source = (
    await client.send(
      new sdk.RunInstancesCommand({
        ImageId: base,
        InstanceType: 't3.micro',
        MinCount: 1,
        MaxCount: 1,
        TagSpecifications: [{ ResourceType: 'instance', Tags: [{ Key: 'Role', Value: 'golden' }] }],
      }),
    )
  ).Instances![0]!.InstanceId!;
}, 30_000);

describe('keep: 2, four older images: the two oldest unused ones go', () => {
  let web: Awaited<ReturnType<typeof makeImage>>[];
  let user: string;
  let dry: RetentionResult;
  let result: RetentionResult;

  beforeAll(async () => {
    web = await lineage('web', 6);
    const { client, sdk } = await ec2();
    user = (
      await client.send(
        new sdk.RunInstancesCommand({
          ImageId: web[2]!.id,
          InstanceType: 't3.micro',
          MinCount: 1,
          MaxCount: 1,
        }),
      )
    ).Instances![0]!.InstanceId!;
    // web-lt: version 1 (default) web-5, version 2 web-4, version 3 (latest) web-6.
    const lt = (
      await client.send(
        new sdk.CreateLaunchTemplateCommand({
          LaunchTemplateName: 'web-lt',
          LaunchTemplateData: { ImageId: web[4]!.id, InstanceType: 't3.micro' },
        }),
      )
    ).LaunchTemplate!.LaunchTemplateId!;
    for (const i of [3, 5])
      await client.send(
        new sdk.CreateLaunchTemplateVersionCommand({
          LaunchTemplateId: lt,
          LaunchTemplateData: { ImageId: web[i]!.id, InstanceType: 't3.micro' },
        }),
      );
    dry = await retireImages(rt, target('web'), { dryRun: true, refreshRunning: false });
    result = await retireImages(rt, target('web'), { dryRun: false, refreshRunning: false });
  }, 60_000);

  it('a dry run plans it and changes nothing', () => {
    expect(dry.dryRun).toBe(true);
    expect(dry.planned.map((a) => `${a.type} ${a.resourceId}`)).toEqual([
      `deregister-image ${web[1]!.id}`,
      `deregister-image ${web[0]!.id}`,
      `delete-snapshot ${web[1]!.snapshot}`,
      `delete-snapshot ${web[0]!.snapshot}`,
    ]);
    expect(dry.executed.map((o) => o.status)).toEqual(['dry-run', 'dry-run', 'dry-run', 'dry-run']);
    expect(dry.savedMonthlyUsd).toBe(0);
  });

  it('deregisters web-1 and web-2 and deletes their snapshots (DescribeImages, DescribeSnapshots)', async () => {
    expect(result.executed.map((o) => [o.action.type, o.status, o.detail])).toEqual([
      ['deregister-image', 'applied', undefined],
      ['deregister-image', 'applied', undefined],
      ['delete-snapshot', 'applied', undefined],
      ['delete-snapshot', 'applied', undefined],
    ]);
    const ids = web.map((w) => w.id);
    expect(await registered(ids)).toEqual(ids.slice(2).sort());
    const snapshots = web.map((w) => w.snapshot);
    expect(await snapshotsLeft(snapshots)).toEqual(snapshots.slice(2).sort());
    expect(result.retiredImageIds.sort()).toEqual([web[0]!.id, web[1]!.id].sort());
    expect(result.deletedSnapshotIds.sort()).toEqual([web[0]!.snapshot, web[1]!.snapshot].sort());
  });

  it('keeps web-3 (a running instance) and web-4 (a non-default version), and says why', () => {
    const why = Object.fromEntries(result.kept.map((k) => [k.id, k.why]));
    expect(why).toEqual({
      [web[5]!.id]: 'one of the newest 2 of lineage web',
      [web[4]!.id]: 'one of the newest 2 of lineage web',
      [web[3]!.id]: 'used by launch template web-lt version 2',
      [web[2]!.id]: `used by instance ${user}`,
    });
  });

  it('leaves no mark on what it kept, and reports the snapshot storage saved', async () => {
    for (const w of web.slice(2)) expect((await imageTags(w.id))[TAGS.deleteAfter]).toBeUndefined();
    // The two snapshots at $0.05/GB-month (moto gives the root volume its default size).
    expect(web[0]!.sizeGiB).toBeGreaterThan(0);
    expect(result.savedMonthlyUsd).toBeCloseTo((web[0]!.sizeGiB + web[1]!.sizeGiB) * 0.05, 2);
  });

  it('finds nothing more to retire on a second run', async () => {
    const again = await retireImages(rt, target('web'), { dryRun: false, refreshRunning: false });
    expect(again.planned).toEqual([]);
    expect(again.kept).toHaveLength(4);
  });
});

describe('while an instance refresh runs on the group', () => {
  it('retires nothing, and says why', async () => {
    const api = await lineage('api', 3);
    const r = await retireImages(rt, target('api'), { dryRun: false, refreshRunning: true });
    expect(r.planned).toEqual([]);
    expect(r.kept.map((k) => k.cause)).toEqual(['newest', 'refresh-running', 'refresh-running']);
    expect(await registered(api.map((a) => a.id))).toHaveLength(3);
    expect(await snapshotsLeft(api.map((a) => a.snapshot))).toHaveLength(3);
  }, 30_000);
});

describe('retire: deprecate', () => {
  it('deprecates the older image (stubbed EnableImageDeprecation) and deletes nothing', async () => {
    const app = await lineage('app', 2);
    const before = rt.now();
    const r = await retireImages(rt, target('app'), { dryRun: false, refreshRunning: false });
    expect(r.executed.map((o) => [o.action.type, o.action.resourceId, o.status])).toEqual([
      ['deprecate-image', app[0]!.id, 'applied'],
    ]);
    expect(deprecations.map((d) => d.ImageId)).toEqual([app[0]!.id]);
    const at = deprecations[0]!.DeprecateAt;
    expect(at.getTime()).toBeGreaterThan(before.getTime());
    expect(at.getUTCSeconds()).toBe(0);
    expect(await registered(app.map((a) => a.id))).toHaveLength(2);
    expect(await snapshotsLeft(app.map((a) => a.snapshot))).toHaveLength(2);
    expect((await imageTags(app[0]!.id))[TAGS.deleteAfter]).toBeUndefined();
    expect(r.savedMonthlyUsd).toBe(0);
  }, 30_000);
});

describe('discardImage, for a failed refresh', () => {
  it('leaves no image and no snapshot behind', async () => {
    const failed = await makeImage('web-failed', 'web');
    const outcomes = await discardImage(rt, failed.id);
    expect(outcomes.map((o) => [o.action.type, o.status])).toEqual([
      ['deregister-image', 'applied'],
      ['delete-snapshot', 'applied'],
    ]);
    expect(await registered([failed.id])).toEqual([]);
    expect(await snapshotsLeft([failed.snapshot])).toEqual([]);
  });

  it('keeps an image something launches from, and says so', async () => {
    const image = await makeImage('web-used', 'web-discard');
    const { client, sdk } = await aws.autoScaling();
    await client.send(
      new sdk.CreateLaunchConfigurationCommand({
        LaunchConfigurationName: 'web-lc',
        ImageId: image.id,
        InstanceType: 't3.micro',
      }),
    );
    const outcomes = await discardImage(rt, image.id);
    expect(outcomes.map((o) => [o.status, o.detail])).toEqual([
      ['dropped', 'kept: used by launch configuration web-lc'],
    ]);
    expect(await registered([image.id])).toEqual([image.id]);
  });

  it('gives no outcome for an image already gone', async () => {
    expect(await discardImage(rt, 'ami-0000000000000000f')).toEqual([]);
  });
});

describe('deregister-image re-reads every template version and launch configuration', () => {
  it('drops a deregistration that a non-default, non-latest version or a configuration took meanwhile', async () => {
    const [byVersion, byConfig, free] = await Promise.all([
      makeImage('race-1', 'race'),
      makeImage('race-2', 'race'),
      makeImage('race-3', 'race'),
    ]);
    const { client, sdk } = await ec2();
    const lt = (
      await client.send(
        new sdk.CreateLaunchTemplateCommand({
          LaunchTemplateName: 'race-lt',
          LaunchTemplateData: { ImageId: free.id, InstanceType: 't3.micro' },
        }),
      )
    ).LaunchTemplate!.LaunchTemplateId!;
    for (const id of [byVersion.id, free.id])
      await client.send(
        new sdk.CreateLaunchTemplateVersionCommand({
          LaunchTemplateId: lt,
          LaunchTemplateData: { ImageId: id, InstanceType: 't3.micro' },
        }),
      );
    // web-lt also exists (other describe), so templates are listed, not guessed.
    const { client: asg, sdk: a } = await aws.autoScaling();
    await asg.send(
      new a.CreateLaunchConfigurationCommand({
        LaunchConfigurationName: 'race-lc',
        ImageId: byConfig.id,
        InstanceType: 't3.micro',
      }),
    );
    // Marked, as cleanup marks them: the mark is what the deregistration re-checks besides use.
    const ids = [byVersion.id, byConfig.id];
    await client.send(
      new sdk.CreateTagsCommand({ Resources: ids, Tags: [{ Key: TAGS.deleteAfter, Value: '2026-01-01' }] }),
    );
    const io = { clients: () => aws, log: new CallLog() };
    const action = (id: string): DeregisterImageAction => ({
      type: 'deregister-image',
      target: 'cleanup',
      region: REGION,
      category: 'image',
      resourceId: id,
      reason: 'test',
    });
    const out = await executeActions(
      ids.map((id) => ({ action: action(id) })),
      {
        ports: { cleanupReads: new FreshReads(io, REGION), cleanupWrites: new CleanupWrites(io, REGION) },
        ctx: { now: () => new Date(), region: REGION },
        log: silentLogger,
        dryRun: false,
        stopOnFailure: false,
        followUps: false,
      },
    );
    expect(out.map((o) => [o.status, o.detail])).toEqual([
      ['dropped', 'no longer an orphan: launch template race-lt version 2 uses it now; kept and unmarked'],
      ['dropped', 'no longer an orphan: launch configuration race-lc uses it now; kept and unmarked'],
    ]);
    expect(await registered(ids)).toEqual([...ids].sort());
    // One batch: one listing each of templates and configurations, one versions listing per template.
    const verify = io.log.entries().filter((c) => c.purpose === 'verify');
    const calls = (op: string) => verify.find((c) => c.operation === op)?.calls;
    expect(calls('DescribeLaunchTemplates')).toBe(1);
    expect(calls('DescribeLaunchConfigurations')).toBe(1);
    expect(calls('DescribeLaunchTemplateVersions')).toBe(2);
  }, 30_000);
});
