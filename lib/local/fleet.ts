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
