/**
 * The launch adapters of the image refresh against moto with the real SDK: what a group launches from,
 * a new launch-template version that carries ALL of its base's launch data with the new image (adopted,
 * not doubled, when the operation runs again or its answer is lost), the default version, and the
 * legacy path: a copied launch configuration, adopted likewise, and AWS's refusal to make one in new
 * accounts (stubbed: exactly CreateLaunchConfiguration, answered as AWS answers such an account).
 */
import type { AutoScalingClient } from '@aws-sdk/client-auto-scaling';
import { ActionFailedError, AwsCallError, LaunchConfigurationsUnavailable } from '../../lib/errors';
import { AwsClients } from '../../lib/aws/clients';
import { copyLaunchConfiguration, copyLaunchTemplateData } from '../../lib/aws/launch-copy';
import { LaunchOps, versionDescription } from '../../lib/aws/launch-ops';
import { startFaultProxy, type FaultProxy } from '../support/fault-proxy';
import { queryError } from '../support/instance-refresh-stub';
import { REGION, useMoto } from '../support/moto';
import { emptyGroup } from '../support/refresh-fleet';

const USER_DATA = Buffer.from('#!/bin/sh\nsystemctl start httpd\n').toString('base64');
const PROFILE = 'arn:aws:iam::123456789012:instance-profile/web';

let aws: AwsClients;
let ops: LaunchOps;
let proxy: FaultProxy;
let n = 0;
const unique = (prefix: string) => `${prefix}-${++n}`;

async function ec2() {
  return aws.ec2();
}

/** An image of moto's (it gives it one root snapshot), and that snapshot. */
async function registerImage(): Promise<{ imageId: string; snapshotId: string; device: string }> {
  const { client, sdk } = await ec2();
  const { ImageId } = await client.send(
    new sdk.RegisterImageCommand({
      Name: unique('golden'),
      Architecture: 'x86_64',
      RootDeviceName: '/dev/xvda',
      BlockDeviceMappings: [{ DeviceName: '/dev/xvda', Ebs: { VolumeSize: 8 } }],
    }),
  );
  const image = (await client.send(new sdk.DescribeImagesCommand({ ImageIds: [ImageId!] }))).Images![0]!;
  const root = image.BlockDeviceMappings![0]!;
  return { imageId: ImageId!, snapshotId: root.Ebs!.SnapshotId!, device: root.DeviceName! };
}

async function securityGroup(): Promise<string> {
  const { client, sdk } = await ec2();
  const vpc = (await client.send(new sdk.DescribeVpcsCommand({}))).Vpcs![0]!;
  const made = await client.send(
    new sdk.CreateSecurityGroupCommand({ GroupName: unique('web'), Description: 'web', VpcId: vpc.VpcId }),
  );
  return made.GroupId!;
}

async function template(name: string, data: Record<string, unknown>): Promise<string> {
  const { client, sdk } = await ec2();
  const made = await client.send(
    new sdk.CreateLaunchTemplateCommand({ LaunchTemplateName: name, LaunchTemplateData: data }),
  );
  return made.LaunchTemplate!.LaunchTemplateId!;
}

async function addVersion(templateId: string, imageId: string): Promise<number> {
  const { client, sdk } = await ec2();
  const made = await client.send(
    new sdk.CreateLaunchTemplateVersionCommand({
      LaunchTemplateId: templateId,
      LaunchTemplateData: { ImageId: imageId, InstanceType: 't3.micro' },
    }),
  );
  return made.LaunchTemplateVersion!.VersionNumber!;
}

async function versionData(templateId: string, version: number) {
  const { client, sdk } = await ec2();
  const out = await client.send(
    new sdk.DescribeLaunchTemplateVersionsCommand({
      LaunchTemplateId: templateId,
      Versions: [String(version)],
    }),
  );
  return out.LaunchTemplateVersions![0]!;
}

async function templateNumbers(templateId: string) {
  const { client, sdk } = await ec2();
  const t = (await client.send(new sdk.DescribeLaunchTemplatesCommand({ LaunchTemplateIds: [templateId] })))
    .LaunchTemplates![0]!;
  return { defaultVersion: t.DefaultVersionNumber, latestVersion: t.LatestVersionNumber };
}

const group = (name: string, launch: Record<string, unknown>) => emptyGroup(aws, name, launch);

