/**
 * The orchestrator owns the alarms that drive it: one per rule, named `<prefix>-<target>-high|low`, and
 * for a failover target one per EC2 status check, `<prefix>-<target>-system-check|instance-check`, all
 * pointing at the orchestrator's alarm topic. This planner compares what the policy describes with what
 * CloudWatch has and returns the PutMetricAlarm/DeleteAlarms actions that close the gap. Pure.
 */
import type { AlarmDefinition, DeleteAlarmAction, UpdateAlarmAction } from '../model/action';
import type { ObservedAlarm } from '../model/snapshot';
import {
  alarmName,
  ruleFor,
  STATUS_CHECK_METRICS,
  STATUS_CHECKS,
  statusAlarmName,
  type FailoverPolicy,
  type InstanceTarget,
  type Policy,
  type Rule,
  type StatusCheck,
  type Target,
} from '../policy/policy';
import { TAGS } from '../model/tags';

function describeRule(target: Target, rule: Rule): string {
  const w = rule.when;
  const what =
    target.kind === 'instance'
      ? `resize ${target.name} ${rule.direction === 'high' ? 'up' : 'down'}`
      : `scale ${target.name} (${target.autoScalingGroup}) ${rule.direction === 'high' ? 'out' : 'in'}`;
  return (
    `Managed by ec2-autopilot: ${what} when ${w.metric} ` +
    `${w.statistic} is ${w.comparison} ${w.threshold} for ${w.forMinutes} min. Edits are reverted by autopilot reconcile.`
  );
}

/** A group's alarms watch the group; an instance target's watch its current instance. */
export function alarmDimensions(target: Target, instanceId: string | undefined): Record<string, string> {
  return target.kind === 'instance'
    ? { InstanceId: instanceId ?? '' }
    : { AutoScalingGroupName: target.autoScalingGroup };
}

export function alarmDefinition(
  policy: Policy,
  target: Target,
  rule: Rule,
  alarmTopicArn: string,
  instanceId?: string,
): AlarmDefinition {
  const w = rule.when;
  // Minutes of breach → consecutive periods; a 5-minute condition on 60 s periods is 5 of 5 datapoints.
  const periods = Math.max(1, Math.round((w.forMinutes * 60) / w.periodSeconds));
  return {
    name: alarmName(policy, target.name, rule.direction),
    description: describeRule(target, rule),
    namespace: w.namespace,
    metric: w.metric,
    dimensions: alarmDimensions(target, instanceId),
    statistic: w.statistic,
    periodSeconds: w.periodSeconds,
    evaluationPeriods: periods,
    datapointsToAlarm: periods,
    threshold: w.threshold,
    comparison: rule.direction === 'high' ? 'GreaterThanThreshold' : 'LessThanThreshold',
    // No instance sends no data: that is neither high nor low load, so keep the state.
    treatMissingData: 'missing',
    alarmActions: alarmTopicArn ? [alarmTopicArn] : [],
    tags: { [TAGS.managed]: 'true', [TAGS.target]: target.name, [TAGS.direction]: rule.direction },
  };
}

/** The partition of a region's ARNs: `aws`, `aws-cn` (China), `aws-us-gov` (GovCloud). */
export function partitionOf(region: string): string {
  if (region.startsWith('cn-')) return 'aws-cn';
  if (region.startsWith('us-gov-')) return 'aws-us-gov';
  return 'aws';
}

/** EC2's own alarm action that moves a failed instance to healthy hardware, keeping its id and addresses. */
export const recoverActionArn = (region: string): string =>
  `arn:${partitionOf(region)}:automate:${region}:ec2:recover`;

const CHECK_WORDS: Record<StatusCheck, string> = {
  system: 'its system status check (the host)',
  instance: 'its instance status check',
};

/**
 * The alarm on one EC2 status check of a failover target. Both notify the alarm topic (failover); the
 * system check's also runs EC2's recover action, which on supported types fixes a host failure in place
 * (same instance, same addresses) before failover has to move anything. Missing data is `missing`: a
 * stopped instance reports no status, and failover hears of a stop from EC2's state-change event instead.
 */
