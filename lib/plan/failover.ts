/**
 * Whether a failure seen on a failover target's instance is one to act on, and how. Pure:
 * (detection, target, snapshot) → a `fail-over` action or why not. The checks, in order:
 *
 * 1. the instance is this target's: the address is on it, or it carries the target's tag, or its tags
 *    match the target's selector (an EC2 state change names only an instance);
 * 2. the target has an Elastic IP to keep, and it is not already on another running instance (a
 *    failover or a resize already moved it);
 * 3. the orchestrator did not stop it itself: no operation holds the target (a resize stops its instance
 *    on purpose), and the instance is not one a resize retired or a failover left behind;
 * 4. it has really failed, on fresh state: stopped, terminated, gone, or running with a status check
 *    `impaired`. A stale or flapping alarm on a healthy instance does nothing, and says so;
 * 5. where the address goes: a standby that runs and passes its checks; else, unless `replaceFrom:
 *    none`, a replacement from the newest image of the lineage, or from an image of the stopped
 *    instance's volumes, with the failed instance's subnet (AWS forgets it once an instance is terminated).
 */
import type { FailOverAction, Ignored } from '../model/action';
import type { FailoverSnapshot, InstanceHealth } from '../model/failover-snapshot';
import type { LaunchSpec } from '../model/failover-state';
import type { InstanceFacts } from '../model/instance';
import { TAGS } from '../model/tags';
import { STATUS_CHECK_METRICS } from '../policy/policy';
import type { FailoverDetection, FailoverTarget } from './route';

export interface FailoverDecision {
  action?: FailOverAction;
  /** Why nothing is done; `claimed: false` when the instance is not this target's at all. */
  ignored?: Ignored & { claimed: boolean };
}

const GONE = ['terminated', 'shutting-down', 'stopped'];
/** On its way: decided once it settles (its next state change, or reconcile). */
const SETTLING = ['stopping', 'pending'];

/** The instance the detection names, when it names one (a state change, a status alarm's dimension). */
export function detectedInstance(detection: FailoverDetection): string | undefined {
  switch (detection.kind) {
    case 'state-change':
      return detection.trigger.instanceId;
    case 'status-check':
      return detection.trigger.metric?.dimensions.InstanceId;
    case 'reconcile':
      return detection.trigger.instanceId;
  }
}

export function describeDetection(
  detection: FailoverDetection,
  minutes: number,
): { text: string; at: string } {
  switch (detection.kind) {
    case 'state-change':
      return {
        text: `EC2 reported ${detection.trigger.instanceId} ${detection.trigger.state}`,
        at: detection.trigger.time,
      };
    case 'status-check':
      return {
        text: `alarm ${detection.trigger.alarmName} (${STATUS_CHECK_METRICS[detection.check]} for ${minutes} min)`,
        at: detection.trigger.stateChangeTime,
      };
    case 'reconcile':
      return { text: `reconcile found ${detection.trigger.seen}`, at: detection.trigger.time };
  }
}

/** What a failed check reads as; undefined when the instance is healthy (or not yet known to fail). */
export function failure(
  instance: InstanceFacts | undefined,
  health: InstanceHealth | undefined,
): string | undefined {
  if (!instance) return 'gone';
  const state = health?.state ?? instance.state;
  if (GONE.includes(state)) return state;
  if (state !== 'running') return undefined;
  const impaired = [
    ...(health?.system === 'impaired' ? ['the system status check'] : []),
    ...(health?.instance === 'impaired' ? ['the instance status check'] : []),
  ];
  return impaired.length > 0 ? `running but failing ${impaired.join(' and ')}` : undefined;
}

const matches = (tags: Record<string, string>, selector: Record<string, string>) =>
  Object.entries(selector).every(([k, v]) => tags[k] === v);

/** The instance carries the target's tag (reconcile adopted it) or the tags its selector names. */
export function tagsName(target: FailoverTarget, subject: Pick<InstanceFacts, 'tags'>): boolean {
  if (subject.tags[TAGS.target] === target.name) return true;
  return 'tags' in target.instance && matches(subject.tags, target.instance.tags);
}

function belongs(target: FailoverTarget, subject: InstanceFacts, s: FailoverSnapshot): boolean {
  return (s.address !== undefined && s.holder?.id === subject.id) || tagsName(target, subject);
}

export const launchSpec = (i: InstanceFacts): LaunchSpec => ({
  id: i.id,
  type: i.type,
  ...(i.subnetId ? { subnetId: i.subnetId } : {}),
  securityGroupIds: i.securityGroupIds,
  ...(i.keyName ? { keyName: i.keyName } : {}),
  ...(i.iamInstanceProfileArn ? { iamInstanceProfileArn: i.iamInstanceProfileArn } : {}),
  tags: i.tags,
  ...(i.availabilityZone ? { availabilityZone: i.availabilityZone } : {}),
  ...(i.imageId ? { imageId: i.imageId } : {}),
});