async function describeGroup(name: string) {
  const { client, sdk } = await aws.autoScaling();
  return (await client.send(new sdk.DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: [name] })))
    .AutoScalingGroups![0]!;
}

async function launchConfiguration(name: string) {
  const { client, sdk } = await aws.autoScaling();
  return (
    await client.send(new sdk.DescribeLaunchConfigurationsCommand({ LaunchConfigurationNames: [name] }))
  ).LaunchConfigurations?.[0];
}

/** A rich launch configuration, as the seed's "launch configuration from my AMI" would be. */
async function richConfiguration(name: string, imageId: string, sg: string): Promise<void> {
  const { client, sdk } = await aws.autoScaling();
  await client.send(
    new sdk.CreateLaunchConfigurationCommand({
      LaunchConfigurationName: name,
      ImageId: imageId,
      InstanceType: 't3.small',
      KeyName: 'web-key',
      SecurityGroups: [sg],
      UserData: USER_DATA,
      IamInstanceProfile: 'web-profile',
      BlockDeviceMappings: [
        { DeviceName: '/dev/sdf', Ebs: { VolumeSize: 30, VolumeType: 'gp3', DeleteOnTermination: true } },
      ],
      InstanceMonitoring: { Enabled: false },
      MetadataOptions: { HttpTokens: 'required', HttpPutResponseHopLimit: 2, HttpEndpoint: 'enabled' },
      EbsOptimized: true,
      AssociatePublicIpAddress: true,
      SpotPrice: '0.05',
      PlacementTenancy: 'default',
    }),
  );
}

/**
 * Answers the client's `command` with `answer(next, args)` instead of sending it, placed where the SDK
 * parses the answer as it parses AWS's; other commands pass.
 */
function intercept(
  client: AutoScalingClient,
  command: string,
  answer: (next: () => Promise<unknown>) => Promise<unknown>,
): void {
  client.middlewareStack.add(
    (next, context) => async (args) =>
      context.commandName === `${command}Command` ? ((await answer(() => next(args))) as never) : next(args),
    { step: 'deserialize', priority: 'low', name: `intercept${command}` },
  );
}

beforeAll(async () => {
  const endpoint = await useMoto();
  aws = new AwsClients({ region: REGION });
  ops = new LaunchOps(aws);
  proxy = await startFaultProxy(endpoint);
});

afterAll(async () => {
  await proxy.close();
});

describe('groupLaunch', () => {
  let templateId: string;
  let images: string[];

  beforeAll(async () => {
    images = ['ami-00000001', 'ami-00000002', 'ami-00000003'];
    templateId = await template('versions-lt', { ImageId: images[0], InstanceType: 't3.micro' });
    await addVersion(templateId, images[1]!);
    await addVersion(templateId, images[2]!);
    const { client, sdk } = await ec2();
    await client.send(
      new sdk.ModifyLaunchTemplateCommand({ LaunchTemplateId: templateId, DefaultVersion: '2' }),
    );
  });

  it.each([
    ['$Default', 2],
    ['$Latest', 3],
    ['1', 1],
  ])('resolves %s to version %d and reads its image', async (version, resolved) => {
    const name = await group(unique('lt'), {
      LaunchTemplate: { LaunchTemplateId: templateId, Version: version },
    });
    expect(await ops.groupLaunch(name)).toEqual({
      kind: 'launch-template',
      templateId,
      templateName: 'versions-lt',
      version,
      resolvedVersion: resolved,
      defaultVersion: 2,
      latestVersion: 3,
      imageId: images[resolved - 1],
    });
  });

  it('reads a group that names no version as on $Default', async () => {
    const name = await group(unique('lt'), { LaunchTemplate: { LaunchTemplateName: 'versions-lt' } });
    expect(await ops.groupLaunch(name)).toMatchObject({
      version: '$Default',
      resolvedVersion: 2,
      imageId: images[1],
    });
  });

  it('reads a group on a launch configuration', async () => {
    const { client, sdk } = await aws.autoScaling();
    await client.send(
      new sdk.CreateLaunchConfigurationCommand({
        LaunchConfigurationName: 'legacy-lc',
        ImageId: 'ami-0000000a',
        InstanceType: 't3.micro',
      }),
    );
    const name = await group(unique('lc'), { LaunchConfigurationName: 'legacy-lc' });
    expect(await ops.groupLaunch(name)).toEqual({
      kind: 'launch-configuration',
      name: 'legacy-lc',
      imageId: 'ami-0000000a',
    });
  });

  it('says what a MixedInstancesPolicy group launches from, as unsupported', async () => {
    const name = await group(unique('mixed'), {
      MixedInstancesPolicy: {
        LaunchTemplate: {
          LaunchTemplateSpecification: { LaunchTemplateId: templateId, Version: '$Latest' },
          Overrides: [{ InstanceType: 't3.micro' }, { InstanceType: 't3.small' }],
        },
      },
    });
    const launch = await ops.groupLaunch(name);
    expect(launch?.kind).toBe('unsupported');
    expect(launch).toMatchObject({
      detail: expect.stringMatching(/MixedInstancesPolicy.*versions-lt.*\$Latest.*2 instance-type overrides/),
    });
  });

  it('says so when the group names a launch template that is gone', async () => {
    const gone = await template(unique('gone-lt'), { ImageId: 'ami-00000001', InstanceType: 't3.micro' });
    const name = await group(unique('orphan'), { LaunchTemplate: { LaunchTemplateId: gone, Version: '1' } });
    const { client, sdk } = await ec2();
    await client.send(new sdk.DeleteLaunchTemplateCommand({ LaunchTemplateId: gone }));
    expect(await ops.groupLaunch(name)).toEqual({
      kind: 'unsupported',
      detail: `names launch template ${gone}, which does not exist`,
    });
  });

  it('answers undefined for a group that does not exist', async () => {
    expect(await ops.groupLaunch('no-such-group')).toBeUndefined();
  });
});