export function statusCheckAlarm(
  policy: Policy,
  target: InstanceTarget & { failover: FailoverPolicy },
  check: StatusCheck,
  alarmTopicArn: string,
  instanceId: string,
  region: string,
): AlarmDefinition {
  const minutes = target.failover.statusCheckFailedMinutes;
  const recovers = check === 'system';
  return {
    name: statusAlarmName(policy, target.name, check),
    description:
      `Managed by ec2-autopilot: fail ${target.name} over when ${CHECK_WORDS[check]} fails for ${minutes} min` +
      `${recovers ? '; EC2 also tries to recover the instance in place' : ''}. Edits are reverted by autopilot reconcile.`,
    namespace: 'AWS/EC2',
    metric: STATUS_CHECK_METRICS[check],
    dimensions: { InstanceId: instanceId },
    statistic: 'Maximum',
    periodSeconds: 60,
    evaluationPeriods: minutes,
    datapointsToAlarm: minutes,
    threshold: 0,
    comparison: 'GreaterThanThreshold',
    treatMissingData: 'missing',
    alarmActions: [
      ...(alarmTopicArn ? [alarmTopicArn] : []),
      ...(recovers ? [recoverActionArn(region)] : []),
    ],
    tags: { [TAGS.managed]: 'true', [TAGS.target]: target.name, [TAGS.direction]: `${check}-check` },
  };
}

const hasFailover = (target: Target): target is InstanceTarget & { failover: FailoverPolicy } =>
  target.kind === 'instance' && target.failover !== undefined;

/**
 * Every alarm of one target, watching `instanceId` (ignored for a group's): its rules' and, with
 * failover, its status checks'. Reconcile places them; resize and failover re-point them at the instance
 * that took over.
 */
export function targetAlarms(
  policy: Policy,
  target: Target,
  alarmTopicArn: string,
  instanceId: string | undefined,
  region: string,
): AlarmDefinition[] {
  const rules = (['high', 'low'] as const)
    .map((d) => ruleFor(target, d))
    .filter((rule): rule is Rule => rule !== undefined)
    .map((rule) => alarmDefinition(policy, target, rule, alarmTopicArn, instanceId));
  const checks =
    hasFailover(target) && instanceId
      ? STATUS_CHECKS.map((c) => statusCheckAlarm(policy, target, c, alarmTopicArn, instanceId, region))
      : [];
  return [...rules, ...checks];
}

/**
 * The alarms the policy describes. An instance target's alarms need its instance's id: those whose
 * instance is not resolved (`instanceIds`) are left out, and reconcile reports why.
 */
export function desiredAlarms(
  policy: Policy,
  alarmTopicArn: string,
  region: string,
  instanceIds: Readonly<Record<string, string>> = {},
): { target: Target; alarm: AlarmDefinition }[] {
  return policy.targets.flatMap((target) => {
    const instanceId = instanceIds[target.name];
    if (target.kind === 'instance' && !instanceId) return [];
    return targetAlarms(policy, target, alarmTopicArn, instanceId, region).map((alarm) => ({
      target,
      alarm,
    }));
  });
}

/** The names of the alarms a target is driven by: a rule's each, and a failover target's status checks. */
export function targetAlarmNames(policy: Pick<Policy, 'alarmPrefix'>, target: Target): string[] {
  return [
    ...(['high', 'low'] as const)
      .filter((d) => ruleFor(target, d))
      .map((d) => alarmName(policy, target.name, d)),
    ...(hasFailover(target) ? STATUS_CHECKS.map((c) => statusAlarmName(policy, target.name, c)) : []),
  ];
}

/** Names of every alarm the policy owns, resolved or not (an owned alarm is never deleted as an orphan). */
export function ownedAlarmNames(policy: Policy): Set<string> {
  return new Set(policy.targets.flatMap((t) => targetAlarmNames(policy, t)));
}

const sameDimensions = (a: Record<string, string>, b: Record<string, string>) =>
  Object.keys(a).length === Object.keys(b).length && Object.entries(a).every(([k, v]) => b[k] === v);

