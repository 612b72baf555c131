/**
 * Planning a failover: the fresh reads behind the decision (the instance the failure concerns, with its
 * status checks; the target's address, found by its tag when AWS has already taken it off a terminated
 * instance; the standbys; the newest image; the target's lock), then the pure planner. An EC2 state change
 * names only an instance: the failover targets whose tags it carries are asked in turn, and the first whose
 * instance it is decides.
 */
import type { FailOverAction, Ignored } from '../model/action';
import type { FailoverSnapshot } from '../model/failover-snapshot';
import type { InstanceFacts } from '../model/instance';
import { TAGS } from '../model/tags';
import { detectedInstance, planFailover, tagsName } from '../plan/failover';
import type { FailoverDetection, FailoverTarget } from '../plan/route';
import type { Runtime } from './runtime';

async function readLock(rt: Runtime, target: string) {
  const lock = await rt.store.readLock(target);
  return lock && lock.expiresAt > rt.now().getTime() / 1000
    ? { owner: lock.owner, since: lock.since }
    : undefined;
}

export async function readFailoverSnapshot(
  rt: Runtime,
  detection: FailoverDetection,
  target: FailoverTarget,
  /** The instance the detection names, when the caller read it already. */
  read?: InstanceFacts,
): Promise<FailoverSnapshot> {
  const named = detectedInstance(detection);
  const [tagged, current, lock, newestImage] = await Promise.all([
    rt.instances.addressOfTarget(target.name),
    named ? Promise.resolve([] as InstanceFacts[]) : rt.instances.find(target.instance, target.name),
    readLock(rt, target.name),
    target.failover.replaceFrom === 'latest-image' ? rt.ops.newestImage(target.name) : undefined,
  ]);
  // The instance the failure concerns: the one the event names, else the one the address is on, else
  // the target's only instance.
  const subjectId = named ?? tagged?.instanceId ?? (current.length === 1 ? current[0]!.id : undefined);
  const subject =
    read && read.id === subjectId ? read : subjectId ? await rt.instances.get(subjectId) : undefined;
  const address = subject?.elasticIp ?? tagged;
  const holderId = subject?.elasticIp ? subject.id : tagged?.instanceId;
  const [subjectHealth, holder, standbys] = await Promise.all([
    subject ? rt.instances.health(subject.id) : undefined,
    holderId === subject?.id ? subject : holderId ? rt.instances.get(holderId) : undefined,
    target.failover.standby ? rt.instances.find(target.failover.standby) : Promise.resolve([]),
  ]);
  const candidates = standbys.filter(
    (i) => i.id !== subject?.id && i.id !== holderId && !i.tags[TAGS.failedOverTo],
  );
  return {
    ...(subject ? { subject } : {}),
    ...(subjectHealth ? { subjectHealth } : {}),
    ...(address ? { address } : {}),
    ...(holder ? { holder } : {}),
    standbys: await Promise.all(
      candidates.map(async (instance) => ({ instance, health: await rt.instances.health(instance.id) })),
    ),
    ...(newestImage ? { newestImage } : {}),
    ...(lock ? { lock } : {}),
  };
}

/**
 * The failover of the target the detection concerns, or why none: for a state change of an instance
 * that is no failover target's, one line saying so.
 */
export async function planFailoverOf(
  rt: Runtime,
  detection: FailoverDetection,
  targets: FailoverTarget[],
): Promise<{ actions: FailOverAction[]; ignored: Ignored[] }> {
  // Every state change of the account to stopped or terminated arrives here: an instance whose tags name
  // no failover target costs one read, not a snapshot per target.
  const read =
    detection.kind === 'state-change' ? await rt.instances.get(detection.trigger.instanceId) : undefined;
  const asked =
    detection.kind === 'state-change' ? targets.filter((t) => read && tagsName(t, read)) : targets;
  for (const target of asked) {
    const snapshot = await readFailoverSnapshot(rt, detection, target, read);
    const decision = planFailover({ detection, target, snapshot });
    if (decision.action) return { actions: [decision.action], ignored: [] };
    if (decision.ignored?.claimed) {
      const { claimed: _claimed, ...ignored } = decision.ignored;
      return { actions: [], ignored: [ignored] };
    }
  }
  const named = detectedInstance(detection) ?? 'the instance';
  return {
    actions: [],
    ignored: [
      {
        severity: 'info',
        reason: `${named} is not the instance of any failover target (${targets.map((t) => t.name).join(', ')}): nothing to do`,
      },
    ],
  };
}
