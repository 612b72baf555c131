/**
 * The launch data an image refresh copies: a launch-template version's, or a launch configuration's,
 * everything the old one carried with the new image. Pure: the adapter (launch-ops.ts) reads and writes.
 */
import type { CreateLaunchConfigurationType, LaunchConfiguration } from '@aws-sdk/client-auto-scaling';
import type {
  LaunchTemplateBlockDeviceMapping,
  RequestLaunchTemplateData,
  ResponseLaunchTemplateData,
} from '@aws-sdk/client-ec2';

/** Every member of `T` present, undefined where unset: listing them all is what the compiler then checks. */
type EveryMember<T> = { [K in keyof Required<T>]: T[K] | undefined };

const nonEmpty = (s: string | undefined) => (s ? s : undefined);
const nonEmptyList = <T>(list: T[] | undefined) => (list && list.length > 0 ? list : undefined);

/**
 * A template's mapping that names a snapshot of the old image (its root volume, typically) would launch
 * the old disk under the new image: AWS refuses a different snapshot on the root device, and on any other
 * device the new image's own snapshot is what the refresh is for. Those snapshot ids are left out, so the
 * new image supplies the device's snapshot; size, type, IOPS, encryption and the rest stay as they were.
 */
function withoutSnapshots<M extends { Ebs?: { SnapshotId?: string } }>(mapping: M, old: Set<string>): M {
  if (!mapping.Ebs?.SnapshotId || !old.has(mapping.Ebs.SnapshotId)) return mapping;
  const { SnapshotId: _old, ...ebs } = mapping.Ebs;
  return { ...mapping, Ebs: ebs };
}

/** The metadata options without `State` (pending/applied): AWS's report on them, not one of them. */
function withoutState<O extends { State?: unknown }>(options: O): Omit<O, 'State'> {
  const { State: _state, ...rest } = options;
  return rest;
}

/** A range whose Min a request requires: 0 is "no minimum". */
const range = (r: { Min?: number; Max?: number } | undefined) => ({
  Min: r?.Min ?? 0,
  ...(r?.Max !== undefined ? { Max: r.Max } : {}),
});

/**
 * The response's members that requests do not have: AWS reports them, nobody sets them. Any other member
 * the SDK adds to ResponseLaunchTemplateData without adding it to the request fails the typecheck below.
 */
type ResponseOnly = Exclude<keyof ResponseLaunchTemplateData, keyof RequestLaunchTemplateData>;
const _everyResponseMemberIsRequestable: [ResponseOnly] extends [never] ? true : false = true;
void _everyResponseMemberIsRequestable;

/**
 * The request that makes a copy of `data` with `imageId`. Every member of RequestLaunchTemplateData is
 * listed (the type requires it), so a member the SDK adds is a compile error here, not a setting silently
 * lost. The SDK's member names are the same in both shapes — it is the wire names that differ (the
 * describe's `groupSet`, `tagSpecificationSet`, `blockDeviceMappingSet` against the request's
 * `SecurityGroupId.N`, `TagSpecification.N`, `BlockDeviceMapping.N`), and the SDK maps those — so most
 * members pass as they are; the ones converted below carry response-only members, or members a request
 * requires that the response leaves optional.
 */
