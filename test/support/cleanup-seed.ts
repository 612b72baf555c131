/**
 * A seeded account for the cleanup tests: one orphan of each kind and, beside each, look-alikes that
 * are in use, protected (`autopilot:protect=true`), excluded (by tag, id or name pattern) or too young.
 * Everything goes through the real SDK clients against moto.
 *
 * Age: moto stamps resources with the real clock, so "old" and "too young" are two phases a few
 * seconds apart, and the tests put the injected `now` between them (see `youngSince`).
 */
import { AwsClients } from '../../lib/aws/clients';
import type { CleanupCategory } from '../../lib/model/cleanup';
import { TAGS } from '../../lib/model/tags';
import { createGroup } from '../../lib/local/fleet';
import { PROD, PROTECT, seedTopicsAndAlarms, tags } from './cleanup-seed-alarms';

const ZONE = 'us-east-1a';

export interface Seeded {
  /** The orphans that are not protected: reported, marked, then deleted. */
  orphans: Record<CleanupCategory, string[]>;
  /** Orphans carrying `autopilot:protect=true`: listed as protected, never changed. */
  protectedOrphans: Record<string, CleanupCategory>;
  /** Look-alikes that must stay untouched, with why. */
  kept: { category: CleanupCategory; id: string; why: string }[];
  /** Ids the policy excludes (not known before seeding). */
  excludedIds: string[];
  /** The running instance others are attached to, and the orphans a test puts back into use. */
  runningInstance: string;
  reuseVolume: string;
  raceAddress: string;
  /** The real time at which the young look-alikes started to be created. */
  youngSince: number;
}