describe('createTemplateVersion', () => {
  it('copies the FULL launch data of a rich base with the new image, and adopts it on a second call', async () => {
    const sg = await securityGroup();
    const old = await registerImage();
    const fresh = await registerImage();
    const templateId = await template('rich-lt', {
      ImageId: old.imageId,
      InstanceType: 't3.small',
      KeyName: 'web-key',
      UserData: USER_DATA,
      IamInstanceProfile: { Arn: PROFILE },
      BlockDeviceMappings: [
        // The old image's root snapshot, resized: the new version keeps the size, not the old disk.
        { DeviceName: old.device, Ebs: { SnapshotId: old.snapshotId, VolumeSize: 30, VolumeType: 'gp3' } },
        {
          DeviceName: '/dev/sdf',
          Ebs: { VolumeSize: 50, VolumeType: 'gp3', Iops: 3000, Throughput: 125, Encrypted: true },
        },
      ],
      NetworkInterfaces: [
        { DeviceIndex: 0, Groups: [sg], AssociatePublicIpAddress: true, DeleteOnTermination: true },
      ],
      TagSpecifications: [
        { ResourceType: 'instance', Tags: [{ Key: 'Role', Value: 'web' }] },
        { ResourceType: 'volume', Tags: [{ Key: 'Role', Value: 'web' }] },
      ],
      MetadataOptions: { HttpTokens: 'required', HttpPutResponseHopLimit: 2, HttpEndpoint: 'enabled' },
      Monitoring: { Enabled: true },
      EbsOptimized: true,
      CreditSpecification: { CpuCredits: 'unlimited' },
      InstanceInitiatedShutdownBehavior: 'terminate',
    });

    const version = await ops.createTemplateVersion(templateId, 1, fresh.imageId, 'web-2027-01-01');
    expect(version).toBe(2);
    const made = await versionData(templateId, version);
    expect(made.VersionDescription).toBe('ec2-autopilot refresh web-2027-01-01');
    expect(made.LaunchTemplateData).toEqual({
      ImageId: fresh.imageId,
      InstanceType: 't3.small',
      KeyName: 'web-key',
      UserData: USER_DATA,
      IamInstanceProfile: { Arn: PROFILE },
      BlockDeviceMappings: [
        { DeviceName: old.device, Ebs: { VolumeSize: 30, VolumeType: 'gp3' } },
        {
          DeviceName: '/dev/sdf',
          Ebs: { VolumeSize: 50, VolumeType: 'gp3', Iops: 3000, Throughput: 125, Encrypted: true },
        },
      ],
      NetworkInterfaces: [
        { DeviceIndex: 0, Groups: [sg], AssociatePublicIpAddress: true, DeleteOnTermination: true },
      ],
      TagSpecifications: [
        { ResourceType: 'instance', Tags: [{ Key: 'Role', Value: 'web' }] },
        { ResourceType: 'volume', Tags: [{ Key: 'Role', Value: 'web' }] },
      ],
      MetadataOptions: { HttpTokens: 'required', HttpPutResponseHopLimit: 2, HttpEndpoint: 'enabled' },
      Monitoring: { Enabled: true },
      EbsOptimized: true,
      CreditSpecification: { CpuCredits: 'unlimited' },
      InstanceInitiatedShutdownBehavior: 'terminate',
    });

    // The same operation again (a re-run after a crash): the version it made, not a second one.
    expect(await ops.createTemplateVersion(templateId, 1, fresh.imageId, 'web-2027-01-01')).toBe(2);
    expect(await templateNumbers(templateId)).toEqual({ defaultVersion: 1, latestVersion: 2 });
    // Another operation makes its own.
    expect(await ops.createTemplateVersion(templateId, 2, fresh.imageId, 'web-2027-01-02')).toBe(3);
  });

  it('keeps instance-level security groups and an IAM profile named by name', async () => {
    const sg = await securityGroup();
    const templateId = await template(unique('sg-lt'), {
      ImageId: 'ami-00000001',
      InstanceType: 't3.micro',
      SecurityGroupIds: [sg],
      IamInstanceProfile: { Name: 'web-profile' },
    });
    const version = await ops.createTemplateVersion(templateId, 1, 'ami-00000002', unique('op'));
    expect((await versionData(templateId, version)).LaunchTemplateData).toEqual({
      ImageId: 'ami-00000002',
      InstanceType: 't3.micro',
      SecurityGroupIds: [sg],
      IamInstanceProfile: { Name: 'web-profile' },
    });
  });

  it('makes one version when the answer to its create is lost', async () => {
    const lossy = new LaunchOps(new AwsClients({ region: REGION, endpoint: proxy.endpoint }));
    const templateId = await template(unique('lossy-lt'), {
      ImageId: 'ami-00000001',
      InstanceType: 't3.micro',
    });
    proxy.rules.push({ operation: 'CreateLaunchTemplateVersion', mode: 'lose-answer' });
    const before = proxy.count('CreateLaunchTemplateVersion');
    const version = await lossy.createTemplateVersion(templateId, 1, 'ami-00000002', 'lost-answer');
    expect(version).toBe(2);
    // Sent once: the retry found the version by its description instead of making another.
    expect(proxy.count('CreateLaunchTemplateVersion') - before).toBe(1);
    expect(await templateNumbers(templateId)).toEqual({ defaultVersion: 1, latestVersion: 2 });
  });

  it('refuses to adopt a version of its operation that carries another image', async () => {
    const templateId = await template(unique('clash-lt'), {
      ImageId: 'ami-00000001',
      InstanceType: 't3.micro',
    });
    await ops.createTemplateVersion(templateId, 1, 'ami-00000002', 'clash');
    await expect(ops.createTemplateVersion(templateId, 1, 'ami-00000003', 'clash')).rejects.toBeInstanceOf(
      ActionFailedError,
    );
    expect((await templateNumbers(templateId)).latestVersion).toBe(2);
  });

  it('fails on a base version that does not exist', async () => {
    const templateId = await template(unique('short-lt'), {
      ImageId: 'ami-00000001',
      InstanceType: 't3.micro',
    });
    // AWS (and moto) answer InvalidLaunchTemplateId.VersionNotFound; an empty answer says "no version 7".
    await expect(ops.createTemplateVersion(templateId, 7, 'ami-00000002', unique('op'))).rejects.toThrow(
      /version 7/,
    );
    expect((await templateNumbers(templateId)).latestVersion).toBe(1);
  });

  it('keeps a description within AWS limit of 255 characters, unique per operation', () => {
    const long = 'x'.repeat(300);
    expect(versionDescription(long)).toHaveLength(255);
    expect(versionDescription(long)).not.toBe(versionDescription(`${long}y`));
  });
});

