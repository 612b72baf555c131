/**
 * Reads instances, their Elastic IPs and instance-type facts: what a resize is planned and checked from.
 */
import type { Address, Instance, InstanceTypeInfo } from '@aws-sdk/client-ec2';
import type { ElasticIp, InstanceFacts, InstanceTypeFacts } from '../model/instance';
import { TAGS } from '../model/tags';
import { call, viaCall } from './call';
import type { AwsClients } from './clients';

export type InstanceSelector = { id: string } | { tags: Record<string, string> };

/** States in which an instance is still someone's server (a stopped instance still is). */
const LIVE_STATES = ['pending', 'running', 'stopping', 'stopped'];

const tagMap = (tags?: { Key?: string; Value?: string }[]) =>
  Object.fromEntries((tags ?? []).filter((t) => t.Key).map((t) => [t.Key!, t.Value ?? '']));

const elasticIp = (a: Address): ElasticIp => ({
  allocationId: a.AllocationId!,
  publicIp: a.PublicIp ?? '',
  ...(a.AssociationId ? { associationId: a.AssociationId } : {}),
  ...(tagMap(a.Tags)[TAGS.managed] === 'true' ? { managed: true } : {}),
});

export function instanceFacts(
  i: Instance,
  extra: { elasticIp?: ElasticIp; autoScalingGroup?: string } = {},
): InstanceFacts {
  const tags = tagMap(i.Tags);
  return {
    id: i.InstanceId ?? '',
    type: i.InstanceType ?? '',
    state: i.State?.Name ?? 'unknown',
    ...(i.Placement?.AvailabilityZone ? { availabilityZone: i.Placement.AvailabilityZone } : {}),
    ...(i.PrivateIpAddress ? { privateIp: i.PrivateIpAddress } : {}),
    ...(i.PublicIpAddress ? { publicIp: i.PublicIpAddress } : {}),
    ...(i.SubnetId ? { subnetId: i.SubnetId } : {}),
    ...(i.VpcId ? { vpcId: i.VpcId } : {}),
    securityGroupIds: (i.SecurityGroups ?? []).map((g) => g.GroupId ?? '').filter(Boolean),
    ...(i.KeyName ? { keyName: i.KeyName } : {}),
    ...(i.IamInstanceProfile?.Arn ? { iamInstanceProfileArn: i.IamInstanceProfile.Arn } : {}),
    ...(i.ImageId ? { imageId: i.ImageId } : {}),
    ...(i.Architecture ? { architecture: i.Architecture } : {}),
    ...(i.VirtualizationType ? { virtualizationType: i.VirtualizationType } : {}),
    ...(i.EnaSupport !== undefined ? { enaSupport: i.EnaSupport } : {}),
    ...(i.RootDeviceType ? { rootDeviceType: i.RootDeviceType } : {}),
    ...(i.RootDeviceName ? { rootDeviceName: i.RootDeviceName } : {}),
    volumeIds: (i.BlockDeviceMappings ?? []).map((b) => b.Ebs?.VolumeId ?? '').filter(Boolean),
    networkInterfaceCount: Math.max(1, i.NetworkInterfaces?.length ?? 1),
    tags,
    ...(i.LaunchTime ? { launchTime: i.LaunchTime.toISOString() } : {}),
    ...extra,
  };
}

export function typeFacts(t: InstanceTypeInfo): InstanceTypeFacts {
  return {
    type: t.InstanceType ?? '',
    architectures: t.ProcessorInfo?.SupportedArchitectures ?? [],
    virtualizationTypes: t.SupportedVirtualizationTypes ?? [],
    ...(t.NetworkInfo?.EnaSupport ? { enaSupport: t.NetworkInfo.EnaSupport } : {}),
    ...(t.EbsInfo?.NvmeSupport ? { nvmeSupport: t.EbsInfo.NvmeSupport } : {}),
    rootDeviceTypes: t.SupportedRootDeviceTypes ?? [],
    ...(t.NetworkInfo?.MaximumNetworkInterfaces !== undefined
      ? { maxNetworkInterfaces: t.NetworkInfo.MaximumNetworkInterfaces }
      : {}),
    ...(t.EbsInfo?.MaximumEbsAttachments !== undefined
      ? { maxEbsAttachments: t.EbsInfo.MaximumEbsAttachments }
      : {}),
    ...(t.VCpuInfo?.DefaultVCpus !== undefined ? { vcpus: t.VCpuInfo.DefaultVCpus } : {}),
    ...(t.MemoryInfo?.SizeInMiB !== undefined ? { memoryMiB: t.MemoryInfo.SizeInMiB } : {}),
  };
}

