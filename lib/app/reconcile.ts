/**
 * `autopilot reconcile` and the scheduled `reconcile` function:
 *
 * 1. make CloudWatch hold exactly the alarms the policy describes (create, repair drift, delete the
 *    orchestrator's alarms for rules that are gone), a failover target's status-check alarms included,
 *    after adopting (tagging) each instance target's instance and each failover target's standby;
 * 2. re-check the policy's alarms that are still in ALARM. CloudWatch runs an alarm's actions only when
 *    its state changes, so an alarm that stays in ALARM after a scale-out sends nothing more; here it is
 *    handled again, and acts once its target's cooldown has passed (escalation). The target record's
 *    conditional write keeps two overlapping runs from acting twice;
 * 3. warn about targets whose Auto Scaling group or instance does not exist (one DescribeAutoScalingGroups
 *    for all the groups; the instances are the ones step 1 reads anyway): reported on every run, e-mailed
 *    once per disappearance (./missing-targets.ts). Nothing is done to a missing target — its alarms are
 *    not re-checked — and none of its alarms is deleted, so their history is there when it comes back. A
 *    group's alarms are still created and repaired (they name the group, and work the moment it exists);
 *    an instance target's cannot be (they name the instance), and stay as they are;
 * 4. hand a failover target whose Elastic IP is on an instance that does not run to the failover path
 *    (./failover-watch.ts), which re-checks it as it would an event;
 * 5. turn on the group metrics the dashboard draws for each group the policy names (../plan/group-metrics.ts);
 * 6. on a deployed stack, keep the alarms the stack watches itself with as they were deployed (in the
 *    stack's region): re-create a deleted one, restore an edited one, delete none
 *    (lib/plan/self-alarms.ts). Their actions are reported and e-mailed with the policy's alarms'.
 */
import type { AlarmTrigger } from '../events/trigger';
import { breachingDatapoints, reasonDataSchema, type ReasonData } from '../events/datapoints';
import type { Ignored, UpdateAlarmAction } from '../model/action';
import type { MissingTargetWarning } from '../model/missing-target';
import type { Execution } from '../model/plan';
import type { ObservedAlarm } from '../model/snapshot';
import { executionEmail } from '../notify/email';
import { isProtected, TAGS } from '../model/tags';
import { alarmName, type InstanceTarget } from '../policy/policy';
import { desiredAlarms, planAlarms } from '../plan/alarms';
import { planSelfAlarms, stackRegion, type DeployedStack } from '../plan/self-alarms';
import { stackPrefix } from '../model/stack';
import { AlarmsAdapter } from '../aws/alarms';
import { planGroupMetrics } from '../plan/group-metrics';
import { findMissingTargets } from '../plan/missing-targets';
import { executeActions, planned, type ExecutionEnv } from './execute';
import { watchFailovers } from './failover-watch';
import { applyTrigger } from './handle-trigger';
import { warnMissingTargets, type FoundAgain } from './missing-targets';
import { fleetEnv, type Runtime } from './runtime';

export interface ReconcileResult {
  alarms: Execution;
  rechecks: Execution[];
  /** Targets whose group or instance does not exist, with what became of the e-mail about each. */
  missingTargets: MissingTargetWarning[];
  /** Targets found missing by an earlier run that exist again (their record is cleared). */
  foundAgain: FoundAgain[];
  /** Failover targets whose address was on an instance that does not run, as the failover path decided. */
  failovers: Execution[];
}

