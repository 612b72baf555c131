/**
 * The cleanup benchmark's fleet: per region, orphans of every kind beside resources in use or excluded,
 * about 5,600 resources at scale 1, made with the SDK against that region's moto.
 */
import { AwsClients } from '../lib/aws/clients';
import { chunks, mapLimit } from '../lib/aws/cleanup/calls';
import { otherAccountCredentials } from '../lib/local/accounts';

/** Creates in flight at once while seeding (moto answers a few hundred calls a second). */
const SEED_CONCURRENCY = 12;

/** Per region, how many of each are made; scale multiplies them (BENCH_CLEANUP_SCALE). */
export function plan(scale: number) {
  const n = (x: number) => Math.max(1, Math.round(x * scale));
  return {
    imagesUsed: n(50),
    instancesPerImage: 8,
    stopped: n(100),
    imagesUnused: n(450),
    imagesDeregistered: n(300),
    addressesIdle: n(300),
    addressesUsed: n(200),
    volumesIdle: n(400),
    volumesExcluded: n(300),
    templates: n(100),
    versionsPerTemplate: 5,
    configsUsed: n(100),
    configsIdle: n(100),
    groupsEmpty: n(100),
    alarmsLive: n(500),
    alarmsGone: n(500),
    topicsSubscribed: n(150),
    topicsIdle: n(150),
    subscriptionsOrphaned: n(50),
  };
}

export type Plan = ReturnType<typeof plan>;