export class InstancesAdapter {
  constructor(private readonly aws: AwsClients) {}

  private async describe(input: {
    InstanceIds?: string[];
    Filters?: { Name: string; Values: string[] }[];
  }): Promise<Instance[]> {
    const { client, sdk } = await this.aws.ec2();
    const instances: Instance[] = [];
    // MaxResults cannot be combined with InstanceIds.
    const pages = sdk.paginateDescribeInstances(
      { client: viaCall(client, 'DescribeInstances') },
      { ...input, ...(input.InstanceIds ? {} : { MaxResults: 1000 }) },
    );
    for await (const out of pages)
      for (const r of out.Reservations ?? []) instances.push(...(r.Instances ?? []));
    return instances;
  }

  /**
   * The live instances a target names. By tags, an instance this orchestrator already replaced (tagged
   * `autopilot:replaced-by`) or failed over (`autopilot:failed-over-to`) is not the target any more, even
   * though it kept its tags; with `target`, an instance tagged `autopilot:target=<target>` is (a standby
   * that took over), whatever its other tags.
   */
  async find(selector: InstanceSelector, target?: string): Promise<InstanceFacts[]> {
    const state = { Name: 'instance-state-name', Values: LIVE_STATES };
    const byTags = (tags: Record<string, string>) =>
      this.describe({
        Filters: [...Object.entries(tags).map(([k, v]) => ({ Name: `tag:${k}`, Values: [v] })), state],
      });
    const [selected, tagged] = await Promise.all([
      'id' in selector
        ? this.describe({ Filters: [{ Name: 'instance-id', Values: [selector.id] }, state] })
        : byTags(selector.tags),
      target ? byTags({ [TAGS.target]: target }) : Promise.resolve([] as Instance[]),
    ]);
    const seen = new Set<string>();
    const found = [...selected, ...tagged].filter((i) => !seen.has(i.InstanceId!) && seen.add(i.InstanceId!));
    const live = found.filter((i) => LIVE_STATES.includes(i.State?.Name ?? ''));
    const retired = (i: Instance) => {
      const tags = tagMap(i.Tags);
      return tags[TAGS.replacedBy] !== undefined || tags[TAGS.failedOverTo] !== undefined;
    };
    const current = 'id' in selector && !target ? live : live.filter((i) => !retired(i));
    return Promise.all(current.map((i) => this.withExtras(i)));
  }

  async get(id: string): Promise<InstanceFacts | undefined> {
    const [i] = await this.describe({ InstanceIds: [id] }).catch((error: unknown) => {
      if ((error as { code?: string }).code === 'InvalidInstanceID.NotFound') return [] as Instance[];
      throw error;
    });
    return i ? this.withExtras(i) : undefined;
  }

  private async withExtras(i: Instance): Promise<InstanceFacts> {
    const [elasticIp, autoScalingGroup] = await Promise.all([
      this.elasticIpOf(i.InstanceId!),
      this.groupOf(i.InstanceId!),
    ]);
    return instanceFacts(i, {
      ...(elasticIp ? { elasticIp } : {}),
      ...(autoScalingGroup ? { autoScalingGroup } : {}),
    });
  }

  /** The instance's Elastic IP (the first, if several: AWS allows one per network interface). */
  async elasticIpOf(instanceId: string): Promise<ElasticIp | undefined> {
    const { client, sdk } = await this.aws.ec2();
    const out = await call('DescribeAddresses', () =>
      client.send(
        new sdk.DescribeAddressesCommand({ Filters: [{ Name: 'instance-id', Values: [instanceId] }] }),
      ),
    );
    const a = out.Addresses?.find((x) => x.AllocationId);
    return a ? elasticIp(a) : undefined;
  }

  /** Which instance an Elastic IP is on now (undefined: unattached). */
  async addressHolder(allocationId: string): Promise<string | undefined> {
    const { client, sdk } = await this.aws.ec2();
    const out = await call('DescribeAddresses', () =>
      client.send(new sdk.DescribeAddressesCommand({ AllocationIds: [allocationId] })),
    );
    return out.Addresses?.[0]?.InstanceId;
  }

  private async groupOf(instanceId: string): Promise<string | undefined> {
    const { client, sdk } = await this.aws.autoScaling();
    const out = await call('DescribeAutoScalingInstances', () =>
      client.send(new sdk.DescribeAutoScalingInstancesCommand({ InstanceIds: [instanceId] })),
    );
    return out.AutoScalingInstances?.[0]?.AutoScalingGroupName;
  }

