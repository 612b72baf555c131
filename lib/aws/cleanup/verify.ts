/**
 * Re-verification, just before deleting: the scan may have taken minutes, and a resource's own state
 * can change in seconds (someone attaches the volume, associates the address, launches from the image).
 * Each category re-reads its due resources in as few calls as it can (filters of up to 200 values,
 * name lists of up to 100), and says which are in use again (kept, and unmarked) or already gone.
 */
import { AwsCallError } from '../../errors';
import type { CleanupCategory } from '../../model/cleanup';
import type { Tags } from '../../model/inventory';
import { TAGS } from '../../model/tags';
import { isProtected, parseArn, tagMap } from '../../plan/cleanup/facts';
import type { Change } from '../../plan/cleanup/plan';
import { chunks, mapLimit, send, type CleanupIo } from './calls';
import { LIVE_STATES } from './scan-ec2';
import { groupFacts } from './scan-services';

export interface Verdict {
  /** Resources that are not orphans any more, with why. */
  keep: Map<string, string>;
  /** Resources that no longer exist. */
  gone: Set<string>;
}

type Deletion = Extract<Change, { kind: 'delete' }>;

const FILTER = 200;

/** The checks every tagged kind shares: protected meanwhile, or its mark removed by a person. */
function tagVeto(tags: Tags): string | undefined {
  if (isProtected(tags)) return 'it is protected now (autopilot:protect=true)';
  if (!tags[TAGS.deleteAfter]) return 'its mark was removed';
  return undefined;
}

async function ec2Described<T>(
  io: CleanupIo,
  region: string,
  ids: string[],
  filter: string,
  list: (filters: { Name: string; Values: string[] }[]) => Promise<T[]>,
): Promise<T[]> {
  const out: T[] = [];
  for (const batch of chunks(ids, FILTER)) out.push(...(await list([{ Name: filter, Values: batch }])));
  return out;
}