export async function seedAccount(aws: AwsClients, endpoint: string): Promise<Seeded> {
  const { client: ec2, sdk: e } = await aws.ec2();
  const { client: asg, sdk: a } = await aws.autoScaling();
  const orphans = {} as Record<CleanupCategory, string[]>;
  const orphan = (category: CleanupCategory, id: string) => (orphans[category] ??= []).push(id);
  const protectedOrphans: Record<string, CleanupCategory> = {};
  const kept: Seeded['kept'] = [];
  const keep = (category: CleanupCategory, id: string, why: string) => kept.push({ category, id, why });

  const base = (
    await ec2.send(
      new e.RegisterImageCommand({
        Name: 'base',
        Architecture: 'x86_64',
        RootDeviceName: '/dev/xvda',
        BlockDeviceMappings: [{ DeviceName: '/dev/xvda', Ebs: { VolumeSize: 8 } }],
      }),
    )
  ).ImageId!;
  const run = async (opts: { image?: string; name?: string; t?: Record<string, string> } = {}) =>
    (
      await ec2.send(
        new e.RunInstancesCommand({
          ImageId: opts.image ?? base,
          InstanceType: 't3.micro',
          MinCount: 1,
          MaxCount: 1,
          Placement: { AvailabilityZone: ZONE },
          ...(opts.name || opts.t
            ? {
                TagSpecifications: [
                  {
                    ResourceType: 'instance',
                    Tags: tags({ ...(opts.name ? { Name: opts.name } : {}), ...opts.t }),
                  },
                ],
              }
            : {}),
        }),
      )
    ).Instances![0]!.InstanceId!;
  const stopped = async (opts: Parameters<typeof run>[0]) => {
    const id = await run(opts);
    await ec2.send(new e.StopInstancesCommand({ InstanceIds: [id] }));
    return id;
  };
  const running = await run({ name: 'web-1' });
  keep('instance', running, 'running');
  const gone = await run({ name: 'gone' });
  await ec2.send(new e.TerminateInstancesCommand({ InstanceIds: [gone] }));

  // Elastic IPs
  const allocate = async (t?: Record<string, string>) =>
    (
      await ec2.send(
        new e.AllocateAddressCommand({
          Domain: 'vpc',
          ...(t ? { TagSpecifications: [{ ResourceType: 'elastic-ip', Tags: tags(t) }] } : {}),
        }),
      )
    ).AllocationId!;
  const associate = (AllocationId: string, InstanceId: string) =>
    ec2.send(new e.AssociateAddressCommand({ AllocationId, InstanceId }));
  orphan('elastic-ip', await allocate());
  const raceAddress = await allocate();
  orphan('elastic-ip', raceAddress);
  const onTerminated = await allocate();
  const holder = await run();
  await associate(onTerminated, holder);
  // moto keeps this association after the termination; AWS would have removed it.
  await ec2.send(new e.TerminateInstancesCommand({ InstanceIds: [holder] }));
  orphan('elastic-ip', onTerminated);
  const usedAddress = await allocate();
  await associate(usedAddress, running);
  keep('elastic-ip', usedAddress, 'associated');
  protectedOrphans[await allocate(PROTECT)] = 'elastic-ip';
  keep('elastic-ip', await allocate(PROD), 'excluded by tag');

  // Volumes
  const volume = async (size: number, type: 'gp3' | 'gp2', t?: Record<string, string>) =>
    (
      await ec2.send(
        new e.CreateVolumeCommand({
          AvailabilityZone: ZONE,
          Size: size,
          VolumeType: type,
          ...(t ? { TagSpecifications: [{ ResourceType: 'volume', Tags: tags(t) }] } : {}),
        }),
      )
    ).VolumeId!;
  orphan('volume', await volume(10, 'gp3'));
  const reuseVolume = await volume(20, 'gp2');
  orphan('volume', reuseVolume);
  const attached = await volume(30, 'gp3');
  await ec2.send(new e.AttachVolumeCommand({ VolumeId: attached, InstanceId: running, Device: '/dev/sdf' }));
  keep('volume', attached, 'attached');
  protectedOrphans[await volume(5, 'gp3', PROTECT)] = 'volume';
  keep('volume', await volume(5, 'gp3', { Name: 'keep-data' }), 'excluded by name');

  // Snapshots
  const snapshot = async (VolumeId: string, t?: Record<string, string>) =>
    (
      await ec2.send(
        new e.CreateSnapshotCommand({
          VolumeId,
          ...(t ? { TagSpecifications: [{ ResourceType: 'snapshot', Tags: tags(t) }] } : {}),
        }),
      )
    ).SnapshotId!;
  const ofDeletedVolume = async (t?: Record<string, string>) => {
    const v = await volume(8, 'gp3');
    const id = await snapshot(v, t);
    await ec2.send(new e.DeleteVolumeCommand({ VolumeId: v }));
    return id;
  };
  orphan('snapshot', await ofDeletedVolume());
  keep('snapshot', await snapshot(attached), 'backup of a volume that exists');
  protectedOrphans[await ofDeletedVolume(PROTECT)] = 'snapshot';
  const excludedSnapshot = await ofDeletedVolume();
  keep('snapshot', excludedSnapshot, 'excluded by id');

  // Images (each CreateImage also makes one snapshot, which backs it)
  const image = async (Name: string, t?: Record<string, string>) =>
    (
      await ec2.send(
        new e.CreateImageCommand({
          InstanceId: running,
          Name,
          ...(t ? { TagSpecifications: [{ ResourceType: 'image', Tags: tags(t) }] } : {}),
        }),
      )
    ).ImageId!;
  const goneImage = await image('deregistered');
  const goneImageSnapshot = (await ec2.send(new e.DescribeImagesCommand({ ImageIds: [goneImage] })))
    .Images![0]!.BlockDeviceMappings![0]!.Ebs!.SnapshotId!;
  await ec2.send(new e.DeregisterImageCommand({ ImageId: goneImage }));
  orphan('snapshot', goneImageSnapshot);
  const unused = await image('unused');
  orphan('image', unused);
  keep(
    'snapshot',
    (await ec2.send(new e.DescribeImagesCommand({ ImageIds: [unused] }))).Images![0]!.BlockDeviceMappings![0]!
      .Ebs!.SnapshotId!,
    'backs an image',
  );
  const forStopped = await image('for-stopped');
  keep('image', forStopped, 'used by a stopped instance');
  const forTemplate = await image('for-template');
  keep('image', forTemplate, 'used by a launch template outside any group');
  const forConfig = await image('for-config');
  keep('image', forConfig, 'used by a launch configuration');
  protectedOrphans[await image('protected', PROTECT)] = 'image';
  keep('image', await image('keep-golden'), 'excluded by name');
  const shared = await image('shared');
  await ec2.send(
    new e.ModifyImageAttributeCommand({
      ImageId: shared,
      LaunchPermission: { Add: [{ UserId: '111122223333' }] },
    }),
  );
  keep('image', shared, 'shared with another account');
  keep('image', await image('api-1', { [TAGS.lineage]: 'api' }), 'newest of its lineage');
  orphan('image', await image('web-1', { [TAGS.lineage]: 'web' }));

  // Launch templates and their versions
  const template = async (name: string, versions: number, t?: Record<string, string>) => {
    const created = await ec2.send(
      new e.CreateLaunchTemplateCommand({
        LaunchTemplateName: name,
        LaunchTemplateData: { ImageId: base, InstanceType: 't3.micro' },
        ...(t ? { TagSpecifications: [{ ResourceType: 'launch-template', Tags: tags(t) }] } : {}),
      }),
    );
    const id = created.LaunchTemplate!.LaunchTemplateId!;
    for (let v = 2; v <= versions; v += 1)
      await ec2.send(
        new e.CreateLaunchTemplateVersionCommand({
          LaunchTemplateId: id,
          LaunchTemplateData: { ImageId: base, InstanceType: 't3.micro' },
        }),
      );
    return id;
  };
  const app = await template('app-lt', 5);
  await asg.send(
    new a.CreateAutoScalingGroupCommand({
      AutoScalingGroupName: 'app-asg',
      MinSize: 1,
      MaxSize: 1,
      DesiredCapacity: 1,
      LaunchTemplate: { LaunchTemplateId: app, Version: '3' },
      AvailabilityZones: [ZONE],
    }),
  );
  await ec2.send(
    new e.RunInstancesCommand({
      LaunchTemplate: { LaunchTemplateId: app, Version: '4' },
      MinCount: 1,
      MaxCount: 1,
    }),
  );
  orphan('launch-template', `${app}:2`);
  keep('launch-template', `${app}:3`, 'used by a group');
  keep('launch-template', `${app}:4`, 'used by an instance');
  protectedOrphans[`${await template('prot-lt', 3, PROTECT)}:2`] = 'launch-template';
  keep('launch-template', `${await template('keep-lt', 3)}:2`, 'excluded by name');
  await ec2.send(
    new e.CreateLaunchTemplateCommand({
      LaunchTemplateName: 'free-lt',
      LaunchTemplateData: { ImageId: forTemplate, InstanceType: 't3.micro' },
    }),
  );

  // Launch configurations and groups (the policy's web-asg, from a template)
  await createGroup(aws, { name: 'web-asg', min: 1, max: 5, desired: 1 });
  const config = (LaunchConfigurationName: string, ImageId = base) =>
    asg.send(
      new a.CreateLaunchConfigurationCommand({ LaunchConfigurationName, ImageId, InstanceType: 't3.micro' }),
    );
  await config('lc-orphan', forConfig);
  orphan('launch-configuration', 'lc-orphan');
  await config('lc-used');
  keep('launch-configuration', 'lc-used', 'used by a group');
  await config('keep-lc');
  keep('launch-configuration', 'keep-lc', 'excluded by name');
  const emptyGroup = (name: string, t?: Record<string, string>) =>
    asg.send(
      new a.CreateAutoScalingGroupCommand({
        AutoScalingGroupName: name,
        LaunchConfigurationName: 'lc-used',
        MinSize: 0,
        MaxSize: 0,
        DesiredCapacity: 0,
        AvailabilityZones: [ZONE],
        ...(t
          ? { Tags: Object.entries(t).map(([Key, Value]) => ({ Key, Value, PropagateAtLaunch: false })) }
          : {}),
      }),
    );
  await emptyGroup('zero-asg');
  orphan('auto-scaling-group', 'zero-asg');
  await emptyGroup('sched-asg');
  await asg.send(
    new a.PutScheduledUpdateGroupActionCommand({
      AutoScalingGroupName: 'sched-asg',
      ScheduledActionName: 'mornings',
      Recurrence: '0 7 * * *',
      MinSize: 1,
      MaxSize: 1,
      DesiredCapacity: 1,
    }),
  );
  keep('auto-scaling-group', 'sched-asg', 'scheduled to scale up');
  await emptyGroup('prot-asg', PROTECT);
  protectedOrphans['prot-asg'] = 'auto-scaling-group';
  await emptyGroup('excl-asg', PROD);
  keep('auto-scaling-group', 'excl-asg', 'excluded by tag');
  keep('auto-scaling-group', 'web-asg', 'running');

  // Stopped instances (opt-in, terminate: true in the test policy)
  orphan('instance', await stopped({ name: 'old-box' }));
  protectedOrphans[await stopped({ t: PROTECT })] = 'instance';
  keep('instance', await stopped({ image: forStopped, t: PROD }), 'excluded by tag');

  const { excludedSubscription, alarm } = await seedTopicsAndAlarms(
    aws,
    endpoint,
    { orphan, keep, protect: (category, id) => (protectedOrphans[id] = category) },
    { running, gone },
  );

  // Too young: a few seconds later, so an injected clock can sit between the two phases.
  await new Promise((r) => setTimeout(r, 2500));
  const youngSince = Date.now();
  keep('volume', await volume(4, 'gp3'), 'too young');
  keep('snapshot', await ofDeletedVolume(), 'too young');
  for (const n of [2, 3, 4])
    keep('image', await image(`web-${n}`, { [TAGS.lineage]: 'web' }), 'newest of its lineage');
  keep('image', await image('young'), 'too young');
  keep('launch-template', `${await template('young-lt', 3)}:2`, 'too young');
  await config('lc-young');
  keep('launch-configuration', 'lc-young', 'too young');
  await emptyGroup('young-asg');
  keep('auto-scaling-group', 'young-asg', 'too young');
  keep('instance', await stopped({ name: 'young-box' }), 'too young');
  await alarm('cpu-young', { InstanceId: gone });
  keep('alarm', 'cpu-young', 'too young');

  return {
    orphans,
    protectedOrphans,
    kept,
    excludedIds: [excludedSnapshot, excludedSubscription],
    runningInstance: running,
    reuseVolume,
    raceAddress,
    youngSince,
  };
}

