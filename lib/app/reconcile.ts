/**
 * `autopilot reconcile` and the scheduled `reconcile` function:
 *
 * 1. make CloudWatch hold exactly the alarms the policy describes (create, repair drift, delete the
 *    orchestrator's alarms for rules that are gone);
 * 2. re-check the policy's alarms that are still in ALARM. CloudWatch runs an alarm's actions only when
 *    its state changes, so an alarm that stays in ALARM after a scale-out sends nothing more; here it is
 *    handled again, and acts once its target's cooldown has passed (escalation). The target record's
 *    conditional write keeps two overlapping runs from acting twice.
 */
import type { AlarmTrigger } from '../events/trigger';
import { breachingDatapoints, reasonDataSchema, type ReasonData } from '../events/datapoints';
import type { Ignored } from '../model/action';
import type { Execution } from '../model/plan';
import type { ObservedAlarm } from '../model/snapshot';
import { executionEmail } from '../notify/email';
import { TAGS } from '../model/tags';
import { desiredAlarms, planAlarms } from '../plan/alarms';
import { executeActions, planned } from './execute';
import { applyTrigger } from './handle-trigger';
import { fleetEnv, type Runtime } from './runtime';

export interface ReconcileResult {
  alarms: Execution;
  rechecks: Execution[];
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
 * The instance each instance target names now (a blue-green resize replaces it), and why a target has
 * none: its alarms cannot be placed until exactly one live instance matches.
 */
async function resolveInstances(rt: Runtime): Promise<{ ids: Record<string, string>; problems: Ignored[] }> {
  const ids: Record<string, string> = {};
  const problems: Ignored[] = [];
  for (const target of rt.policy.targets) {
    if (target.kind !== 'instance') continue;
    const found = await rt.instances.find(target.instance);
    if (found.length === 1) {
      const instance = found[0]!;
      ids[target.name] = instance.id;
      // Adopted: the resize function's IAM role may stop, change and retire only instances so tagged.
      if (
        !rt.dryRun &&
        (instance.tags[TAGS.managed] !== 'true' || instance.tags[TAGS.target] !== target.name)
      ) {
        await rt.ops.tag([instance.id], { [TAGS.managed]: 'true', [TAGS.target]: target.name });
      }
    } else {
      const why =
        found.length === 0
          ? 'no live instance matches'
          : `${found.length} instances match (${found.map((f) => f.id).join(', ')})`;
      problems.push({
        target: target.name,
        severity: 'warning',
        reason: `${target.name}'s alarms cannot be placed: ${why} its selector`,
      });
    }
  }
  return { ids, problems };
}

export async function reconcile(rt: Runtime, alarmTopicArn: string): Promise<ReconcileResult> {
  const { ids, problems } = await resolveInstances(rt);
  const wanted = new Set(desiredAlarms(rt.policy, alarmTopicArn, ids).map((d) => d.alarm.name));
  // Tags are read only for alarms the policy no longer wants: those are the ones that may be deleted.
  const observed = await rt.alarms.describeByPrefix(`${rt.policy.alarmPrefix}-`, (name) => !wanted.has(name));
  const actions = planAlarms(rt.policy, alarmTopicArn, observed, ids);
  const now = rt.now().toISOString();
  const trigger = { kind: 'schedule' as const, time: now, region: rt.aws.region };
  const alarms: Execution = {
    trigger,
    actions,
    ignored: problems,
    outcomes: await executeActions(planned(actions), fleetEnv(rt)),
  };
  const email = executionEmail(alarms, rt.policy);
  if (email && rt.notifier) {
    const messageId = await rt.notifier.publish(email);
    alarms.notification = { subject: email.subject, ...(messageId ? { messageId } : {}) };
  }

  const rechecks: Execution[] = [];
  for (const alarm of observed) {
    if (!wanted.has(alarm.name) || alarm.state !== 'ALARM') continue;
    rechecks.push(await applyTrigger(rt, recheckTrigger(alarm, rt.aws.region)));
  }
  return { alarms, rechecks };
}
