/**
 * The EC2 side of a cleanup scan: bulk describes at the largest page size each call allows, with
 * server-side filters where one narrows the listing, and the few one-by-one lookups the rules ask for.
 */
import type { Address, Image, Instance, Snapshot, Volume } from '@aws-sdk/client-ec2';
import type {
  AddressFacts,
  ImageFacts,
  InstanceRecord,
  LaunchTemplateFacts,
  SnapshotFacts,
  VolumeFacts,
} from '../../model/inventory';
import { tagMap } from '../../model/tags';
import { chunks, mapLimit, paginate, send, type CleanupIo } from './calls';

/** Largest page each describe accepts (EC2 API reference). */
export const PAGE = {
  instances: 1000,
  volumes: 500,
  snapshots: 1000,
  images: 1000,
  launchTemplates: 200,
  launchTemplateVersions: 200,
} as const;

/** States in which an instance is still someone's server: a stopped one still uses its image. */
export const LIVE_STATES = ['pending', 'running', 'shutting-down', 'stopping', 'stopped'];

/** EC2 accepts up to 200 values in one filter. */
const FILTER_VALUES = 200;

const ec2 = (io: CleanupIo, region: string) => io.clients(region).ec2();

export const addressFacts = (a: Address): AddressFacts => ({
  allocationId: a.AllocationId ?? '',
  publicIp: a.PublicIp ?? '',
  ...(a.AssociationId ? { associationId: a.AssociationId } : {}),
  ...(a.InstanceId ? { instanceId: a.InstanceId } : {}),
  ...(a.NetworkInterfaceId ? { networkInterfaceId: a.NetworkInterfaceId } : {}),
  tags: tagMap(a.Tags),
});

export async function describeAddresses(io: CleanupIo, region: string): Promise<AddressFacts[]> {
  const { client, sdk } = await ec2(io, region);
  // DescribeAddresses is not paginated (no paginator): one call returns every address of the region.
  return paginate(
    io,
    region,
    'addresses',
    'DescribeAddresses',
    client,
    async function* (c) {
      yield await c.send(new sdk.DescribeAddressesCommand({}));
    },
    (out) => (out.Addresses ?? []).filter((a) => a.AllocationId).map(addressFacts),
  );
}

export const volumeFacts = (v: Volume): VolumeFacts => ({
  id: v.VolumeId ?? '',
  state: v.State ?? 'unknown',
  sizeGiB: v.Size ?? 0,
  type: v.VolumeType ?? 'gp2',
  ...(v.Iops !== undefined ? { iops: v.Iops } : {}),
  ...(v.Throughput !== undefined ? { throughputMiBps: v.Throughput } : {}),
  ...(v.CreateTime ? { createdAt: v.CreateTime.toISOString() } : {}),
  attachedTo: (v.Attachments ?? []).map((a) => a.InstanceId ?? '').filter(Boolean),
  tags: tagMap(v.Tags),
});

/** Every volume (the snapshot and alarm rules need to know which exist, not only the idle ones). */
export async function describeVolumes(io: CleanupIo, region: string): Promise<VolumeFacts[]> {
  const { client, sdk } = await ec2(io, region);
  return paginate(
    io,
    region,
    'volumes',
    'DescribeVolumes',
    client,
    (c) => sdk.paginateDescribeVolumes({ client: c }, { MaxResults: PAGE.volumes }),
    (out) => (out.Volumes ?? []).map(volumeFacts),
  );
}

export const snapshotFacts = (s: Snapshot): SnapshotFacts => ({
  id: s.SnapshotId ?? '',
  ...(s.VolumeId ? { volumeId: s.VolumeId } : {}),
  sizeGiB: s.VolumeSize ?? 0,
  state: s.State ?? 'unknown',
  ...(s.StorageTier ? { storageTier: s.StorageTier } : {}),
  description: s.Description ?? '',
  ...(s.StartTime ? { startedAt: s.StartTime.toISOString() } : {}),
  ...(s.OwnerId ? { ownerId: s.OwnerId } : {}),
  tags: tagMap(s.Tags),
});