/** CloudWatch keeps an alarm's actions as a set: order carries no meaning, a repeat is one action. */
const sameActions = (a: readonly string[], b: readonly string[]) => {
  const want = new Set(a);
  const have = new Set(b);
  return want.size === have.size && [...want].every((x) => have.has(x));
};

/** The fields of an observed alarm that differ from its definition, by name. */
export function alarmDrift(want: AlarmDefinition, have: ObservedAlarm): string[] {
  const drift: string[] = [];
  const check = (field: string, differs: boolean) => differs && drift.push(field);
  check('Namespace', have.namespace !== want.namespace);
  check('MetricName', have.metric !== want.metric);
  check('Dimensions', !sameDimensions(want.dimensions, have.dimensions));
  check('Statistic', have.statistic !== want.statistic);
  check('Period', have.periodSeconds !== want.periodSeconds);
  check('EvaluationPeriods', have.evaluationPeriods !== want.evaluationPeriods);
  check('DatapointsToAlarm', (have.datapointsToAlarm ?? have.evaluationPeriods) !== want.datapointsToAlarm);
  check('Threshold', have.threshold !== want.threshold);
  check('ComparisonOperator', have.comparison !== want.comparison);
  check('TreatMissingData', (have.treatMissingData ?? 'missing') !== want.treatMissingData);
  check('AlarmActions', !sameActions(want.alarmActions, have.alarmActions));
  check('ActionsEnabled', !have.actionsEnabled);
  check('AlarmDescription', have.description !== want.description);
  return drift;
}

/** What follows `<prefix>-<target>` in the name of an alarm of the orchestrator's. */
const OWN_SUFFIX = /-(high|low|system-check|instance-check)$/;

/**
 * Actions that make CloudWatch match the policy: create what is missing, repair what drifted, and
 * delete alarms this orchestrator created (tagged as managed, with its prefix) for rules that are gone
 * and for the status checks of a target that no longer fails over.
 */
export function planAlarms(
  policy: Policy,
  alarmTopicArn: string,
  region: string,
  observed: readonly ObservedAlarm[],
  instanceIds: Readonly<Record<string, string>> = {},
): (UpdateAlarmAction | DeleteAlarmAction)[] {
  const byName = new Map(observed.map((a) => [a.name, a]));
  const actions: (UpdateAlarmAction | DeleteAlarmAction)[] = [];
  const wanted = desiredAlarms(policy, alarmTopicArn, region, instanceIds);
  for (const { target, alarm } of wanted) {
    const have = byName.get(alarm.name);
    if (!have) {
      actions.push({
        type: 'update-alarm',
        change: 'create',
        target: target.name,
        alarm,
        reason: `alarm ${alarm.name} is missing: create it (${alarm.metric} ${alarm.comparison === 'GreaterThanThreshold' ? '>' : '<'} ${alarm.threshold} for ${alarm.evaluationPeriods} × ${alarm.periodSeconds} s)`,
      });
      continue;
    }
    const drift = alarmDrift(alarm, have);
    if (drift.length > 0) {
      actions.push({
        type: 'update-alarm',
        change: 'update',
        target: target.name,
        alarm,
        drift,
        ...(have.arn ? { alarmArn: have.arn } : {}),
        reason: `alarm ${alarm.name} drifted from the policy (${drift.join(', ')}): restore it`,
      });
    }
  }
  const names = ownedAlarmNames(policy);
  const prefix = `${policy.alarmPrefix}-`;
  for (const have of observed) {
    if (have.name.startsWith(prefix) && have.managed && !names.has(have.name)) {
      actions.push({
        type: 'delete-alarm',
        target: have.name.slice(prefix.length).replace(OWN_SUFFIX, ''),
        alarmName: have.name,
        reason: `alarm ${have.name} was created by ec2-autopilot for ${/-(system|instance)-check$/.test(have.name) ? 'a failover' : 'a rule'} no longer in the policy: delete it`,
      });
    }
  }
  return actions;
}