export function copyLaunchTemplateData(
  data: ResponseLaunchTemplateData,
  imageId: string,
  oldSnapshots: Set<string> = new Set(),
): RequestLaunchTemplateData {
  const request: EveryMember<RequestLaunchTemplateData> = {
    ImageId: imageId,
    InstanceType: data.InstanceType,
    KeyName: data.KeyName,
    SecurityGroupIds: data.SecurityGroupIds,
    SecurityGroups: data.SecurityGroups,
    UserData: data.UserData,
    KernelId: data.KernelId,
    RamDiskId: data.RamDiskId,
    EbsOptimized: data.EbsOptimized,
    // Arn or Name: a request naming both is refused when they disagree, and the Arn says it exactly.
    IamInstanceProfile: data.IamInstanceProfile
      ? data.IamInstanceProfile.Arn
        ? { Arn: data.IamInstanceProfile.Arn }
        : { Name: data.IamInstanceProfile.Name }
      : undefined,
    BlockDeviceMappings: data.BlockDeviceMappings?.map((m: LaunchTemplateBlockDeviceMapping) =>
      withoutSnapshots(m, oldSnapshots),
    ),
    NetworkInterfaces: data.NetworkInterfaces?.map((n) => ({
      ...n,
      // IsPrimaryIpv6 is reported per address; a request says it with the interface's PrimaryIpv6.
      ...(n.Ipv6Addresses
        ? { Ipv6Addresses: n.Ipv6Addresses.map((a) => ({ Ipv6Address: a.Ipv6Address })) }
        : {}),
    })),
    Monitoring: data.Monitoring,
    Placement: data.Placement,
    DisableApiTermination: data.DisableApiTermination,
    DisableApiStop: data.DisableApiStop,
    InstanceInitiatedShutdownBehavior: data.InstanceInitiatedShutdownBehavior,
    TagSpecifications: data.TagSpecifications,
    // The members a request requires are optional in the response: an entry without one cannot be sent
    // (AWS always reports them; these are the types' difference, not AWS's).
    ElasticGpuSpecifications: nonEmptyList(
      data.ElasticGpuSpecifications?.flatMap((g) => (g.Type ? [{ Type: g.Type }] : [])),
    ),
    ElasticInferenceAccelerators: nonEmptyList(
      data.ElasticInferenceAccelerators?.flatMap((a) => (a.Type ? [{ Type: a.Type, Count: a.Count }] : [])),
    ),
    InstanceMarketOptions: data.InstanceMarketOptions,
    CreditSpecification: data.CreditSpecification?.CpuCredits
      ? { CpuCredits: data.CreditSpecification.CpuCredits }
      : undefined,
    CpuOptions: data.CpuOptions,
    CapacityReservationSpecification: data.CapacityReservationSpecification,
    LicenseSpecifications: data.LicenseSpecifications,
    HibernationOptions: data.HibernationOptions,
    MetadataOptions: data.MetadataOptions ? withoutState(data.MetadataOptions) : undefined,
    EnclaveOptions: data.EnclaveOptions,
    // VCpuCount and MemoryMiB (each with its Min) are required in a request; a Min of 0 is "no minimum".
    InstanceRequirements: data.InstanceRequirements
      ? {
          ...data.InstanceRequirements,
          VCpuCount: range(data.InstanceRequirements.VCpuCount),
          MemoryMiB: range(data.InstanceRequirements.MemoryMiB),
        }
      : undefined,
    PrivateDnsNameOptions: data.PrivateDnsNameOptions,
    MaintenanceOptions: data.MaintenanceOptions,
    // Only the principal is requestable; `Managed` and `HiddenByDefault` are AWS's report.
    Operator: data.Operator?.Principal ? { Principal: data.Operator.Principal } : undefined,
    NetworkPerformanceOptions: data.NetworkPerformanceOptions,
    SecondaryInterfaces: data.SecondaryInterfaces,
  };
  return Object.fromEntries(
    Object.entries(request).filter(([, v]) => v !== undefined),
  ) as RequestLaunchTemplateData;
}

/**
 * The request that copies launch configuration `from` as `name` with `imageId`. Every member of
 * CreateLaunchConfigurationType is listed, as above. DescribeLaunchConfigurations reports unset strings
 * as empty ones (KernelId, RamdiskId, KeyName, UserData), which a request must not send; UserData comes
 * back base64-encoded, which is what CreateLaunchConfiguration takes (only command-line tools encode it
 * for you), so it passes unchanged.
 */
export function copyLaunchConfiguration(
  from: LaunchConfiguration,
  name: string,
  imageId: string,
  oldSnapshots: Set<string> = new Set(),
): CreateLaunchConfigurationType {
  const request: EveryMember<CreateLaunchConfigurationType> = {
    LaunchConfigurationName: name,
    ImageId: imageId,
    // Copying from a running instance is what this replaces: the settings come from `from`.
    InstanceId: undefined,
    InstanceType: from.InstanceType,
    KeyName: nonEmpty(from.KeyName),
    SecurityGroups: nonEmptyList(from.SecurityGroups),
    ClassicLinkVPCId: nonEmpty(from.ClassicLinkVPCId),
    ClassicLinkVPCSecurityGroups: nonEmptyList(from.ClassicLinkVPCSecurityGroups),
    UserData: nonEmpty(from.UserData),
    KernelId: nonEmpty(from.KernelId),
    RamdiskId: nonEmpty(from.RamdiskId),
    // NoDevice is reported as false beside an Ebs mapping; only a suppressed device says it.
    BlockDeviceMappings: nonEmptyList(
      from.BlockDeviceMappings?.map((m) => {
        const { NoDevice, ...rest } = withoutSnapshots(m, oldSnapshots);
        return NoDevice ? { ...rest, NoDevice } : rest;
      }),
    ),
    InstanceMonitoring: from.InstanceMonitoring,
    SpotPrice: nonEmpty(from.SpotPrice),
    IamInstanceProfile: nonEmpty(from.IamInstanceProfile),
    EbsOptimized: from.EbsOptimized,
    AssociatePublicIpAddress: from.AssociatePublicIpAddress,
    PlacementTenancy: nonEmpty(from.PlacementTenancy),
    MetadataOptions: from.MetadataOptions,
  };
  return Object.fromEntries(
    Object.entries(request).filter(([, v]) => v !== undefined),
  ) as unknown as CreateLaunchConfigurationType;
}
