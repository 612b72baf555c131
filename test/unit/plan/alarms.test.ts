import type { AlarmDefinition } from '../../../lib/model/action';
import type { ObservedAlarm } from '../../../lib/model/snapshot';
import {
  alarmDrift,
  desiredAlarms,
  ownedAlarmNames,
  partitionOf,
  planAlarms,
  targetAlarms,
} from '../../../lib/plan/alarms';
import { ruleContext } from '../../../lib/plan/cleanup/plan';
import { parsePolicy } from '../../../lib/policy/load';
import type { InstanceTarget, Policy } from '../../../lib/policy/policy';
import { blogPolicy, seedPolicy } from '../../support/builders';

const TOPIC = 'arn:aws:sns:us-east-1:123456789012:ec2-autopilot-dev-alarms';
const REGION = 'us-east-1';
const RECOVER = 'arn:aws:automate:us-east-1:ec2:recover';
const policy = seedPolicy();

/** The issue's `blog` target, failing over after 2 min of a failed status check unless `failover` is false. */
function blog(failover = true): Policy {
  const p = parsePolicy(blogPolicy('      ladder: [t2.micro, t2.small]'));
  if (failover)
    (p.targets[0] as InstanceTarget).failover = { replaceFrom: 'latest-image', statusCheckFailedMinutes: 2 };
  return p;
}
const BLOG_IDS = { blog: 'i-0blog' };