/** The test policy: the block, with one minimum age for every category (so one clock fits all). */
export function cleanupPolicy(seeded: Pick<Seeded, 'excludedIds'>, mode = 'report'): string {
  return `
version: 1
notifications:
  emails: [ops@example.com]
targets:
  - name: web
    autoScalingGroup: web-asg
    scaleOut: { when: { metric: CPUUtilization, above: 70, forMinutes: 5 }, add: 2 }
cleanup:
  schedule: rate(1 day)
  mode: ${mode}
  graceDays: 7
  maxDeletionsPerRun: 50
  minAgeDays: { volumes: 7, snapshots: 7, images: 7, launchConfigurations: 7, launchTemplateVersions: 7, alarms: 7, autoScalingGroups: 7, instances: 7 }
  exclude:
    tags: { Environment: prod }
    ids: [${seeded.excludedIds.join(', ')}]
    names: ['keep-*']
  categories:
    launchTemplateVersions: { enabled: true }
    instances: { enabled: true, terminate: true }
    images: { keep: 3 }
`;
}

/**
 * Each region's clients, with DeleteLaunchTemplateVersions (an action moto lacks) answered as AWS does;
 * each call is recorded in `deletes`.
 */
export function stubbedClients(
  deletes: { LaunchTemplateId: string; Versions: string[] }[],
): (region: string) => AwsClients {
  const made = new Map<string, AwsClients>();
  return (region) => {
    let c = made.get(region);
    if (c) return c;
    c = new AwsClients({ region });
    made.set(region, c);
    // The client is made once and kept: the middleware is in place before its first command is sent.
    void c.ec2().then(({ client }) =>
      client.middlewareStack.add(
        (next, context) => async (args) => {
          if (context.commandName !== 'DeleteLaunchTemplateVersionsCommand') return next(args);
          const input = args.input as { LaunchTemplateId: string; Versions: string[] };
          deletes.push(input);
          const output = {
            $metadata: {},
            SuccessfullyDeletedLaunchTemplateVersions: input.Versions.map((v) => ({
              LaunchTemplateId: input.LaunchTemplateId,
              VersionNumber: Number(v),
            })),
          };
          return { output, response: {} } as never;
        },
        { step: 'initialize', name: 'stubDeleteLaunchTemplateVersions' },
      ),
    );
    return c;
  };
}
