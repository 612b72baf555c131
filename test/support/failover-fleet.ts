/** A failover target's world in moto: the `wordpress` server with its Elastic IP, images of its lineage, a standby. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { call } from '../../lib/aws/call';
import type { AwsClients } from '../../lib/aws/clients';
import { createServer, type Server } from '../../lib/local/fleet';

export const failoverPolicy = (failover: string, extra = '') => `
version: 1
notifications: { emails: [ops@example.com] }
targets:
  - name: blog
    instance: { tags: { Name: wordpress } }
${extra}    failover:
${failover}
`;

export const WITH_STANDBY = `      standby: { tags: { Name: wordpress-standby } }
      replaceFrom: latest-image
      after: { statusCheckFailedMinutes: 2 }`;
export const NO_STANDBY = `      replaceFrom: latest-image
      after: { statusCheckFailedMinutes: 2 }`;

/** The blog's server (`Name=wordpress`, a t3.small with an Elastic IP), or its standby (`Name=wordpress-standby`). */
export function wordpress(
  aws: AwsClients,
  role: 'server' | 'standby' = 'server',
  options: { instanceType?: string; tags?: Record<string, string> } = {},
): Promise<Server> {
  return createServer(aws, {
    tags: { Name: role === 'server' ? 'wordpress' : 'wordpress-standby', ...options.tags },
    instanceType: options.instanceType ?? 't3.small',
    elasticIp: role === 'server',
  });
}

/** An image of `instanceId` in the target's lineage, as a resize or an image refresh leaves them. */
export async function lineageImage(aws: AwsClients, instanceId: string, name: string): Promise<string> {
  const { client, sdk } = await aws.ec2();
  const out = await call('CreateImage', () =>
    client.send(
      new sdk.CreateImageCommand({
        InstanceId: instanceId,
        Name: name,
        NoReboot: true,
        TagSpecifications: [
          {
            ResourceType: 'image',
            Tags: [
              { Key: 'autopilot:lineage', Value: 'blog' },
              { Key: 'autopilot:managed', Value: 'true' },
            ],
          },
        ],
      }),
    ),
  );
  return out.ImageId!;
}

export async function terminate(aws: AwsClients, id: string): Promise<void> {
  const { client, sdk } = await aws.ec2();
  await call('TerminateInstances', () =>
    client.send(new sdk.TerminateInstancesCommand({ InstanceIds: [id] })),
  );
}

export async function stop(aws: AwsClients, id: string): Promise<void> {
  const { client, sdk } = await aws.ec2();
  await call('StopInstances', () => client.send(new sdk.StopInstancesCommand({ InstanceIds: [id] })));
}

export async function liveInstances(aws: AwsClients): Promise<string[]> {
  const { client, sdk } = await aws.ec2();
  const out = await call('DescribeInstances', () =>
    client.send(
      new sdk.DescribeInstancesCommand({
        Filters: [{ Name: 'instance-state-name', Values: ['pending', 'running'] }],
      }),
    ),
  );
  return (out.Reservations ?? []).flatMap((r) => r.Instances ?? []).map((i) => i.InstanceId!);
}

/** The EventBridge event EC2 sends when an instance changes state, written to a file for `--event`. */
export function stateChangeEvent(instanceId: string, state: string, time = new Date()) {
  const event = {
    version: '0',
    id: `evt-${instanceId}-${state}`,
    'detail-type': 'EC2 Instance State-change Notification',
    source: 'aws.ec2',
    account: '123456789012',
    time: time.toISOString().replace(/\.\d{3}Z$/, 'Z'),
    region: 'us-east-1',
    resources: [`arn:aws:ec2:us-east-1:123456789012:instance/${instanceId}`],
    detail: { 'instance-id': instanceId, state },
  };
  const file = join(mkdtempSync(join(tmpdir(), 'autopilot-event-')), 'event.json');
  writeFileSync(file, JSON.stringify(event));
  return { event, file };
}