const healthyStandby = (s: FailoverSnapshot) =>
  s.standbys.find(
    (c) =>
      c.instance.state === 'running' &&
      c.health.state === 'running' &&
      c.health.system === 'ok' &&
      c.health.instance === 'ok' &&
      !c.instance.tags[TAGS.failedOverTo],
  );

export function planFailover(input: {
  detection: FailoverDetection;
  target: FailoverTarget;
  snapshot: FailoverSnapshot;
}): FailoverDecision {
  const { detection, target, snapshot: s } = input;
  const name = target.name;
  const skip = (
    reason: string,
    severity: Ignored['severity'] = 'info',
    claimed = true,
  ): FailoverDecision => ({
    ignored: { reason, severity, target: name, claimed },
  });
  const subject = s.subject;
  const named = detectedInstance(detection) ?? subject?.id ?? 'its instance';
  if (!subject || !belongs(target, subject, s))
    return skip(`${named} is not ${name}'s instance: nothing to fail over`, 'info', false);
  if (!s.address)
    return skip(
      `${name}'s instance ${subject.id} has no Elastic IP to keep: nothing to fail over`,
      'warning',
    );
  const holderServes =
    s.holder &&
    s.holder.id !== subject.id &&
    s.holder.state === 'running' &&
    !s.holder.tags[TAGS.failedOverTo];
  if (holderServes)
    return skip(`${s.address.publicIp} is already on ${s.holder!.id}, which runs: nothing to fail over`);
  if (s.lock)
    return skip(
      `${name} is held by operation ${s.lock.owner} since ${s.lock.since}: not failed over (an operation stops an instance on purpose, as a resize does; a failover already running is not started twice)`,
    );
  if (subject.tags[TAGS.replacedBy])
    return skip(
      `${subject.id} was replaced by ${subject.tags[TAGS.replacedBy]} in a resize: not failed over`,
    );
  if (subject.tags[TAGS.failedOverTo])
    return skip(
      `${subject.id} was failed over to ${subject.tags[TAGS.failedOverTo]} already: nothing more to do`,
    );
  const state = s.subjectHealth?.state ?? subject.state;
  if (SETTLING.includes(state))
    return skip(`${subject.id} is ${state}: decided once it settles (its next state change, or reconcile)`);
  const failed = failure(subject, s.subjectHealth);
  if (!failed) {
    const checks = s.subjectHealth
      ? ` (system check ${s.subjectHealth.system ?? 'unknown'}, instance check ${s.subjectHealth.instance ?? 'unknown'})`
      : '';
    return skip(
      `${subject.id} is ${s.subjectHealth?.state ?? subject.state}${checks} now: ${detection.kind === 'status-check' ? 'a stale or flapping alarm' : 'it did not stay down'}, nothing done`,
    );
  }
  const { text, at } = describeDetection(detection, target.failover.statusCheckFailedMinutes);
  const base = {
    type: 'fail-over' as const,
    target: name,
    failedInstanceId: subject.id,
    failed: launchSpec(subject),
    detection: text,
    detectedAt: at,
    allocationId: s.address.allocationId,
    publicIp: s.address.publicIp,
  };
  const standby = healthyStandby(s);
  if (standby)
    return {
      action: {
        ...base,
        via: 'standby',
        standbyInstanceId: standby.instance.id,
        reason: `${name}'s instance ${subject.id} is ${failed}: ${s.address.publicIp} moves to the standby ${standby.instance.id}, which runs and passes its status checks`,
      },
    };
  const noStandby = target.failover.standby
    ? `no standby runs and passes its checks${s.standbys.length ? ` (${s.standbys.map((c) => `${c.instance.id} ${c.health.state}`).join(', ')})` : ''}`
    : 'there is no standby';
  if (target.failover.replaceFrom === 'none')
    return skip(
      `${name}'s instance ${subject.id} is ${failed}, ${noStandby}, and replaceFrom is none: ${s.address.publicIp} is left as it is — a person must act`,
      'warning',
    );
  if (!subject.subnetId && failed === 'terminated')
    return skip(
      `${name}'s instance ${subject.id} is terminated and AWS no longer says its subnet: no replacement launched — launch one by hand and associate ${s.address.publicIp}`,
      'warning',
    );
  const image = s.newestImage;
  if (!image && subject.state !== 'stopped')
    return skip(
      `${name}'s instance ${subject.id} is ${failed}, ${noStandby}, and there is no image of its lineage to launch from (nor a stopped instance to make one of): ${s.address.publicIp} is left as it is — a person must act`,
      'warning',
    );
  return {
    action: {
      ...base,
      via: 'replacement',
      ...(image ? { imageId: image.id } : {}),
      reason: `${name}'s instance ${subject.id} is ${failed} and ${noStandby}: ${s.address.publicIp} moves to a new ${subject.type} launched from ${image ? `the newest image ${image.id}` : `an image made now of ${subject.id}'s volumes`}`,
    },
  };
}
