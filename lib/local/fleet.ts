/**
 * Builds a small fleet in the local AWS for the sandbox and the tests: a launch template and an Auto
 * Scaling group, the seed's "launch configuration from my AMI + group". Goes through the same client
 * factory as the product, so it works against moto or (deliberately) a real account alike.
 */
import { call } from '../aws/call';
import type { AwsClients } from '../aws/clients';

export interface GroupSpec {
  name: string;
  min: number;
  max: number;
  desired: number;
  instanceType?: string;
}

export async function createGroup(aws: AwsClients, spec: GroupSpec): Promise<void> {
  const ec2 = await aws.ec2();
  const template = `${spec.name}-template`;
  await call('CreateLaunchTemplate', () =>
    ec2.client.send(
      new ec2.sdk.CreateLaunchTemplateCommand({
        LaunchTemplateName: template,
        LaunchTemplateData: {
          ImageId: 'ami-0123456789abcdef0',
          InstanceType: (spec.instanceType ?? 't2.micro') as 't2.micro',
        },
      }),
    ),
  );
  const zones = await call('DescribeAvailabilityZones', () =>
    ec2.client.send(new ec2.sdk.DescribeAvailabilityZonesCommand({})),
  );
  const asg = await aws.autoScaling();
  await call('CreateAutoScalingGroup', () =>
    asg.client.send(
      new asg.sdk.CreateAutoScalingGroupCommand({
        AutoScalingGroupName: spec.name,
        MinSize: spec.min,
        MaxSize: spec.max,
        DesiredCapacity: spec.desired,
        LaunchTemplate: { LaunchTemplateName: template, Version: '$Latest' },
        AvailabilityZones: [zones.AvailabilityZones?.[0]?.ZoneName ?? `${aws.region}a`],
      }),
    ),
  );
}

export async function desiredCapacity(aws: AwsClients, name: string): Promise<number | undefined> {
  const asg = await aws.autoScaling();
  const out = await call('DescribeAutoScalingGroups', () =>
    asg.client.send(new asg.sdk.DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: [name] })),
  );
  return out.AutoScalingGroups?.[0]?.DesiredCapacity;
}

export interface ServerSpec {
  tags: Record<string, string>;
  instanceType: string;
  /** Allocate an Elastic IP and associate it (the seed's first step before a scale-up). */
  elasticIp: boolean;
}

export interface Server {
  instanceId: string;
  imageId: string;
  securityGroupId: string;
  subnetId: string;
  allocationId?: string;
  publicIp?: string;
}

/**
 * One web server as the seed builds it: an image of its own, a security group, an instance in the
 * default VPC's first subnet, and (optionally) an Elastic IP on it.
 */
export async function createServer(aws: AwsClients, spec: ServerSpec): Promise<Server> {
  const { client, sdk } = await aws.ec2();
  const image = await call('RegisterImage', () =>
    client.send(
      new sdk.RegisterImageCommand({
        Name: `base-${Date.now()}-${Math.random().toString(36).slice(2, 8)}`,
        Architecture: 'x86_64',
        VirtualizationType: 'hvm',
        RootDeviceName: '/dev/xvda',
        BlockDeviceMappings: [{ DeviceName: '/dev/xvda', Ebs: { VolumeSize: 8, VolumeType: 'gp3' } }],
      }),
    ),
  );
  const subnets = await call('DescribeSubnets', () => client.send(new sdk.DescribeSubnetsCommand({})));
  const subnet = subnets.Subnets!.find((s) => s.DefaultForAz) ?? subnets.Subnets![0]!;
  const group = await call('CreateSecurityGroup', () =>
    client.send(
      new sdk.CreateSecurityGroupCommand({
        GroupName: `web-${Math.random().toString(36).slice(2, 8)}`,
        Description: 'web server',
        VpcId: subnet.VpcId,
      }),
    ),
  );
  const run = await call('RunInstances', () =>
    client.send(
      new sdk.RunInstancesCommand({
        ImageId: image.ImageId,
        InstanceType: spec.instanceType as never,
        MinCount: 1,
        MaxCount: 1,
        SubnetId: subnet.SubnetId,
        SecurityGroupIds: [group.GroupId!],
        UserData: Buffer.from('#!/bin/sh\nsystemctl start httpd\n').toString('base64'),
        TagSpecifications: [
          {
            ResourceType: 'instance',
            Tags: Object.entries(spec.tags).map(([Key, Value]) => ({ Key, Value })),
          },
        ],
      }),
    ),
  );
  const instanceId = run.Instances![0]!.InstanceId!;
  const server: Server = {
    instanceId,
    imageId: image.ImageId!,
    securityGroupId: group.GroupId!,
    subnetId: subnet.SubnetId!,
  };
  if (!spec.elasticIp) return server;
  const address = await call('AllocateAddress', () =>
    client.send(new sdk.AllocateAddressCommand({ Domain: 'vpc' })),
  );
  await call('AssociateAddress', () =>
    client.send(
      new sdk.AssociateAddressCommand({ AllocationId: address.AllocationId, InstanceId: instanceId }),
    ),
  );
  return { ...server, allocationId: address.AllocationId!, publicIp: address.PublicIp! };
}