/**
 * This account's snapshots. `OwnerIds: ['self']` is what AWS needs (without it the listing includes
 * every public snapshot); moto ignores it, so the `owner-id` filter says the same when the account is
 * known, and foreign snapshots are dropped here too.
 */
export async function describeSnapshots(
  io: CleanupIo,
  region: string,
  accountId: string | undefined,
): Promise<SnapshotFacts[]> {
  const { client, sdk } = await ec2(io, region);
  const all = await paginate(
    io,
    region,
    'snapshots',
    'DescribeSnapshots',
    client,
    (c) =>
      sdk.paginateDescribeSnapshots(
        { client: c },
        {
          OwnerIds: ['self'],
          ...(accountId ? { Filters: [{ Name: 'owner-id', Values: [accountId] }] } : {}),
          MaxResults: PAGE.snapshots,
        },
      ),
    (out) => (out.Snapshots ?? []).map(snapshotFacts),
  );
  return accountId ? all.filter((s) => !s.ownerId || s.ownerId === accountId) : all;
}

export const imageFacts = (i: Image): ImageFacts => ({
  id: i.ImageId ?? '',
  ...(i.Name ? { name: i.Name } : {}),
  ...(i.CreationDate ? { createdAt: i.CreationDate } : {}),
  state: i.State ?? 'unknown',
  public: i.Public ?? false,
  snapshots: (i.BlockDeviceMappings ?? [])
    .filter((b) => b.Ebs?.SnapshotId)
    .map((b) => ({ id: b.Ebs!.SnapshotId!, sizeGiB: b.Ebs!.VolumeSize ?? 0 })),
  ...(i.OwnerId ? { ownerId: i.OwnerId } : {}),
  tags: tagMap(i.Tags),
});

/**
 * This account's images, deprecated and disabled ones included: a disabled image is still registered
 * and still holds its snapshots.
 */
export async function describeImages(io: CleanupIo, region: string): Promise<ImageFacts[]> {
  const { client, sdk } = await ec2(io, region);
  return paginate(
    io,
    region,
    'images',
    'DescribeImages',
    client,
    (c) =>
      sdk.paginateDescribeImages(
        { client: c },
        { Owners: ['self'], IncludeDeprecated: true, IncludeDisabled: true, MaxResults: PAGE.images },
      ),
    (out) => (out.Images ?? []).map(imageFacts),
  );
}

/** `User initiated (2026-10-01 12:00:00 GMT)` → `2026-10-01T12:00:00Z` (moto writes UTC for GMT). */
export function stoppedAt(reason: string | undefined): string | undefined {
  const m = /\((\d{4}-\d{2}-\d{2}) (\d{2}:\d{2}:\d{2}) (GMT|UTC)\)/.exec(reason ?? '');
  return m ? `${m[1]}T${m[2]}Z` : undefined;
}

export const instanceRecord = (i: Instance): InstanceRecord => {
  const tags = tagMap(i.Tags);
  const templateId = tags['aws:ec2launchtemplate:id'];
  const state = i.State?.Name ?? 'unknown';
  const stopped = state === 'stopped' ? stoppedAt(i.StateTransitionReason) : undefined;
  return {
    id: i.InstanceId ?? '',
    state,
    ...(i.ImageId ? { imageId: i.ImageId } : {}),
    ...(i.LaunchTime ? { launchedAt: i.LaunchTime.toISOString() } : {}),
    ...(stopped ? { stoppedAt: stopped } : {}),
    volumeIds: (i.BlockDeviceMappings ?? []).map((b) => b.Ebs?.VolumeId ?? '').filter(Boolean),
    ...(templateId
      ? { launchTemplate: { id: templateId, version: tags['aws:ec2launchtemplate:version'] ?? '$Default' } }
      : {}),
    tags,
  };
};