function parseReasonData(text: string | undefined): ReasonData | undefined {
  if (!text) return undefined;
  try {
    const parsed = reasonDataSchema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

export function recheckTrigger(alarm: ObservedAlarm, region: string): AlarmTrigger {
  const reason = alarm.stateReason ?? '';
  return {
    kind: 'alarm',
    source: 'reconcile',
    alarmName: alarm.name,
    ...(alarm.arn ? { alarmArn: alarm.arn } : {}),
    region,
    state: alarm.state,
    stateChangeTime: alarm.stateUpdatedAt ?? new Date(0).toISOString(),
    reason,
    ...(alarm.metric && alarm.namespace
      ? {
          metric: {
            namespace: alarm.namespace,
            name: alarm.metric,
            dimensions: alarm.dimensions,
            ...(alarm.statistic ? { statistic: alarm.statistic } : {}),
          },
        }
      : {}),
    ...(alarm.threshold !== undefined ? { threshold: alarm.threshold } : {}),
    ...(alarm.comparison ? { comparison: alarm.comparison } : {}),
    datapoints: breachingDatapoints(reason, parseReasonData(alarm.stateReasonData)),
  };
}

/**
 * Adopts a failover target's warm standbys, as its instance is adopted: the IAM roles act only on
 * instances tagged managed, and `standby-for` says which target one waits for. The target's own
 * instances are not its standby, and a protected instance is never tagged. Nothing in dry-run.
 */
async function adoptStandbys(
  rt: Runtime,
  target: InstanceTarget,
  targetInstanceIds: ReadonlySet<string>,
): Promise<void> {
  const selector = target.failover?.standby;
  if (!selector || rt.dryRun) return;
  const untagged = (await rt.instances.find(selector))
    .filter((i) => !targetInstanceIds.has(i.id) && !isProtected(i.tags))
    .filter((i) => i.tags[TAGS.managed] !== 'true' || i.tags[TAGS.standbyFor] !== target.name)
    .map((i) => i.id);
  if (untagged.length > 0)
    await rt.ops.tag(untagged, { [TAGS.managed]: 'true', [TAGS.standbyFor]: target.name });
}

/**
 * The instance each instance target names now (a blue-green resize replaces it), and how many matched:
 * its alarms cannot be placed until exactly one live instance does (none is a missing target).
 */
async function resolveInstances(
  rt: Runtime,
): Promise<{ ids: Record<string, string>; matches: Record<string, number>; problems: Ignored[] }> {
  const ids: Record<string, string> = {};
  const matches: Record<string, number> = {};
  const problems: Ignored[] = [];
  for (const target of rt.policy.targets) {
    if (target.kind !== 'instance') continue;
    const found = await rt.instances.find(target.instance, target.name);
    matches[target.name] = found.length;
    if (found.length === 1) {
      const instance = found[0]!;
      ids[target.name] = instance.id;
      rt.telemetry.count('InstanceTypeInUse', { target: target.name, type: instance.type });
      // Adopted: the resize function's IAM role may stop, change and retire only instances so tagged,
      // and move only Elastic IPs so tagged (the instance's own, adopted with it).
      const address = instance.elasticIp;
      const untagged = [
        ...(instance.tags[TAGS.managed] !== 'true' || instance.tags[TAGS.target] !== target.name
          ? [instance.id]
          : []),
        ...(address && !address.managed ? [address.allocationId] : []),
      ];
      if (!rt.dryRun && untagged.length > 0)
        await rt.ops.tag(untagged, { [TAGS.managed]: 'true', [TAGS.target]: target.name });
    } else if (found.length > 1) {
      // None found is a missing target: warned about (and e-mailed once) with the others.
      problems.push({
        target: target.name,
        severity: 'warning',
        reason: `${target.name}'s alarms cannot be placed: ${found.length} instances match (${found.map((f) => f.id).join(', ')}) its selector`,
      });
    }
    if (target.failover) await adoptStandbys(rt, target, new Set(found.map((f) => f.id)));
  }
  return { ids, matches, problems };
}

/** The stack's own alarms: what to do about them, and how (their region's CloudWatch). */
async function planStackAlarms(
  rt: Runtime,
  stack: DeployedStack,
): Promise<{ actions: UpdateAlarmAction[]; env: ExecutionEnv }> {
  const alarms = new AlarmsAdapter(rt.aws.inRegion(stackRegion(stack)));
  const observed = await alarms.describeByPrefix(`${stackPrefix(stack.stage)}-`, () => false);
  const env = fleetEnv(rt);
  return { actions: planSelfAlarms(stack, observed), env: { ...env, ports: { ...env.ports, alarms } } };
}

/**
 * `stack`: the deployed stack reconcile runs for (the scheduled function's, or the stage the CLI found
 * deployed), whose own alarms it keeps too; without it, only the policy's alarms.
 */
export async function reconcile(
  rt: Runtime,
  alarmTopicArn: string,
  stack?: DeployedStack,
): Promise<ReconcileResult> {
  const groupNames = rt.policy.targets.flatMap((t) =>
    t.kind === 'auto-scaling-group' ? [t.autoScalingGroup] : [],
  );
  const [{ ids, matches, problems }, groups] = await Promise.all([
    resolveInstances(rt),
    rt.groups.existingGroups(groupNames),
  ]);
  const missing = findMissingTargets(rt.policy.targets, { groups, instanceMatches: matches });
  const missingAlarms = new Set(
    missing.flatMap((m) => (['high', 'low'] as const).map((d) => alarmName(rt.policy, m.target, d))),
  );
  const region = rt.aws.region;
  const wanted = new Set(desiredAlarms(rt.policy, alarmTopicArn, region, ids).map((d) => d.alarm.name));
  // Tags are read only for alarms the policy no longer wants: those are the ones that may be deleted.
  const observed = await rt.alarms.describeByPrefix(`${rt.policy.alarmPrefix}-`, (name) => !wanted.has(name));
  const fleetActions = [
    ...planAlarms(rt.policy, alarmTopicArn, region, observed, ids),
    ...planGroupMetrics(rt.policy.targets, groups),
  ];
  const own = stack ? await planStackAlarms(rt, stack) : undefined;
  const now = rt.now().toISOString();
  const trigger = { kind: 'schedule' as const, time: now, region };
  const alarms: Execution = {
    trigger,
    actions: [...fleetActions, ...(own?.actions ?? [])],
    ignored: problems,
    outcomes: [
      ...(await executeActions(planned(fleetActions), fleetEnv(rt))),
      ...(own ? await executeActions(planned(own.actions), own.env) : []),
    ],
  };
  const email = executionEmail(alarms, rt.policy);
  if (email && rt.notifier) {
    const messageId = await rt.notifier.publish(email);
    alarms.notification = { subject: email.subject, ...(messageId ? { messageId } : {}) };
  }

  const rechecks: Execution[] = [];
  for (const alarm of observed) {
    if (!wanted.has(alarm.name) || alarm.state !== 'ALARM' || missingAlarms.has(alarm.name)) continue;
    rechecks.push(await applyTrigger(rt, recheckTrigger(alarm, region)));
  }
  const failovers = await watchFailovers(rt);
  // A target failed over just now is served again: not missing, whatever was read before.
  const failedOver = new Set(
    failovers.flatMap((e) =>
      e.outcomes.filter((o) => o.status === 'applied' || o.status === 'started').map((o) => o.action.target),
    ),
  );
  // Last: telling about a missing target must not hold back an escalation of a target that exists.
  const { warnings, foundAgain } = await warnMissingTargets(
    rt,
    missing.filter((m) => !failedOver.has(m.target)),
  );
  return { alarms, rechecks, missingTargets: warnings, foundAgain, failovers };
}
