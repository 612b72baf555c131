/** Reading EC2 back in integration tests: instances, images, addresses, alarms, as AWS reports them. */
import type { Instance } from '@aws-sdk/client-ec2';
import { call } from '../../lib/aws/call';
import type { AwsClients } from '../../lib/aws/clients';

export async function describeInstance(aws: AwsClients, id: string): Promise<Instance> {
  const { client, sdk } = await aws.ec2();
  const out = await call('DescribeInstances', () =>
    client.send(new sdk.DescribeInstancesCommand({ InstanceIds: [id] })),
  );
  return out.Reservations![0]!.Instances![0]!;
}

export async function instancesTagged(aws: AwsClients, key: string, value?: string): Promise<Instance[]> {
  const { client, sdk } = await aws.ec2();
  const out = await call('DescribeInstances', () =>
    client.send(
      new sdk.DescribeInstancesCommand({
        Filters: [value ? { Name: `tag:${key}`, Values: [value] } : { Name: 'tag-key', Values: [key] }],
      }),
    ),
  );
  return (out.Reservations ?? []).flatMap((r) => r.Instances ?? []);
}

export async function imagesTagged(aws: AwsClients, key: string) {
  const { client, sdk } = await aws.ec2();
  const out = await call('DescribeImages', () =>
    client.send(
      new sdk.DescribeImagesCommand({ Owners: ['self'], Filters: [{ Name: 'tag-key', Values: [key] }] }),
    ),
  );
  return out.Images ?? [];
}

export async function addressHolder(aws: AwsClients, allocationId: string): Promise<string | undefined> {
  const { client, sdk } = await aws.ec2();
  const out = await call('DescribeAddresses', () =>
    client.send(new sdk.DescribeAddressesCommand({ AllocationIds: [allocationId] })),
  );
  return out.Addresses?.[0]?.InstanceId;
}

export async function alarmDimensions(aws: AwsClients, name: string): Promise<Record<string, string>> {
  const { client, sdk } = await aws.cloudWatch();
  const out = await call('DescribeAlarms', () =>
    client.send(new sdk.DescribeAlarmsCommand({ AlarmNames: [name] })),
  );
  return Object.fromEntries((out.MetricAlarms?.[0]?.Dimensions ?? []).map((d) => [d.Name, d.Value]));
}

export const tagsOf = (i: Instance) => Object.fromEntries((i.Tags ?? []).map((t) => [t.Key, t.Value]));
