/**
 * Which of the policy's targets have nothing to act on — their Auto Scaling group or instance does not
 * exist — and what to do about each one's e-mail, from what reconcile read. Pure.
 *
 * A missing target is reported on every run (output and logs) but e-mailed once per disappearance: the
 * state table keeps a record per missing target, and while the record says the same thing was found
 * missing and e-mailed, nothing more is sent. The order of the checks per target:
 *
 * 1. present, with a record: it came back, so the record goes (a later disappearance warns again);
 * 2. missing, with no record, or a record of something else (the policy now names another group): e-mail;
 * 3. missing, recorded as e-mailed: report only;
 * 4. missing, claimed by a run whose lease has not ended: that run is sending it, report only;
 * 5. missing, claimed by a run whose lease ended (it crashed, or its publish failed before it could give
 *    the claim back): e-mail.
 *
 * This decides from a read; the state table's conditional write makes it safe when two runs overlap.
 */
import type { MissingRecord, MissingTarget } from '../model/missing-target';
import type { InstanceTarget, Target } from '../policy/policy';

/** What reconcile read about the targets, with one call per kind of target, not one per target. */
export interface PresenceFacts {
  /** The groups DescribeAutoScalingGroups returned for the policy's names, with their status. */
  groups: ReadonlyMap<string, { status?: string }>;
  /** How many live instances (pending, running, stopping, stopped) each instance target's selector matched. */
  instanceMatches: Readonly<Record<string, number>>;
}

/** The status AWS gives a group while DeleteAutoScalingGroup runs: it is going, nothing should be done to it. */
const DELETING = 'Delete in progress';

/** `instance i-0123…` or `instance tagged Name=wordpress` (keys sorted, so the words stay the same). */
export function describeInstanceSelector(selector: InstanceTarget['instance']): string {
  if ('id' in selector) return `instance ${selector.id}`;
  const tags = Object.entries(selector.tags)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([k, v]) => `${k}=${v}`);
  return `instance tagged ${tags.join(', ')}`;
}

function missingGroup(target: Target & { kind: 'auto-scaling-group' }, facts: PresenceFacts) {
  const group = facts.groups.get(target.autoScalingGroup);
  if (group && group.status !== DELETING) return undefined;
  const state = group ? 'is being deleted' : 'does not exist';
  return {
    target: target.name,
    kind: target.kind,
    missing: `Auto Scaling group ${target.autoScalingGroup}`,
    reason:
      `${target.name}'s Auto Scaling group ${target.autoScalingGroup} ${state}: its alarms are kept as the ` +
      `policy says, but nothing is done to ${target.name} until the group exists (check the policy's autoScalingGroup)`,
  };
}

function missingInstance(target: InstanceTarget, facts: PresenceFacts) {
  // Not read (undefined) is not the same as none found: only a read that found none reports the target.
  if (facts.instanceMatches[target.name] !== 0) return undefined;
  const missing = describeInstanceSelector(target.instance);
  return {
    target: target.name,
    kind: target.kind,
    missing,
    reason:
      `${target.name}'s ${missing} does not exist (no live instance matches its selector): its alarms ` +
      `are left as they are and nothing is done to ${target.name} until exactly one does`,
  };
}

/** The targets with no group or no instance, in the policy's order. */
export function findMissingTargets(targets: readonly Target[], facts: PresenceFacts): MissingTarget[] {
  return targets.flatMap((t) => {
    const missing = t.kind === 'instance' ? missingInstance(t, facts) : missingGroup(t, facts);
    return missing ? [missing] : [];
  });
}

export type MissingStep =
  /**
   * Claim the record, publish the e-mail, record it as sent. `since`: when this disappearance was first
   * recorded, when a claim of it is taken over (absent: now).
   */
  | { kind: 'notify'; missing: MissingTarget; since?: string }
  /** E-mailed before (or being e-mailed by another run): report only. */
  | { kind: 'report'; missing: MissingTarget; record: MissingRecord }
  /** The target exists again: delete its record (only the one read, by its writer token). */
  | { kind: 'clear'; target: string; record: MissingRecord };

export function planMissingWarnings(input: {
  /** Every target of the policy, by name. */
  targets: readonly string[];
  missing: readonly MissingTarget[];
  /** The records read, by target name. */
  records: ReadonlyMap<string, MissingRecord>;
  now: Date;
}): MissingStep[] {
  const now = Math.floor(input.now.getTime() / 1000);
  const byTarget = new Map(input.missing.map((m) => [m.target, m]));
  return input.targets.flatMap((target): MissingStep[] => {
    const record = input.records.get(target);
    const missing = byTarget.get(target);
    if (!missing) return record ? [{ kind: 'clear', target, record }] : [];
    if (!record || record.missing !== missing.missing) return [{ kind: 'notify', missing }];
    if (record.status === 'sent') return [{ kind: 'report', missing, record }];
    const leaseLive = record.leaseUntil !== undefined && record.leaseUntil >= now;
    return leaseLive
      ? [{ kind: 'report', missing, record }]
      : [{ kind: 'notify', missing, ...(record.since ? { since: record.since } : {}) }];
  });
}