/** Instances that are not terminated, and the account that owns them (from their reservations). */
export async function describeInstances(
  io: CleanupIo,
  region: string,
): Promise<{ instances: InstanceRecord[]; accountId?: string }> {
  const { client, sdk } = await ec2(io, region);
  let accountId: string | undefined;
  const instances = await paginate(
    io,
    region,
    'instances',
    'DescribeInstances',
    client,
    (c) =>
      sdk.paginateDescribeInstances(
        { client: c },
        { Filters: [{ Name: 'instance-state-name', Values: LIVE_STATES }], MaxResults: PAGE.instances },
      ),
    (out) => {
      accountId ??= out.Reservations?.find((r) => r.OwnerId)?.OwnerId;
      return (out.Reservations ?? []).flatMap((r) => (r.Instances ?? []).map(instanceRecord));
    },
  );
  return {
    instances: instances.filter((i) => LIVE_STATES.includes(i.state)),
    ...(accountId ? { accountId } : {}),
  };
}

/**
 * Launch templates with every version. Listing all versions takes one call per template (AWS lists only
 * `$Latest`/`$Default` across templates), at most 8 templates at a time.
 */
export async function describeLaunchTemplates(io: CleanupIo, region: string): Promise<LaunchTemplateFacts[]> {
  const { client, sdk } = await ec2(io, region);
  const templates = await paginate(
    io,
    region,
    'launchTemplates',
    'DescribeLaunchTemplates',
    client,
    (c) => sdk.paginateDescribeLaunchTemplates({ client: c }, { MaxResults: PAGE.launchTemplates }),
    (out) => out.LaunchTemplates ?? [],
  );
  return mapLimit(templates, 8, async (t) => {
    const versions = await paginate(
      io,
      region,
      'launchTemplates',
      'DescribeLaunchTemplateVersions',
      client,
      (c) =>
        sdk.paginateDescribeLaunchTemplateVersions(
          { client: c },
          { LaunchTemplateId: t.LaunchTemplateId, MaxResults: PAGE.launchTemplateVersions },
        ),
      (out) => out.LaunchTemplateVersions ?? [],
    );
    return {
      id: t.LaunchTemplateId ?? '',
      name: t.LaunchTemplateName ?? '',
      defaultVersion: t.DefaultVersionNumber ?? 1,
      latestVersion: t.LatestVersionNumber ?? 1,
      versions: versions.map((v) => ({
        number: v.VersionNumber ?? 0,
        ...(v.LaunchTemplateData?.ImageId ? { imageId: v.LaunchTemplateData.ImageId } : {}),
        ...(v.CreateTime ? { createdAt: v.CreateTime.toISOString() } : {}),
      })),
      tags: tagMap(t.Tags),
    };
  });
}

/** The state of instances an address names (`missing` when EC2 no longer knows them). */
export async function instanceStates(
  io: CleanupIo,
  region: string,
  ids: string[],
): Promise<Record<string, string>> {
  const { client, sdk } = await ec2(io, region);
  const states: Record<string, string> = Object.fromEntries(ids.map((id) => [id, 'missing']));
  // A filter, not InstanceIds: one unknown id would fail the whole call.
  for (const batch of chunks(ids, FILTER_VALUES)) {
    const out = await send(io, 'lookup', 'instance-states', 'DescribeInstances', () =>
      client.send(new sdk.DescribeInstancesCommand({ Filters: [{ Name: 'instance-id', Values: batch }] })),
    );
    for (const r of out.Reservations ?? [])
      for (const i of r.Instances ?? []) if (i.InstanceId) states[i.InstanceId] = i.State?.Name ?? 'unknown';
  }
  return states;
}

/** How many accounts, groups or organisations each image is shared with: one call per image. */
export async function imageShares(
  io: CleanupIo,
  region: string,
  ids: string[],
): Promise<Record<string, number>> {
  const { client, sdk } = await ec2(io, region);
  const counts = await mapLimit(ids, 8, async (ImageId) => {
    const out = await send(io, 'lookup', 'image-shares', 'DescribeImageAttribute', () =>
      client.send(new sdk.DescribeImageAttributeCommand({ ImageId, Attribute: 'launchPermission' })),
    );
    return (out.LaunchPermissions ?? []).length;
  });
  return Object.fromEntries(ids.map((id, i) => [id, counts[i]!]));
}