describe('default version and pinned groups', () => {
  it('setDefaultVersion makes the new version what a $Default group launches', async () => {
    const templateId = await template(unique('default-lt'), {
      ImageId: 'ami-00000001',
      InstanceType: 't3.micro',
    });
    const name = await group(unique('default'), {
      LaunchTemplate: { LaunchTemplateId: templateId, Version: '$Default' },
    });
    const version = await ops.createTemplateVersion(templateId, 1, 'ami-00000002', unique('op'));
    await ops.setDefaultVersion(templateId, version);
    expect(await templateNumbers(templateId)).toEqual({ defaultVersion: 2, latestVersion: 2 });
    expect(await ops.groupLaunch(name)).toMatchObject({ resolvedVersion: 2, imageId: 'ami-00000002' });
    // Idempotent: setting it again changes nothing.
    await ops.setDefaultVersion(templateId, version);
    expect((await templateNumbers(templateId)).defaultVersion).toBe(2);
  });

  it('useTemplateVersion moves a group that pins a number to the new version', async () => {
    const templateId = await template(unique('pinned-lt'), {
      ImageId: 'ami-00000001',
      InstanceType: 't3.micro',
    });
    const name = await group(unique('pinned'), {
      LaunchTemplate: { LaunchTemplateId: templateId, Version: '1' },
    });
    const version = await ops.createTemplateVersion(templateId, 1, 'ami-00000002', unique('op'));
    await ops.useTemplateVersion(name, templateId, String(version));
    expect((await describeGroup(name)).LaunchTemplate).toMatchObject({
      LaunchTemplateId: templateId,
      Version: '2',
    });
    expect(await ops.groupLaunch(name)).toMatchObject({
      version: '2',
      resolvedVersion: 2,
      imageId: 'ami-00000002',
    });
  });
});