export async function seedRegion(region: string, endpoint: string, p: Plan): Promise<void> {
  const aws = new AwsClients({ region, endpoint });
  const { client: ec2, sdk: e } = await aws.ec2();
  const { client: asg, sdk: a } = await aws.autoScaling();
  const { client: cw, sdk: c } = await aws.cloudWatch();
  const { client: sns, sdk: s } = await aws.sns();
  const zone = `${region}a`;
  const times = (count: number) => Array.from({ length: count }, (_, i) => i);
  const each = <T>(count: number, fn: (i: number) => Promise<T>) =>
    mapLimit(times(count), SEED_CONCURRENCY, fn);
  const register = (i: number, prefix: string) =>
    ec2
      .send(
        new e.RegisterImageCommand({
          Name: `${prefix}-${i}`,
          RootDeviceName: '/dev/xvda',
          BlockDeviceMappings: [{ DeviceName: '/dev/xvda', Ebs: { VolumeSize: 8 } }],
        }),
      )
      .then((o) => o.ImageId!);

  // Images in use, with their instances (RunInstances launches several at once); some stopped.
  const used = await each(p.imagesUsed, (i) => register(i, 'used'));
  const instances = (
    await each(used.length, async (i) =>
      (
        await ec2.send(
          new e.RunInstancesCommand({
            ImageId: used[i],
            InstanceType: 't3.micro',
            MinCount: p.instancesPerImage,
            MaxCount: p.instancesPerImage,
            Placement: { AvailabilityZone: zone },
          }),
        )
      ).Instances!.map((x) => x.InstanceId!),
    )
  ).flat();
  for (const batch of chunks(instances.slice(0, p.stopped), 100))
    await ec2.send(new e.StopInstancesCommand({ InstanceIds: batch }));
  await each(p.imagesUnused, (i) => register(i, 'unused'));
  // Registered, then deregistered: their snapshots stay behind, backing nothing.
  await each(p.imagesDeregistered, async (i) =>
    ec2.send(new e.DeregisterImageCommand({ ImageId: await register(i, 'gone') })),
  );

  await each(p.addressesIdle, () => ec2.send(new e.AllocateAddressCommand({ Domain: 'vpc' })));
  await each(p.addressesUsed, async (i) => {
    const { AllocationId } = await ec2.send(new e.AllocateAddressCommand({ Domain: 'vpc' }));
    await ec2.send(
      new e.AssociateAddressCommand({ AllocationId, InstanceId: instances[i % instances.length] }),
    );
  });
  const volume = (tags?: Record<string, string>) =>
    ec2.send(
      new e.CreateVolumeCommand({
        AvailabilityZone: zone,
        Size: 20,
        VolumeType: 'gp3',
        ...(tags
          ? {
              TagSpecifications: [
                {
                  ResourceType: 'volume',
                  Tags: Object.entries(tags).map(([Key, Value]) => ({ Key, Value })),
                },
              ],
            }
          : {}),
      }),
    );
  await each(p.volumesIdle, () => volume());
  await each(p.volumesExcluded, () => volume({ Environment: 'prod' }));

  await each(p.templates, async (i) => {
    const t = await ec2.send(
      new e.CreateLaunchTemplateCommand({
        LaunchTemplateName: `lt-${i}`,
        LaunchTemplateData: { ImageId: used[i % used.length], InstanceType: 't3.micro' },
      }),
    );
    for (let v = 2; v <= p.versionsPerTemplate; v += 1)
      await ec2.send(
        new e.CreateLaunchTemplateVersionCommand({
          LaunchTemplateId: t.LaunchTemplate!.LaunchTemplateId,
          LaunchTemplateData: { ImageId: used[i % used.length], InstanceType: 't3.micro' },
        }),
      );
  });
  const config = (name: string) =>
    asg.send(
      new a.CreateLaunchConfigurationCommand({
        LaunchConfigurationName: name,
        ImageId: used[0],
        InstanceType: 't3.micro',
      }),
    );
  await each(p.configsUsed, async (i) => {
    await config(`lc-used-${i}`);
    // Half of them at 0/0/0 (orphans), half able to grow (kept).
    await asg.send(
      new a.CreateAutoScalingGroupCommand({
        AutoScalingGroupName: `asg-${i}`,
        LaunchConfigurationName: `lc-used-${i}`,
        MinSize: 0,
        MaxSize: i < p.groupsEmpty ? 0 : 2,
        DesiredCapacity: 0,
        AvailabilityZones: [zone],
      }),
    );
  });
  await each(p.configsIdle, (i) => config(`lc-idle-${i}`));

  const alarm = (name: string, instanceId: string) =>
    cw.send(
      new c.PutMetricAlarmCommand({
        AlarmName: name,
        Namespace: 'AWS/EC2',
        MetricName: 'CPUUtilization',
        Statistic: 'Average',
        Period: 60,
        EvaluationPeriods: 5,
        Threshold: 80,
        ComparisonOperator: 'GreaterThanThreshold',
        Dimensions: [{ Name: 'InstanceId', Value: instanceId }],
      }),
    );
  await each(p.alarmsLive, (i) => alarm(`cpu-live-${i}`, instances[i % instances.length]!));
  await each(p.alarmsGone, (i) =>
    alarm(`cpu-gone-${i}`, `i-${(0xdead0000 + i).toString(16).padStart(17, '0')}`),
  );

  await each(p.topicsSubscribed, async (i) => {
    const { TopicArn } = await sns.send(new s.CreateTopicCommand({ Name: `subscribed-${i}` }));
    await sns.send(
      new s.SubscribeCommand({ TopicArn, Protocol: 'email', Endpoint: `team-${i}@example.com` }),
    );
  });
  await each(p.topicsIdle, (i) => sns.send(new s.CreateTopicCommand({ Name: `idle-${i}` })));
  const other = new s.SNSClient({
    region,
    endpoint,
    credentials: await otherAccountCredentials(endpoint, '210987654321'),
  });
  await each(p.subscriptionsOrphaned, async (i) => {
    const { TopicArn } = await other.send(new s.CreateTopicCommand({ Name: `partner-${i}` }));
    await sns.send(new s.SubscribeCommand({ TopicArn, Protocol: 'email', Endpoint: 'ops@example.com' }));
    await other.send(new s.DeleteTopicCommand({ TopicArn }));
  });
}