export async function verify(
  io: CleanupIo,
  region: string,
  category: CleanupCategory,
  due: Deletion[],
): Promise<Verdict> {
  const ids = due.map((d) => d.id);
  const verdict: Verdict = { keep: new Map(), gone: new Set(ids) };
  const found = (id: string, veto?: string) => {
    verdict.gone.delete(id);
    if (veto) verdict.keep.set(id, veto);
  };
  const clients = io.clients(region);
  const v = <T>(operation: string, fn: () => Promise<T>) => send(io, 'verify', category, operation, fn);

  switch (category) {
    case 'elastic-ip': {
      const { client, sdk } = await clients.ec2();
      const stale = new Map(due.map((d) => [d.id, d.detail?.staleInstance]));
      const addresses = await ec2Described(
        io,
        region,
        ids,
        'allocation-id',
        async (Filters) =>
          (await v('DescribeAddresses', () => client.send(new sdk.DescribeAddressesCommand({ Filters }))))
            .Addresses ?? [],
      );
      for (const a of addresses) {
        const holder = a.InstanceId ?? a.NetworkInterfaceId;
        const moved = a.AssociationId && (!a.InstanceId || a.InstanceId !== stale.get(a.AllocationId!));
        found(
          a.AllocationId!,
          tagVeto(tagMap(a.Tags)) ?? (moved ? `it is associated with ${holder} now` : undefined),
        );
      }
      break;
    }
    case 'volume': {
      const { client, sdk } = await clients.ec2();
      const volumes = await ec2Described(
        io,
        region,
        ids,
        'volume-id',
        async (Filters) =>
          (await v('DescribeVolumes', () => client.send(new sdk.DescribeVolumesCommand({ Filters }))))
            .Volumes ?? [],
      );
      for (const vol of volumes) {
        const attached = vol.Attachments?.[0]?.InstanceId;
        found(
          vol.VolumeId!,
          tagVeto(tagMap(vol.Tags)) ??
            (vol.State !== 'available' || attached
              ? `it is ${attached ? `attached to ${attached}` : vol.State} now`
              : undefined),
        );
      }
      break;
    }
    case 'snapshot': {
      const { client, sdk } = await clients.ec2();
      const snapshots = await ec2Described(
        io,
        region,
        ids,
        'snapshot-id',
        async (Filters) =>
          (
            await v('DescribeSnapshots', () =>
              client.send(new sdk.DescribeSnapshotsCommand({ OwnerIds: ['self'], Filters })),
            )
          ).Snapshots ?? [],
      );
      // Every image of the account rather than a `block-device-mapping.snapshot-id` filter: moto answers
      // that filter with HTTP 500, and the listing is a page per 1,000 images.
      const images = [];
      let NextToken: string | undefined;
      do {
        const out = await v('DescribeImages', () =>
          client.send(
            new sdk.DescribeImagesCommand({
              Owners: ['self'],
              IncludeDeprecated: true,
              IncludeDisabled: true,
              MaxResults: 1000,
              NextToken,
            }),
          ),
        );
        images.push(...(out.Images ?? []));
        NextToken = out.NextToken;
      } while (NextToken);
      const backed = new Map<string, string>();
      for (const i of images)
        for (const b of i.BlockDeviceMappings ?? [])
          if (b.Ebs?.SnapshotId) backed.set(b.Ebs.SnapshotId, i.ImageId!);
      for (const s of snapshots) {
        const image = backed.get(s.SnapshotId!);
        found(s.SnapshotId!, tagVeto(tagMap(s.Tags)) ?? (image ? `it backs image ${image} now` : undefined));
      }
      break;
    }
    case 'image': {
      const { client, sdk } = await clients.ec2();
      const images = await ec2Described(
        io,
        region,
        ids,
        'image-id',
        async (Filters) =>
          (
            await v('DescribeImages', () =>
              client.send(new sdk.DescribeImagesCommand({ Owners: ['self'], Filters })),
            )
          ).Images ?? [],
      );
      const users = await ec2Described(
        io,
        region,
        ids,
        'image-id',
        async (Filters) =>
          (
            await v('DescribeInstances', () =>
              client.send(
                new sdk.DescribeInstancesCommand({
                  Filters: [...Filters, { Name: 'instance-state-name', Values: LIVE_STATES }],
                }),
              ),
            )
          ).Reservations?.flatMap((r) => r.Instances ?? []) ?? [],
      );
      const usedBy = new Map(users.map((i) => [i.ImageId!, i.InstanceId!]));
      for (const i of images) {
        const user = usedBy.get(i.ImageId!);
        found(i.ImageId!, tagVeto(tagMap(i.Tags)) ?? (user ? `instance ${user} uses it now` : undefined));
      }
      break;
    }
    case 'instance': {
      const { client, sdk } = await clients.ec2();
      const instances = await ec2Described(
        io,
        region,
        ids,
        'instance-id',
        async (Filters) =>
          (
            await v('DescribeInstances', () => client.send(new sdk.DescribeInstancesCommand({ Filters })))
          ).Reservations?.flatMap((r) => r.Instances ?? []) ?? [],
      );
      for (const i of instances) {
        if (i.State?.Name === 'terminated') continue;
        found(
          i.InstanceId!,
          tagVeto(tagMap(i.Tags)) ?? (i.State?.Name !== 'stopped' ? `it is ${i.State?.Name} now` : undefined),
        );
      }
      break;
    }
    case 'auto-scaling-group': {
      const { client, sdk } = await clients.autoScaling();
      for (const batch of chunks(ids, 50)) {
        const out = await v('DescribeAutoScalingGroups', () =>
          client.send(
            new sdk.DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: batch, MaxRecords: 100 }),
          ),
        );
        for (const g of (out.AutoScalingGroups ?? []).map(groupFacts)) {
          const busy = g.minSize || g.maxSize || g.desiredCapacity || g.instanceIds.length;
          found(
            g.name,
            tagVeto(g.tags) ??
              (busy ? `it is at ${g.minSize}/${g.maxSize}/${g.desiredCapacity} now` : undefined),
          );
        }
      }
      break;
    }
    case 'launch-configuration':
    case 'launch-template':
      await verifyTemplates(io, region, category, due, found);
      break;
    case 'alarm': {
      const { client, sdk } = await clients.cloudWatch();
      const why = new Map(due.map((d) => [d.id, d.detail?.why]));
      for (const batch of chunks(ids, 100)) {
        const out = await v('DescribeAlarms', () =>
          client.send(new sdk.DescribeAlarmsCommand({ AlarmNames: batch, AlarmTypes: ['MetricAlarm'] })),
        );
        for (const a of out.MetricAlarms ?? []) {
          const recovered =
            why.get(a.AlarmName!) === 'insufficient-data' && a.StateValue !== 'INSUFFICIENT_DATA';
          found(a.AlarmName!, recovered ? `it has data again (${a.StateValue})` : undefined);
        }
      }
      break;
    }
    case 'topic': {
      // One listing of the account's subscriptions (100 a page), not one call per topic.
      const { client, sdk } = await clients.sns();
      const subscribed = new Set<string>();
      let NextToken: string | undefined;
      do {
        const out = await v('ListSubscriptions', () =>
          client.send(new sdk.ListSubscriptionsCommand({ NextToken })),
        );
        for (const sub of out.Subscriptions ?? []) if (sub.TopicArn) subscribed.add(sub.TopicArn);
        NextToken = out.NextToken;
      } while (NextToken);
      // A topic deleted meanwhile answers DeleteTopic with success: AWS's DeleteTopic is idempotent.
      for (const id of ids) found(id, subscribed.has(id) ? 'it has a subscription now' : undefined);
      break;
    }
    case 'subscription': {
      await mapLimit(due, 8, async (d) => {
        const topicArn = d.detail?.topicArn ?? '';
        const { client, sdk } = await io.clients(parseArn(topicArn)?.region || region).sns();
        try {
          await v('GetTopicAttributes', () =>
            client.send(new sdk.GetTopicAttributesCommand({ TopicArn: topicArn })),
          );
          found(d.id, 'its topic exists again');
        } catch (error) {
          if (!(error instanceof AwsCallError && /NotFound/.test(error.code))) throw error;
          // The topic is gone; the subscription itself may still be listed, which the delete answers.
          found(d.id);
        }
      });
      break;
    }
  }
  return verdict;
}

/** Launch configurations and template versions: is a group using them now? (AWS keeps no other user.) */
async function verifyTemplates(
  io: CleanupIo,
  region: string,
  category: 'launch-configuration' | 'launch-template',
  due: Deletion[],
  found: (id: string, veto?: string) => void,
): Promise<void> {
  const { client, sdk } = await io.clients(region).autoScaling();
  const groups = [];
  let NextToken: string | undefined;
  do {
    const out = await send(io, 'verify', category, 'DescribeAutoScalingGroups', () =>
      client.send(new sdk.DescribeAutoScalingGroupsCommand({ MaxRecords: 100, NextToken })),
    );
    groups.push(...(out.AutoScalingGroups ?? []).map(groupFacts));
    NextToken = out.NextToken;
  } while (NextToken);
  for (const d of due) {
    const user =
      category === 'launch-configuration'
        ? groups.find((g) => g.launchConfigurationName === d.id)
        : groups.find((g) =>
            g.launchTemplates.some(
              (t) => t.id === d.detail?.launchTemplateId && t.version === d.detail?.version,
            ),
          );
    found(d.id, user ? `group ${user.name} uses it now` : undefined);
  }
}