describe('createLaunchConfiguration', () => {
  it('copies every setting of the old configuration with the new image, and adopts it on a second call', async () => {
    const sg = await securityGroup();
    await richConfiguration('web-lc-1', 'ami-0000000b', sg);
    const counted = new LaunchOps(new AwsClients({ region: REGION, endpoint: proxy.endpoint }));
    const before = proxy.count('CreateLaunchConfiguration');
    await counted.createLaunchConfiguration('web-lc-1', 'web-lc-2', 'ami-0000000c');
    const copy = await launchConfiguration('web-lc-2');
    expect(copy).toMatchObject({
      LaunchConfigurationName: 'web-lc-2',
      ImageId: 'ami-0000000c',
      InstanceType: 't3.small',
      KeyName: 'web-key',
      SecurityGroups: [sg],
      // Base64 as DescribeLaunchConfigurations returned it, which is what CreateLaunchConfiguration takes.
      UserData: USER_DATA,
      IamInstanceProfile: 'web-profile',
      BlockDeviceMappings: [
        { DeviceName: '/dev/sdf', Ebs: { VolumeSize: 30, VolumeType: 'gp3', DeleteOnTermination: true } },
      ],
      InstanceMonitoring: { Enabled: false },
      MetadataOptions: { HttpTokens: 'required', HttpPutResponseHopLimit: 2, HttpEndpoint: 'enabled' },
      EbsOptimized: true,
      AssociatePublicIpAddress: true,
      SpotPrice: '0.05',
    });
    // moto keeps no PlacementTenancy, so its copy is checked on the pure conversion below.
    expect(Buffer.from(copy!.UserData!, 'base64').toString()).toBe('#!/bin/sh\nsystemctl start httpd\n');
    // Again (moto would accept a duplicate name; AWS would not): adopted, nothing sent.
    await counted.createLaunchConfiguration('web-lc-1', 'web-lc-2', 'ami-0000000c');
    expect(proxy.count('CreateLaunchConfiguration') - before).toBe(1);
  });

  it('adopts the configuration when the answer to its create is lost', async () => {
    await richConfiguration('lost-lc-1', 'ami-0000000b', await securityGroup());
    const lossy = new LaunchOps(new AwsClients({ region: REGION, endpoint: proxy.endpoint }));
    proxy.rules.push({ operation: 'CreateLaunchConfiguration', mode: 'lose-answer' });
    const before = proxy.count('CreateLaunchConfiguration');
    await lossy.createLaunchConfiguration('lost-lc-1', 'lost-lc-2', 'ami-0000000c');
    expect(proxy.count('CreateLaunchConfiguration') - before).toBe(1);
    expect((await launchConfiguration('lost-lc-2'))?.ImageId).toBe('ami-0000000c');
  });

  it('adopts the configuration when AWS answers AlreadyExists (its own create landed first)', async () => {
    await richConfiguration('race-lc-1', 'ami-0000000b', await securityGroup());
    const racing = new AwsClients({ region: REGION });
    // Stubbed: exactly CreateLaunchConfiguration's answer. The request reaches moto (which makes the
    // configuration) and the answer is AWS's to a name already taken.
    intercept((await racing.autoScaling()).client, 'CreateLaunchConfiguration', async (send) => {
      await send();
      return queryError('AlreadyExists', 'Launch Configuration by this name already exists - race-lc-2');
    });
    await new LaunchOps(racing).createLaunchConfiguration('race-lc-1', 'race-lc-2', 'ami-0000000c');
    expect((await launchConfiguration('race-lc-2'))?.ImageId).toBe('ami-0000000c');
  });

  it('says that the account cannot make launch configurations, and how to migrate the group', async () => {
    await richConfiguration('refused-lc-1', 'ami-0000000b', await securityGroup());
    const refused = new AwsClients({ region: REGION });
    let sent = 0;
    // Stubbed: exactly CreateLaunchConfiguration, answered as AWS answers an account created since
    // October 2024 (Auto Scaling's error code UnsupportedOperation, HTTP 400).
    intercept((await refused.autoScaling()).client, 'CreateLaunchConfiguration', async () => {
      sent += 1;
      return queryError(
        'UnsupportedOperation',
        'The Launch Configuration creation operation is not available in your account. Use launch templates to create configuration templates for your Auto Scaling groups.',
      );
    });
    const error = await new LaunchOps(refused)
      .createLaunchConfiguration('refused-lc-1', 'refused-lc-2', 'ami-0000000c')
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LaunchConfigurationsUnavailable);
    const e = error as LaunchConfigurationsUnavailable;
    expect(e.name).toBe('LaunchConfigurationsUnavailable');
    expect(e.retryable).toBe(false);
    expect(e.launchConfiguration).toBe('refused-lc-1');
    expect(e.message).toMatch(/does not let this account create launch configurations/);
    expect(e.message).toMatch(/Copy to launch template/);
    expect(e.message).toMatch(/UpdateAutoScalingGroup with LaunchTemplate/);
    expect(e.cause).toBeInstanceOf(AwsCallError);
    expect((e.cause as AwsCallError).code).toBe('UnsupportedOperation');
    // Not retried: a refusal of the account does not pass.
    expect(sent).toBe(1);
    expect(await launchConfiguration('refused-lc-2')).toBeUndefined();
  });

  it('fails on a configuration to copy that does not exist', async () => {
    await expect(
      ops.createLaunchConfiguration('no-such-lc', 'copy-lc', 'ami-0000000c'),
    ).rejects.toBeInstanceOf(ActionFailedError);
  });

  it('useLaunchConfiguration switches the group to the copy', async () => {
    await richConfiguration('switch-lc-1', 'ami-0000000b', await securityGroup());
    const name = await group(unique('switch'), { LaunchConfigurationName: 'switch-lc-1' });
    await ops.createLaunchConfiguration('switch-lc-1', 'switch-lc-2', 'ami-0000000c');
    await ops.useLaunchConfiguration(name, 'switch-lc-2');
    expect((await describeGroup(name)).LaunchConfigurationName).toBe('switch-lc-2');
    expect(await ops.groupLaunch(name)).toEqual({
      kind: 'launch-configuration',
      name: 'switch-lc-2',
      imageId: 'ami-0000000c',
    });
  });
});

