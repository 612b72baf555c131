/**
 * The image refresh's account in the local AWS: a golden instance (`Role=golden`) to image, and a group
 * `web-asg` launching from a launch template with full launch data, on `$Default`.
 */
import { call } from '../../lib/aws/call';
import type { AwsClients } from '../../lib/aws/clients';
import { createServer, type Server } from '../../lib/local/fleet';

export interface RefreshFleet {
  golden: Server;
  templateId: string;
  group: string;
}

export const refreshPolicy = (extra = '') => `version: 1
notifications: { emails: [ops@example.com] }
targets:
  - name: web
    autoScalingGroup: web-asg
    imageRefresh:
      from: { instance: { tags: { Role: golden } } }
      keep: 2
      rollout: { minHealthyPercentage: 90, warmupSeconds: 300 }
${extra}`;

export async function refreshFleet(aws: AwsClients): Promise<RefreshFleet> {
  const golden = await createServer(aws, {
    tags: { Name: 'golden', Role: 'golden' },
    instanceType: 't3.micro',
    elasticIp: false,
  });
  const ec2 = await aws.ec2();
  const made = await call('CreateLaunchTemplate', () =>
    ec2.client.send(
      new ec2.sdk.CreateLaunchTemplateCommand({
        LaunchTemplateName: 'web-template',
        LaunchTemplateData: {
          ImageId: golden.imageId,
          InstanceType: 't3.micro',
          SecurityGroupIds: [golden.securityGroupId],
          UserData: Buffer.from('#!/bin/sh\nsystemctl start httpd\n').toString('base64'),
          TagSpecifications: [{ ResourceType: 'instance', Tags: [{ Key: 'Name', Value: 'web' }] }],
        },
      }),
    ),
  );
  const templateId = made.LaunchTemplate!.LaunchTemplateId!;
  const asg = await aws.autoScaling();
  await call('CreateAutoScalingGroup', () =>
    asg.client.send(
      new asg.sdk.CreateAutoScalingGroupCommand({
        AutoScalingGroupName: 'web-asg',
        MinSize: 1,
        MaxSize: 4,
        DesiredCapacity: 2,
        LaunchTemplate: { LaunchTemplateId: templateId, Version: '$Default' },
        VPCZoneIdentifier: golden.subnetId,
      }),
    ),
  );
  return { golden, templateId, group: 'web-asg' };
}

/** The template's default version: its number and image. */
export async function defaultVersion(aws: AwsClients, templateId: string) {
  const ec2 = await aws.ec2();
  const out = await call('DescribeLaunchTemplateVersions', () =>
    ec2.client.send(
      new ec2.sdk.DescribeLaunchTemplateVersionsCommand({
        LaunchTemplateId: templateId,
        Versions: ['$Default'],
      }),
    ),
  );
  const v = out.LaunchTemplateVersions![0]!;
  return { version: v.VersionNumber!, data: v.LaunchTemplateData!, description: v.VersionDescription };
}

/** A legacy group `lc-asg` launching from a launch configuration made from the golden instance's image. */
export async function legacyGroup(
  aws: AwsClients,
  golden: Server,
): Promise<{ group: string; config: string }> {
  const asg = await aws.autoScaling();
  await call('CreateLaunchConfiguration', () =>
    asg.client.send(
      new asg.sdk.CreateLaunchConfigurationCommand({
        LaunchConfigurationName: 'lc-web',
        ImageId: golden.imageId,
        InstanceType: 't3.micro',
        SecurityGroups: [golden.securityGroupId],
      }),
    ),
  );
  await call('CreateAutoScalingGroup', () =>
    asg.client.send(
      new asg.sdk.CreateAutoScalingGroupCommand({
        AutoScalingGroupName: 'lc-asg',
        MinSize: 1,
        MaxSize: 2,
        DesiredCapacity: 1,
        LaunchConfigurationName: 'lc-web',
        VPCZoneIdentifier: golden.subnetId,
      }),
    ),
  );
  return { group: 'lc-asg', config: 'lc-web' };
}

/** The launch configuration a group uses now, and its image. */
export async function groupConfiguration(aws: AwsClients, group: string) {
  const asg = await aws.autoScaling();
  const g = await call('DescribeAutoScalingGroups', () =>
    asg.client.send(new asg.sdk.DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: [group] })),
  );
  const name = g.AutoScalingGroups![0]!.LaunchConfigurationName!;
  const c = await call('DescribeLaunchConfigurations', () =>
    asg.client.send(new asg.sdk.DescribeLaunchConfigurationsCommand({ LaunchConfigurationNames: [name] })),
  );
  return { name, imageId: c.LaunchConfigurations![0]!.ImageId! };
}

/** An empty group (no instance) launching from `launch` (a LaunchTemplate or LaunchConfigurationName). */
export async function emptyGroup(
  aws: AwsClients,
  name: string,
  launch: Record<string, unknown>,
): Promise<string> {
  const asg = await aws.autoScaling();
  await call('CreateAutoScalingGroup', () =>
    asg.client.send(
      new asg.sdk.CreateAutoScalingGroupCommand({
        AutoScalingGroupName: name,
        MinSize: 0,
        MaxSize: 2,
        DesiredCapacity: 0,
        AvailabilityZones: [`${aws.region}a`],
        ...launch,
      }),
    ),
  );
  return name;
}