  async typeFacts(types: string[]): Promise<Map<string, InstanceTypeFacts>> {
    const { client, sdk } = await this.aws.ec2();
    const unique = [...new Set(types)];
    const out = await call('DescribeInstanceTypes', () =>
      client.send(new sdk.DescribeInstanceTypesCommand({ InstanceTypes: unique as never })),
    ).catch((error: unknown) => {
      // One unknown type fails the whole call: ask one by one so the known ones still answer.
      if ((error as { code?: string }).code !== 'InvalidInstanceType') throw error;
      return undefined;
    });
    if (out) return new Map((out.InstanceTypes ?? []).map((t) => [t.InstanceType ?? '', typeFacts(t)]));
    const facts = new Map<string, InstanceTypeFacts>();
    for (const type of unique) {
      const one = await this.typeFacts([type]).catch(() => new Map<string, InstanceTypeFacts>());
      for (const [k, v] of one) facts.set(k, v);
    }
    return facts;
  }

  async offeredInZone(type: string, zone: string): Promise<boolean> {
    const { client, sdk } = await this.aws.ec2();
    const out = await call('DescribeInstanceTypeOfferings', () =>
      client.send(
        new sdk.DescribeInstanceTypeOfferingsCommand({
          LocationType: 'availability-zone',
          Filters: [
            { Name: 'location', Values: [zone] },
            { Name: 'instance-type', Values: [type] },
          ],
        }),
      ),
    );
    return (out.InstanceTypeOfferings ?? []).some((o) => o.InstanceType === type);
  }

  /** Live instances carrying `key=value` (an operation's own tag), for idempotent launches. */
  async findByTag(key: string, value: string): Promise<InstanceFacts[]> {
    const found = await this.describe({
      Filters: [
        { Name: `tag:${key}`, Values: [value] },
        { Name: 'instance-state-name', Values: LIVE_STATES },
      ],
    });
    return Promise.all(
      found.filter((i) => LIVE_STATES.includes(i.State?.Name ?? '')).map((i) => this.withExtras(i)),
    );
  }

  /** State and status checks (`ok` when both system and instance checks pass). */
  async status(id: string): Promise<{ state: string; checksOk: boolean }> {
    const { client, sdk } = await this.aws.ec2();
    const out = await call('DescribeInstanceStatus', () =>
      client.send(new sdk.DescribeInstanceStatusCommand({ InstanceIds: [id], IncludeAllInstances: true })),
    );
    const s = out.InstanceStatuses?.[0];
    return {
      state: s?.InstanceState?.Name ?? 'unknown',
      checksOk: s?.InstanceStatus?.Status === 'ok' && s?.SystemStatus?.Status === 'ok',
    };
  }

  /** State and each status check's status, as DescribeInstanceStatus says (`ok`, `impaired`, `initializing`…). */
  async health(id: string): Promise<{ state: string; system?: string; instance?: string }> {
    const { client, sdk } = await this.aws.ec2();
    const out = await call('DescribeInstanceStatus', () =>
      client.send(new sdk.DescribeInstanceStatusCommand({ InstanceIds: [id], IncludeAllInstances: true })),
    ).catch((error: unknown) => {
      if ((error as { code?: string }).code === 'InvalidInstanceID.NotFound') return { InstanceStatuses: [] };
      throw error;
    });
    const s = out.InstanceStatuses?.[0];
    return {
      state: s?.InstanceState?.Name ?? 'gone',
      ...(s?.SystemStatus?.Status ? { system: s.SystemStatus.Status } : {}),
      ...(s?.InstanceStatus?.Status ? { instance: s.InstanceStatus.Status } : {}),
    };
  }

  /**
   * The Elastic IP tagged for a target (`autopilot:target`, written when reconcile adopts it), with the
   * instance it is on: found even after AWS disassociated it from a terminated instance.
   */
  async addressOfTarget(target: string): Promise<(ElasticIp & { instanceId?: string }) | undefined> {
    const { client, sdk } = await this.aws.ec2();
    const out = await call('DescribeAddresses', () =>
      client.send(
        new sdk.DescribeAddressesCommand({ Filters: [{ Name: `tag:${TAGS.target}`, Values: [target] }] }),
      ),
    );
    const a = out.Addresses?.find((x) => x.AllocationId);
    return a ? { ...elasticIp(a), ...(a.InstanceId ? { instanceId: a.InstanceId } : {}) } : undefined;
  }

  /** Base64 user data, for the replacement of a blue-green resize. */
  async userData(id: string): Promise<string | undefined> {
    const { client, sdk } = await this.aws.ec2();
    const out = await call('DescribeInstanceAttribute', () =>
      client.send(new sdk.DescribeInstanceAttributeCommand({ InstanceId: id, Attribute: 'userData' })),
    );
    return out.UserData?.Value || undefined;
  }
}