function observed(want: AlarmDefinition): ObservedAlarm {
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

function observedFrom(name: string, p = policy, ids: Record<string, string> = {}): ObservedAlarm {
  return observed(desiredAlarms(p, TOPIC, REGION, ids).find((d) => d.alarm.name === name)!.alarm);
}

describe('the alarms a policy owns', () => {
  it('has one alarm per rule, named deterministically, pointing at the alarm topic', () => {
    const alarms = desiredAlarms(policy, TOPIC, REGION).map((d) => d.alarm);
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
    const actions = planAlarms(policy, TOPIC, REGION, []);
    expect(actions.map((a) => [a.type, a.type === 'update-alarm' ? a.change : '', a.target])).toEqual([
      ['update-alarm', 'create', 'web'],
      ['update-alarm', 'create', 'web'],
    ]);
  });

  it('does nothing when CloudWatch matches the policy', () => {
    expect(
      planAlarms(policy, TOPIC, REGION, [
        observedFrom('autopilot-web-high'),
        observedFrom('autopilot-web-low'),
      ]),
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
    const want = desiredAlarms(policy, TOPIC, REGION)[0]!.alarm;
    expect(alarmDrift(want, have)).toEqual(fields);
    const actions = planAlarms(policy, TOPIC, REGION, [have, observedFrom('autopilot-web-low')]);
    expect(actions).toEqual([
      expect.objectContaining({ type: 'update-alarm', change: 'update', drift: fields, alarmArn: have.arn }),
    ]);
  });

  it("deletes its own alarms for rules no longer in the policy, and nobody else's", () => {
    const gone = { ...observedFrom('autopilot-web-high'), name: 'autopilot-api-high', managed: true };
    const foreign = { ...observedFrom('autopilot-web-high'), name: 'autopilot-hand-made', managed: false };
    const actions = planAlarms(policy, TOPIC, REGION, [
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

describe("a failover target's status-check alarms", () => {
  const statusAlarms = (p: Policy, region = REGION) =>
    desiredAlarms(p, TOPIC, region, BLOG_IDS)
      .map((d) => d.alarm)
      .filter((a) => a.name.endsWith('-check'));

  it("watches both EC2 status checks of the instance, failing over after the policy's minutes", () => {
    expect(statusAlarms(blog())).toEqual([
      {
        name: 'autopilot-blog-system-check',
        description: expect.stringMatching(
          /^Managed by ec2-autopilot: fail blog over when its system status check .* fails for 2 min; EC2 also tries to recover the instance in place\./,
        ),
        namespace: 'AWS/EC2',
        metric: 'StatusCheckFailed_System',
        dimensions: { InstanceId: 'i-0blog' },
        statistic: 'Maximum',
        periodSeconds: 60,
        evaluationPeriods: 2,
        datapointsToAlarm: 2,
        threshold: 0,
        comparison: 'GreaterThanThreshold',
        treatMissingData: 'missing',
        alarmActions: [TOPIC, RECOVER],
        tags: {
          'autopilot:managed': 'true',
          'autopilot:target': 'blog',
          'autopilot:direction': 'system-check',
        },
      },
      expect.objectContaining({
        name: 'autopilot-blog-instance-check',
        description: expect.not.stringContaining('recover'),
        metric: 'StatusCheckFailed_Instance',
        dimensions: { InstanceId: 'i-0blog' },
        evaluationPeriods: 2,
        datapointsToAlarm: 2,
        alarmActions: [TOPIC],
        tags: expect.objectContaining({ 'autopilot:direction': 'instance-check' }),
      }),
    ]);
  });

  it.each([
    ['without failover', blog(false), BLOG_IDS, []],
    ['while its instance is not resolved', blog(), {}, []],
    [
      'with failover and an instance',
      blog(),
      BLOG_IDS,
      ['autopilot-blog-system-check', 'autopilot-blog-instance-check'],
    ],
  ])('are wanted only for a resolved failover target: %s', (_name, p, ids, names) => {
    const alarms = desiredAlarms(p, TOPIC, REGION, ids).map((d) => d.alarm.name);
    expect(alarms.filter((n) => n.endsWith('-check'))).toEqual(names);
  });

  it.each([
    ['us-east-1', 'aws', 'arn:aws:automate:us-east-1:ec2:recover'],
    ['eu-west-1', 'aws', 'arn:aws:automate:eu-west-1:ec2:recover'],
    ['cn-north-1', 'aws-cn', 'arn:aws-cn:automate:cn-north-1:ec2:recover'],
    ['cn-northwest-1', 'aws-cn', 'arn:aws-cn:automate:cn-northwest-1:ec2:recover'],
    ['us-gov-west-1', 'aws-us-gov', 'arn:aws-us-gov:automate:us-gov-west-1:ec2:recover'],
  ])('recovers on the system check only, in the region’s partition: %s', (region, partition, recover) => {
    expect(partitionOf(region)).toBe(partition);
    const [system, instance] = statusAlarms(blog(), region);
    expect(system!.alarmActions).toEqual([TOPIC, recover]);
    expect(instance!.alarmActions).toEqual([TOPIC]);
  });

  it("are re-pointed with the rules' alarms at the instance that took over", () => {
    const target = blog().targets[0]!;
    const alarms = targetAlarms(blog(), target, TOPIC, 'i-0new', REGION);
    expect(alarms.map((a) => [a.name, a.dimensions])).toEqual([
      ['autopilot-blog-high', { InstanceId: 'i-0new' }],
      ['autopilot-blog-low', { InstanceId: 'i-0new' }],
      ['autopilot-blog-system-check', { InstanceId: 'i-0new' }],
      ['autopilot-blog-instance-check', { InstanceId: 'i-0new' }],
    ]);
  });

  it('creates all four alarms of a new failover target, then nothing once they match', () => {
    const actions = planAlarms(blog(), TOPIC, REGION, [], BLOG_IDS);
    expect(actions.map((a) => [a.type, a.type === 'update-alarm' ? a.change : '', a.target])).toEqual([
      ['update-alarm', 'create', 'blog'],
      ['update-alarm', 'create', 'blog'],
      ['update-alarm', 'create', 'blog'],
      ['update-alarm', 'create', 'blog'],
    ]);
    const have = desiredAlarms(blog(), TOPIC, REGION, BLOG_IDS).map((d) => observed(d.alarm));
    expect(planAlarms(blog(), TOPIC, REGION, have, BLOG_IDS)).toEqual([]);
  });

  it.each([
    ['in another order', [RECOVER, TOPIC], []],
    ['with a repeat', [TOPIC, RECOVER, TOPIC], []],
    ['without the recover action', [TOPIC], ['AlarmActions']],
    ['without the topic', [RECOVER], ['AlarmActions']],
    ['with one more', [TOPIC, RECOVER, 'arn:aws:sns:us-east-1:1:other'], ['AlarmActions']],
    ['with none', [], ['AlarmActions']],
  ])('compares alarm actions as a set: %s', (_name, alarmActions, fields) => {
    const want = statusAlarms(blog())[0]!;
    expect(alarmDrift(want, { ...observed(want), alarmActions })).toEqual(fields);
  });

  it("deletes the status-check alarms of a target that no longer fails over, keeping its rules' alarms", () => {
    const have = desiredAlarms(blog(), TOPIC, REGION, BLOG_IDS).map((d) => observed(d.alarm));
    expect(planAlarms(blog(false), TOPIC, REGION, have, BLOG_IDS)).toEqual([
      expect.objectContaining({
        type: 'delete-alarm',
        alarmName: 'autopilot-blog-system-check',
        target: 'blog',
      }),
      expect.objectContaining({
        type: 'delete-alarm',
        alarmName: 'autopilot-blog-instance-check',
        target: 'blog',
      }),
    ]);
  });

  it('keeps them while the instance is not resolved (owned, not orphans), for reconcile and cleanup alike', () => {
    const have = desiredAlarms(blog(), TOPIC, REGION, BLOG_IDS).map((d) => observed(d.alarm));
    expect(planAlarms(blog(), TOPIC, REGION, have, {})).toEqual([]);
    const owned = [
      'autopilot-blog-high',
      'autopilot-blog-low',
      'autopilot-blog-system-check',
      'autopilot-blog-instance-check',
    ];
    expect([...ownedAlarmNames(blog())]).toEqual(owned);
    expect([...ownedAlarmNames(blog(false))]).toEqual(owned.slice(0, 2));
    const cleanup = ruleContext(
      { policy: blog(), now: new Date(0), ownTopics: [] },
      { enabled: true, minAgeDays: 0, keep: 3 },
    );
    expect([...cleanup.policyAlarms]).toEqual(owned);
  });
});
