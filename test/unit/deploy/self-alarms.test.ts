/**
 * The alarms the stack watches itself with: one on the failed-events queue, one per function, one per
 * state machine, each notifying the notifications topic only; named outside the policy's prefix, never
 * taken for an orphan by cleanup's alarm rule, and denied to cleanup's roles. Pure.
 */
import { cleanupStatements } from '../../../lib/deploy/cleanup-role';
import { selfAlarmResources, selfAlarms } from '../../../lib/deploy/self-alarms';
import { ASYNC_FUNCTIONS, FUNCTIONS, STATE_MACHINES } from '../../../lib/deploy/stack';
import { parsePolicy } from '../../../lib/policy/load';
import { RULES } from '../../../lib/plan/cleanup/rules';
import { context, inventory } from '../cleanup/builders';

const NAMES = { service: 'ec2-autopilot', stage: 'prod' };

it('watches the queue, every function and every state machine, each with the notifications topic alone', () => {
  const alarms = selfAlarms(NAMES);
  expect(alarms.map((a) => a.name)).toEqual([
    'ec2-autopilot-prod-failed-events-queued',
    ...FUNCTIONS.map((fn) => `ec2-autopilot-prod-${fn}-errors`),
    'ec2-autopilot-prod-resize-executions-failed',
    'ec2-autopilot-prod-failover-executions-failed',
    'ec2-autopilot-prod-refresh-image-executions-failed',
  ]);
  expect(alarms.filter((a) => a.metric === 'ExecutionsFailed')).toHaveLength(STATE_MACHINES.length);
  for (const resource of Object.values(selfAlarmResources(NAMES)) as {
    Properties: Record<string, unknown>;
  }[])
    expect(resource.Properties).toMatchObject({
      Threshold: 0,
      ComparisonOperator: 'GreaterThanThreshold',
      EvaluationPeriods: 1,
      Period: 300,
      TreatMissingData: 'notBreaching',
      AlarmActions: [{ Ref: 'NotifyTopic' }],
    });
});

it('has a failed-events queue for the asynchronously invoked functions only', () => {
  expect([...ASYNC_FUNCTIONS].sort()).toEqual(['cleanup', 'cleanupDelete', 'onEvent', 'reconcile']);
});

describe("cleanup's alarm rule", () => {
  // As CloudFormation creates them: OK (missing data is not breaching), untagged, on a queue, functions
  // and state machines. With a policy prefix that is the stack name's first word, the closest it gets.
  const policy = `version: 1\nalarmPrefix: ec2\ntargets:\n  - name: web\n    autoScalingGroup: web-asg\n    scaleOut: { when: { above: 70 }, add: 1 }\n`;
  const alarms = selfAlarms(NAMES).map((a) => ({
    name: a.name,
    arn: `arn:aws:cloudwatch:us-east-1:123456789012:alarm:${a.name}`,
    description: a.description,
    state: 'OK',
    stateUpdatedAt: '2020-01-01T00:00:00.000Z',
    configurationUpdatedAt: '2020-01-01T00:00:00.000Z',
    dimensions: [{ [a.dimension]: 'x' }],
    actions: ['arn:aws:sns:us-east-1:123456789012:ec2-autopilot-prod-notifications'],
    metricCount: 1,
    highResolution: false,
  }));

  it('never takes the stack’s own alarms for orphans', () => {
    const inv = inventory({ alarms } as Parameters<typeof inventory>[0]);
    const ctx = context({ minAgeDays: 0 }, policy);
    expect(RULES.alarm.lookups!(inv, ctx)).toEqual([]);
    expect(RULES.alarm.find(inv, ctx)).toEqual([]);
  });
});

describe("cleanup's roles", () => {
  const policy = parsePolicy(
    'version: 1\ntargets:\n  - name: web\n    autoScalingGroup: web-asg\n    scaleOut: { when: { above: 70 }, add: 1 }\ncleanup:\n  mode: delete\n',
  );
  const pattern = {
    'Fn::Sub': 'arn:${AWS::Partition}:cloudwatch:${AWS::Region}:${AWS::AccountId}:alarm:ec2-autopilot-prod-*',
  };

  it('may neither mark nor delete the stack’s own alarms, and every one of them matches the Deny', () => {
    const denied = (role: 'mark' | 'delete') =>
      cleanupStatements(policy.cleanup!, role, policy, NAMES).filter(
        (s) => s.Effect === 'Deny' && JSON.stringify(s.Resource).includes('ec2-autopilot-prod-*'),
      );
    expect(denied('mark')).toEqual([
      { Effect: 'Deny', Action: ['cloudwatch:TagResource', 'cloudwatch:UntagResource'], Resource: [pattern] },
    ]);
    expect(denied('delete')).toEqual([
      { Effect: 'Deny', Action: ['cloudwatch:DeleteAlarms'], Resource: [pattern] },
    ]);
    for (const a of selfAlarms(NAMES)) expect(a.name.startsWith('ec2-autopilot-prod-')).toBe(true);
  });

  it('may send to the failed-events queue, and to no other queue', () => {
    for (const role of ['mark', 'delete'] as const)
      expect(
        cleanupStatements(policy.cleanup!, role, policy, NAMES).filter((s) =>
          s.Action.some((a) => a.startsWith('sqs:')),
        ),
      ).toEqual([
        {
          Effect: 'Allow',
          Action: ['sqs:SendMessage'],
          Resource: { 'Fn::GetAtt': ['FailedEventsQueue', 'Arn'] },
        },
      ]);
  });
});
