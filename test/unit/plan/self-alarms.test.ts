/**
 * The stack's own alarms as reconcile keeps them: the same alarms CloudFormation deploys (so the two
 * never fight), re-created when deleted, restored when edited, never deleted. Pure.
 */
import { selfAlarmResources } from '../../../lib/deploy/self-alarms';
import { functionLogicalId } from '../../../lib/deploy/stack';
import type { ObservedAlarm } from '../../../lib/model/snapshot';
import { STACK_FUNCTIONS, STATE_MACHINES } from '../../../lib/model/stack';
import { planSelfAlarms, selfAlarmDefinitions, stackRegion } from '../../../lib/plan/self-alarms';

const STACK = {
  stage: 'prod',
  notifyTopicArn: 'arn:aws:sns:eu-west-1:123456789012:ec2-autopilot-prod-notifications',
};

/** What CloudFormation makes of a reference, in that account and region. */
function resolve(value: unknown): unknown {
  const v = value as { Ref?: string; 'Fn::GetAtt'?: [string, string] };
  if (v['Fn::GetAtt']) return 'ec2-autopilot-prod-failed-events';
  if (v.Ref === 'NotifyTopic') return STACK.notifyTopicArn;
  const fn = STACK_FUNCTIONS.find((f) => functionLogicalId(f) === v.Ref);
  if (fn) return `ec2-autopilot-prod-${fn}`;
  const machine = STATE_MACHINES.find((m) => m.id === v.Ref);
  if (machine) return `arn:aws:states:eu-west-1:123456789012:stateMachine:ec2-autopilot-prod-${machine.name}`;
  return value;
}

/** An alarm as DescribeAlarms shows it, from a definition. */
const observed = (d: ReturnType<typeof selfAlarmDefinitions>[number]): ObservedAlarm => ({
  name: d.name,
  arn: `arn:aws:cloudwatch:eu-west-1:123456789012:alarm:${d.name}`,
  description: d.description,
  namespace: d.namespace,
  metric: d.metric,
  dimensions: d.dimensions,
  statistic: d.statistic,
  periodSeconds: d.periodSeconds,
  evaluationPeriods: d.evaluationPeriods,
  datapointsToAlarm: d.datapointsToAlarm,
  threshold: d.threshold,
  comparison: d.comparison,
  treatMissingData: d.treatMissingData,
  alarmActions: d.alarmActions,
  actionsEnabled: true,
  state: 'OK',
  managed: false,
});

it('are, resolved, exactly the alarms the template deploys', () => {
  const template = Object.values(selfAlarmResources({ service: 'ec2-autopilot', stage: 'prod' })) as {
    Properties: Record<string, unknown> & { Dimensions: { Name: string; Value: unknown }[] };
  }[];
  const deployed = template.map(({ Properties: p }) => ({
    name: p.AlarmName,
    description: p.AlarmDescription,
    namespace: p.Namespace,
    metric: p.MetricName,
    dimensions: Object.fromEntries(p.Dimensions.map((d) => [d.Name, resolve(d.Value)])),
    statistic: p.Statistic,
    periodSeconds: p.Period,
    evaluationPeriods: p.EvaluationPeriods,
    datapointsToAlarm: p.DatapointsToAlarm,
    threshold: p.Threshold,
    comparison: p.ComparisonOperator,
    treatMissingData: p.TreatMissingData,
    alarmActions: (p.AlarmActions as unknown[]).map(resolve),
    tags: {},
  }));
  expect(selfAlarmDefinitions(STACK)).toEqual(deployed);
  expect(deployed).toHaveLength(1 + STACK_FUNCTIONS.length + STATE_MACHINES.length);
});

it('live in the region of the notifications topic, with ARNs of its partition', () => {
  expect(stackRegion(STACK)).toBe('eu-west-1');
  const china = selfAlarmDefinitions({
    stage: 'prod',
    notifyTopicArn: 'arn:aws-cn:sns:cn-north-1:123456789012:ec2-autopilot-prod-notifications',
  });
  expect(china.at(-1)!.dimensions.StateMachineArn).toBe(
    'arn:aws-cn:states:cn-north-1:123456789012:stateMachine:ec2-autopilot-prod-refresh-image',
  );
  expect(() => selfAlarmDefinitions({ stage: 'prod', notifyTopicArn: 'not-an-arn' })).toThrow(
    'not an SNS topic ARN: not-an-arn',
  );
});

describe('planSelfAlarms', () => {
  const all = selfAlarmDefinitions(STACK).map(observed);

  it('does nothing while they are as deployed, whatever their state', () => {
    expect(
      planSelfAlarms(
        STACK,
        all.map((a) => ({ ...a, state: 'ALARM' as const })),
      ),
    ).toEqual([]);
  });

  it('creates every one on a stack that has none', () => {
    const actions = planSelfAlarms(STACK, []);
    expect(actions).toHaveLength(all.length);
    expect(actions.every((a) => a.change === 'create' && a.target === 'ec2-autopilot-prod')).toBe(true);
    expect(actions[0]!.reason).toBe(
      "the stack's own alarm ec2-autopilot-prod-failed-events-queued is missing: create it again (ApproximateNumberOfMessagesVisible > 0 in 5 min → the notifications topic)",
    );
  });

  it('restores one that was disabled, re-pointed or re-thresholded, with its ARN', () => {
    const [queue, ...rest] = all;
    const edited = { ...queue!, actionsEnabled: false, alarmActions: [], threshold: 10 };
    const actions = planSelfAlarms(STACK, [edited, ...rest]);
    expect(actions).toEqual([
      expect.objectContaining({
        change: 'update',
        drift: ['Threshold', 'AlarmActions', 'ActionsEnabled'],
        alarmArn: queue!.arn,
        alarm: expect.objectContaining({ name: queue!.name, alarmActions: [STACK.notifyTopicArn] }),
      }),
    ]);
  });

  it('re-creates the deleted one alone, and never deletes anything (an alarm of the stack it does not know)', () => {
    const stranger = { ...all[1]!, name: 'ec2-autopilot-prod-something-else' };
    const actions = planSelfAlarms(STACK, [...all.slice(0, 3), ...all.slice(4), stranger]);
    expect(actions.map((a) => [a.type, a.change, a.alarm.name])).toEqual([
      ['update-alarm', 'create', all[3]!.name],
    ]);
  });
});