/**
 * The conversions on shapes moto does not round-trip: AWS reports members a request must not send
 * (or reports required members as optional), and a few settings moto drops.
 */
describe('the copies, member by member, on what AWS reports', () => {
  it('launch template data: response-only members left out, required ones filled, the rest kept', () => {
    const copy = copyLaunchTemplateData(
      {
        ImageId: 'ami-old',
        InstanceType: 'm7g.large',
        MetadataOptions: {
          State: 'applied',
          HttpTokens: 'required',
          HttpPutResponseHopLimit: 1,
          HttpEndpoint: 'enabled',
          InstanceMetadataTags: 'enabled',
        },
        NetworkInterfaces: [
          {
            DeviceIndex: 0,
            Groups: ['sg-1'],
            Ipv6Addresses: [{ Ipv6Address: '2001:db8::1', IsPrimaryIpv6: true }],
            PrimaryIpv6: true,
          },
        ],
        Operator: { Managed: true, Principal: 'ec2.amazonaws.com', HiddenByDefault: false },
        ElasticGpuSpecifications: [{ Type: 'eg1.medium' }, {}],
        CreditSpecification: {},
        InstanceRequirements: {
          VCpuCount: { Max: 8 },
          MemoryMiB: { Min: 2048 },
          BurstablePerformance: 'excluded',
        },
        Placement: { Tenancy: 'dedicated', GroupName: 'spread-1' },
        CapacityReservationSpecification: { CapacityReservationPreference: 'open' },
        InstanceMarketOptions: { MarketType: 'spot', SpotOptions: { MaxPrice: '0.05' } },
        BlockDeviceMappings: [
          { DeviceName: '/dev/xvda', Ebs: { SnapshotId: 'snap-old', VolumeSize: 20 } },
          { DeviceName: '/dev/sdg', Ebs: { SnapshotId: 'snap-data' } },
        ],
      },
      'ami-new',
      new Set(['snap-old']),
    );
    expect(copy).toStrictEqual({
      ImageId: 'ami-new',
      InstanceType: 'm7g.large',
      MetadataOptions: {
        HttpTokens: 'required',
        HttpPutResponseHopLimit: 1,
        HttpEndpoint: 'enabled',
        InstanceMetadataTags: 'enabled',
      },
      NetworkInterfaces: [
        {
          DeviceIndex: 0,
          Groups: ['sg-1'],
          Ipv6Addresses: [{ Ipv6Address: '2001:db8::1' }],
          PrimaryIpv6: true,
        },
      ],
      Operator: { Principal: 'ec2.amazonaws.com' },
      ElasticGpuSpecifications: [{ Type: 'eg1.medium' }],
      InstanceRequirements: {
        VCpuCount: { Min: 0, Max: 8 },
        MemoryMiB: { Min: 2048 },
        BurstablePerformance: 'excluded',
      },
      Placement: { Tenancy: 'dedicated', GroupName: 'spread-1' },
      CapacityReservationSpecification: { CapacityReservationPreference: 'open' },
      InstanceMarketOptions: { MarketType: 'spot', SpotOptions: { MaxPrice: '0.05' } },
      // The old image's snapshot goes (the new image supplies the root); another snapshot stays.
      BlockDeviceMappings: [
        { DeviceName: '/dev/xvda', Ebs: { VolumeSize: 20 } },
        { DeviceName: '/dev/sdg', Ebs: { SnapshotId: 'snap-data' } },
      ],
    });
  });

  it('launch configuration: empty strings AWS reports for unset settings are not sent; tenancy is', () => {
    const copy = copyLaunchConfiguration(
      {
        LaunchConfigurationName: 'old',
        ImageId: 'ami-old',
        InstanceType: 'c5.large',
        KeyName: '',
        KernelId: '',
        RamdiskId: '',
        UserData: '',
        SecurityGroups: [],
        ClassicLinkVPCSecurityGroups: [],
        PlacementTenancy: 'dedicated',
        BlockDeviceMappings: [
          { DeviceName: '/dev/sdf', Ebs: { VolumeSize: 10 }, NoDevice: false },
          { DeviceName: '/dev/sdg', NoDevice: true },
        ],
        CreatedTime: new Date(),
        LaunchConfigurationARN: 'arn:aws:autoscaling:us-east-1:123456789012:launchConfiguration:x',
      },
      'new',
      'ami-new',
    );
    expect(copy).toStrictEqual({
      LaunchConfigurationName: 'new',
      ImageId: 'ami-new',
      InstanceType: 'c5.large',
      PlacementTenancy: 'dedicated',
      BlockDeviceMappings: [
        { DeviceName: '/dev/sdf', Ebs: { VolumeSize: 10 } },
        { DeviceName: '/dev/sdg', NoDevice: true },
      ],
    });
  });
});
