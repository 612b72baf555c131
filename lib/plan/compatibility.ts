/**
 * Whether an instance can move to another type, from DescribeInstanceTypes and the instance itself.
 * A refused resize changes nothing, and the reasons go into the e-mail. Pure.
 *
 * Facts an API leaves out (an emulator often does) are not guessed against the user: a check with
 * nothing to check is passed, except where the current type tells the answer (an instance running on
 * a type that supports only x86 is x86, whatever the instance record says).
 */
import type { InstanceFacts, InstanceTypeFacts } from '../model/instance';

export type Strategy = 'in-place' | 'blue-green';

export interface CompatibilityInput {
  instance: InstanceFacts;
  current?: InstanceTypeFacts;
  target?: InstanceTypeFacts;
  /** Whether the target type is offered in the instance's Availability Zone; undefined if unknown. */
  offeredInZone?: boolean;
  strategy: Strategy;
}

export interface Compatibility {
  ok: boolean;
  /** Why the resize is refused; empty when ok. */
  problems: string[];
  /** Worth knowing but not blocking (e.g. a blue-green move onto NVMe storage). */
  notes: string[];
}

/** Architectures the instance runs: its own record, else what its current type allows. */
function instanceArchitectures(instance: InstanceFacts, current?: InstanceTypeFacts): string[] {
  if (instance.architecture) return [instance.architecture];
  return current?.architectures ?? [];
}

export function checkCompatibility({
  instance,
  current,
  target,
  offeredInZone,
  strategy,
}: CompatibilityInput): Compatibility {
  const problems: string[] = [];
  const notes: string[] = [];
  const to = target?.type ?? 'the target type';
  if (!target) {
    problems.push(`${to} is not an instance type AWS knows in this region`);
    return { ok: false, problems, notes };
  }
  const archs = instanceArchitectures(instance, current);
  if (archs.length > 0 && !archs.some((a) => target.architectures.includes(a))) {
    problems.push(
      `${instance.id} runs ${archs.join('/')} but ${to} supports only ${target.architectures.join('/')}: ` +
        `a different architecture needs a different AMI, not a resize`,
    );
  }
  if (
    instance.virtualizationType &&
    target.virtualizationTypes.length > 0 &&
    !target.virtualizationTypes.includes(instance.virtualizationType)
  ) {
    problems.push(
      `${instance.id} uses ${instance.virtualizationType} virtualization, which ${to} does not support`,
    );
  }
  if (target.enaSupport === 'required' && instance.enaSupport !== true) {
    problems.push(`${to} requires ENA (enhanced networking), which is not enabled on ${instance.id}`);
  }
  if (instance.rootDeviceType && instance.rootDeviceType !== 'ebs') {
    problems.push(
      `${instance.id} boots from an instance-store root volume, which cannot be resized or imaged`,
    );
  }
  if (
    target.maxNetworkInterfaces !== undefined &&
    instance.networkInterfaceCount > target.maxNetworkInterfaces
  ) {
    problems.push(
      `${instance.id} has ${instance.networkInterfaceCount} network interfaces; ${to} allows ${target.maxNetworkInterfaces}`,
    );
  }
  if (target.maxEbsAttachments !== undefined && instance.volumeIds.length > target.maxEbsAttachments) {
    problems.push(
      `${instance.id} has ${instance.volumeIds.length} volumes attached; ${to} allows ${target.maxEbsAttachments}`,
    );
  }
  if (offeredInZone === false) {
    problems.push(
      `${to} is not offered in ${instance.availabilityZone ?? "the instance's Availability Zone"}`,
    );
  }
  if (
    current?.nvmeSupport !== 'required' &&
    target.nvmeSupport === 'required' &&
    current?.nvmeSupport !== undefined
  ) {
    // EBS volumes appear as NVMe devices on Nitro types: an AMI without NVMe drivers does not boot.
    if (strategy === 'in-place') {
      problems.push(
        `${to} presents EBS volumes as NVMe devices and ${current.type} does not: an in-place change could leave ` +
          `${instance.id} unable to boot; use blue-green, which checks the new instance before moving the address`,
      );
    } else {
      notes.push(`${to} presents EBS volumes as NVMe devices; the new instance's health check decides`);
    }
  }
  if (strategy === 'in-place' && instance.autoScalingGroup) {
    problems.push(
      `${instance.id} belongs to the Auto Scaling group ${instance.autoScalingGroup}, which would replace it while it is stopped`,
    );
  }
  return { ok: problems.length === 0, problems, notes };
}
