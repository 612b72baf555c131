import type { ObservedAlarm } from '../../../lib/model/snapshot';
import { alarmDrift, desiredAlarms, planAlarms } from '../../../lib/plan/alarms';
import { seedPolicy } from '../../support/builders';

const TOPIC = 'arn:aws:sns:us-east-1:123456789012:ec2-autopilot-dev-alarms';
const policy = seedPolicy();

function observedFrom(name: string): ObservedAlarm {
  const want = desiredAlarms(policy, TOPIC).find((d) => d.alarm.name === name)!.alarm;
  return {
    name: want.name,
    arn: `arn:aws:cloudwatch:us-east-1:123456789012:alarm:${want.name}`,
    description: want.description,
    namespace: want.namespace,
    metric: want.metric,
    dimensions: { ...want.dimensions },
    statistic: want.statistic,
    periodSeconds: want.periodSeconds,
    evaluationPeriods: want.evaluationPeriods,
    datapointsToAlarm: want.datapointsToAlarm,
    threshold: want.threshold,
    comparison: want.comparison,
    treatMissingData: want.treatMissingData,
    alarmActions: [...want.alarmActions],
    actionsEnabled: true,
    state: 'OK',
    managed: true,
  };
}

describe('the alarms a policy owns', () => {
  it('has one alarm per rule, named deterministically, pointing at the alarm topic', () => {
    const alarms = desiredAlarms(policy, TOPIC).map((d) => d.alarm);
    expect(alarms).toEqual([
      expect.objectContaining({
        name: 'autopilot-web-high',
        namespace: 'AWS/EC2',
        metric: 'CPUUtilization',
        dimensions: { AutoScalingGroupName: 'web-asg' },
        statistic: 'Average',
        periodSeconds: 60,
        evaluationPeriods: 5,
        datapointsToAlarm: 5,
        threshold: 70,
        comparison: 'GreaterThanThreshold',
        alarmActions: [TOPIC],
        tags: { 'autopilot:managed': 'true', 'autopilot:target': 'web', 'autopilot:direction': 'high' },
      }),
      expect.objectContaining({
        name: 'autopilot-web-low',
        threshold: 30,
        comparison: 'LessThanThreshold',
        evaluationPeriods: 5,
      }),
    ]);
  });

  it('creates both when none exist', () => {
    const actions = planAlarms(policy, TOPIC, []);
    expect(actions.map((a) => [a.type, a.type === 'update-alarm' ? a.change : '', a.target])).toEqual([
      ['update-alarm', 'create', 'web'],
      ['update-alarm', 'create', 'web'],
    ]);
  });

  it('does nothing when CloudWatch matches the policy', () => {
    expect(
      planAlarms(policy, TOPIC, [observedFrom('autopilot-web-high'), observedFrom('autopilot-web-low')]),
    ).toEqual([]);
  });

  it.each([
    ['threshold edited by hand', { threshold: 90 }, ['Threshold']],
    ['actions disabled', { actionsEnabled: false }, ['ActionsEnabled']],
    ['actions pointed elsewhere', { alarmActions: ['arn:aws:sns:us-east-1:1:other'] }, ['AlarmActions']],
    ['another group', { dimensions: { AutoScalingGroupName: 'other' } }, ['Dimensions']],
    ['period and statistic', { periodSeconds: 300, statistic: 'Maximum' }, ['Statistic', 'Period']],
  ])('repairs drift: %s', (_name, change, fields) => {
    const have = { ...observedFrom('autopilot-web-high'), ...change } as ObservedAlarm;
    const want = desiredAlarms(policy, TOPIC)[0]!.alarm;
    expect(alarmDrift(want, have)).toEqual(fields);
    const actions = planAlarms(policy, TOPIC, [have, observedFrom('autopilot-web-low')]);
    expect(actions).toEqual([
      expect.objectContaining({ type: 'update-alarm', change: 'update', drift: fields, alarmArn: have.arn }),
    ]);
  });

  it("deletes its own alarms for rules no longer in the policy, and nobody else's", () => {
    const gone = { ...observedFrom('autopilot-web-high'), name: 'autopilot-api-high', managed: true };
    const foreign = { ...observedFrom('autopilot-web-high'), name: 'autopilot-hand-made', managed: false };
    const actions = planAlarms(policy, TOPIC, [
      observedFrom('autopilot-web-high'),
      observedFrom('autopilot-web-low'),
      gone,
      foreign,
    ]);
    expect(actions).toEqual([
      expect.objectContaining({ type: 'delete-alarm', alarmName: 'autopilot-api-high', target: 'api' }),
    ]);
  });
});
