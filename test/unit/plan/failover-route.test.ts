import type {
  AlarmState,
  AlarmTrigger,
  FailoverCheckTrigger,
  InstanceStateChangeTrigger,
} from '../../../lib/events/trigger';
import { CLOCK_SKEW_MS, EVENT_WINDOW_MS, failoverGuard } from '../../../lib/plan/event-guards';
import { eventKey, failoverTargets, routeTrigger } from '../../../lib/plan/route';
import { parsePolicy } from '../../../lib/policy/load';
import { alarm, seedPolicy } from '../../support/builders';

/** blog: resized and failed over; shop: failed over only; api: resized only; web: a group. */
const POLICY = `
version: 1
notifications: { emails: [ops@example.com] }
targets:
  - name: blog
    instance: { tags: { Name: wordpress } }
    scaleUp:
      when: { metric: CPUUtilization, above: 70, forMinutes: 5 }
      ladder: [t3.small, t3.medium]
    scaleDown:
      when: { metric: CPUUtilization, below: 30, forMinutes: 30 }
    failover:
      standby: { tags: { Name: wordpress-standby } }
      after: { statusCheckFailedMinutes: 3 }
  - name: shop
    instance: { tags: { Name: shop } }
    failover: { replaceFrom: none }
  - name: api
    instance: { tags: { Name: api } }
    scaleUp:
      when: { metric: CPUUtilization, above: 70, forMinutes: 5 }
      ladder: [t3.small, t3.medium]
  - name: web
    autoScalingGroup: web-asg
    scaleOut: { when: { metric: CPUUtilization, above: 70, forMinutes: 5 }, add: 2 }
    scaleIn:  { when: { metric: CPUUtilization, below: 30, forMinutes: 5 }, remove: 1 }
    bounds: { min: 1, max: 5 }
`;
const policy = parsePolicy(POLICY);
const NOW = new Date('2026-11-27T12:05:00.000Z');
const at = (ms: number) => new Date(NOW.getTime() + ms).toISOString();

const statusAlarm = (name: string, state: AlarmState = 'ALARM', extra: Partial<AlarmTrigger> = {}) =>
  alarm({
    alarmName: name,
    state,
    previousState: state === 'ALARM' ? 'OK' : 'ALARM',
    metric: {
      namespace: 'AWS/EC2',
      name: 'StatusCheckFailed_System',
      dimensions: { InstanceId: 'i-0aaaaaaaaaaaaaaa1' },
    },
    datapoints: [1],
    ...extra,
  });
const stateChange = (
  state: string,
  extra: Partial<InstanceStateChangeTrigger> = {},
): InstanceStateChangeTrigger => ({
  kind: 'instance-state-change',
  instanceId: 'i-0aaaaaaaaaaaaaaa1',
  state,
  region: 'eu-west-1',
  time: '2026-11-27T12:01:00.000Z',
  ...extra,
});
const check = (target: string): FailoverCheckTrigger => ({
  kind: 'failover-check',
  target,
  instanceId: 'i-0aaaaaaaaaaaaaaa1',
  seen: '203.0.113.10 on i-0aaaaaaaaaaaaaaa1, which is stopped',
  time: '2026-11-27T12:02:00.000Z',
});

describe('routing what a failover acts on', () => {
  it.each([
    ['the system check alarm of blog', 'autopilot-blog-system-check', 'blog', 'system'],
    ['the instance check alarm of blog', 'autopilot-blog-instance-check', 'blog', 'instance'],
    ['the system check alarm of shop (no scaleUp)', 'autopilot-shop-system-check', 'shop', 'system'],
  ])('%s in ALARM → a failover of that target, with the check', (_name, alarmName, target, which) => {
    const trigger = statusAlarm(alarmName);
    const route = routeTrigger(trigger, policy);
    expect(route).toEqual({
      kind: 'failover',
      detection: { kind: 'status-check', trigger, check: which },
      targets: [expect.objectContaining({ name: target, failover: expect.any(Object) })],
    });
  });

  it.each([
    ['to OK', 'OK'],
    ['to INSUFFICIENT_DATA (a stopped instance reports no status)', 'INSUFFICIENT_DATA'],
  ] as const)('a status-check alarm going %s is ignored', (_name, state) => {
    expect(routeTrigger(statusAlarm('autopilot-blog-system-check', state), policy)).toEqual({
      kind: 'ignore',
      ignored: {
        reason: `alarm autopilot-blog-system-check went to ${state}: only a change to ALARM fails over`,
        severity: 'info',
        target: 'blog',
      },
    });
  });

  it.each([
    ['of an instance target without failover', 'autopilot-api-system-check'],
    ['of a group', 'autopilot-web-instance-check'],
    ['of no target', 'autopilot-nope-system-check'],
    ['with another prefix', 'other-blog-system-check'],
  ])('a status-check alarm name %s is not managed', (_name, alarmName) => {
    const route = routeTrigger(statusAlarm(alarmName), policy);
    expect(route).toMatchObject({
      kind: 'ignore',
      ignored: { reason: expect.stringContaining('is not managed by this policy'), severity: 'info' },
    });
  });

  it.each([
    ['blog (scaleUp and failover)', 'autopilot-blog-high', 'blog', 'high'],
    ['blog (scaleUp and failover)', 'autopilot-blog-low', 'blog', 'low'],
    ['api (scaleUp only)', 'autopilot-api-high', 'api', 'high'],
  ])('the CPU alarm of %s %s → a resize, not a failover', (_name, alarmName, target, direction) => {
    expect(routeTrigger(alarm({ alarmName }), policy)).toMatchObject({
      kind: 'resize',
      target: { name: target },
      rule: { direction },
    });
  });

  it.each([['running'], ['pending'], ['stopping']])(
    'an instance state change to %s is ignored, even with failover targets',
    (state) => {
      expect(routeTrigger(stateChange(state), policy)).toEqual({
        kind: 'ignore',
        ignored: { reason: `instance i-0aaaaaaaaaaaaaaa1 is ${state}: nothing to do`, severity: 'info' },
      });
    },
  );

  it.each([['stopped'], ['terminated'], ['shutting-down']])(
    'an instance state change to %s is ignored by a policy with no failover target',
    (state) => {
      expect(routeTrigger(stateChange(state), seedPolicy())).toEqual({
        kind: 'ignore',
        ignored: { reason: `instance i-0aaaaaaaaaaaaaaa1 is ${state}: nothing to do`, severity: 'info' },
      });
    },
  );

  it.each([['stopped'], ['terminated'], ['shutting-down']])(
    'an instance state change to %s → a failover asking every failover target',
    (state) => {
      const trigger = stateChange(state);
      const route = routeTrigger(trigger, policy);
      expect(route).toMatchObject({ kind: 'failover', detection: { kind: 'state-change', trigger } });
      if (route.kind === 'failover') expect(route.targets.map((t) => t.name)).toEqual(['blog', 'shop']);
    },
  );

  it('a reconcile look at a failover target → a failover of it', () => {
    const trigger = check('shop');
    const route = routeTrigger(trigger, policy);
    expect(route).toMatchObject({ kind: 'failover', detection: { kind: 'reconcile', trigger } });
    if (route.kind === 'failover') expect(route.targets.map((t) => t.name)).toEqual(['shop']);
  });

  it.each([
    ['a target without failover', 'api'],
    ['a group', 'web'],
    ['a target the policy does not have', 'gone'],
  ])('a reconcile look at %s is ignored', (_name, target) => {
    expect(routeTrigger(check(target), policy)).toEqual({
      kind: 'ignore',
      ignored: { reason: `${target} has no failover in the policy: nothing to do`, severity: 'info' },
    });
  });

  it('the failover targets of a policy are its instance targets with a failover block, in order', () => {
    expect(failoverTargets(policy).map((t) => t.name)).toEqual(['blog', 'shop']);
    expect(failoverTargets(seedPolicy())).toEqual([]);
  });
});

describe('the idempotency key of a failover event', () => {
  it.each([
    [
      'a state change: instance, state and time',
      stateChange('terminated'),
      'i-0aaaaaaaaaaaaaaa1-terminated@2026-11-27T12:01:00.000Z',
    ],
    [
      'another state of the same instance at the same time',
      stateChange('shutting-down'),
      'i-0aaaaaaaaaaaaaaa1-shutting-down@2026-11-27T12:01:00.000Z',
    ],
    [
      'a status-check alarm: its name and state-change time',
      statusAlarm('autopilot-blog-system-check'),
      'autopilot-blog-system-check@2026-11-27T12:00:00.000Z',
    ],
    [
      'a status-check alarm re-checked by reconcile: none',
      statusAlarm('autopilot-blog-system-check', 'ALARM', { source: 'reconcile' }),
      undefined,
    ],
    ['a reconcile look: none (reconcile names the operation)', check('blog'), undefined],
  ])('%s', (_name, trigger, key) => {
    expect(eventKey(trigger)).toBe(key);
  });

  it('is the same for a duplicate delivery of a state change', () => {
    expect(eventKey(stateChange('stopped'))).toBe(eventKey({ ...stateChange('stopped') }));
  });
});

describe('failover events that must not act', () => {
  const ALARM_TOPIC = 'arn:aws:sns:eu-west-1:123456789012:ec2-autopilot-prod-alarms';
  const context = { now: NOW, region: 'eu-west-1', alarmTopicArn: ALARM_TOPIC };
  const fresh = (extra: Partial<AlarmTrigger> = {}) =>
    statusAlarm('autopilot-blog-system-check', 'ALARM', {
      stateChangeTime: at(-60_000),
      region: 'eu-west-1',
      topicArn: ALARM_TOPIC,
      ...extra,
    });

  it.each([
    [
      'a status alarm delivered by another topic',
      fresh({ topicArn: 'arn:aws:sns:eu-west-1:123456789012:ec2-autopilot-staging-alarms' }),
      'blog',
      `alarm autopilot-blog-system-check was delivered by the SNS topic arn:aws:sns:eu-west-1:123456789012:ec2-autopilot-staging-alarms, not by this deployment's alarm topic ${ALARM_TOPIC}: not acted on`,
    ],
    [
      'a status alarm of another topic, old and of another region too (the topic is said first)',
      fresh({
        topicArn: 'arn:aws:sns:us-east-1:123456789012:x',
        region: 'us-east-1',
        stateChangeTime: at(-EVENT_WINDOW_MS - 1),
      }),
      'blog',
      /delivered by the SNS topic arn:aws:sns:us-east-1:123456789012:x/,
    ],
    [
      'a status alarm older than the idempotency window',
      fresh({ stateChangeTime: at(-EVENT_WINDOW_MS - 1) }),
      'blog',
      /^alarm autopilot-blog-system-check changed state at .*, longer ago than the 7 days events are remembered: a replay is not acted on$/,
    ],
    [
      'a status alarm from the future',
      fresh({ stateChangeTime: at(CLOCK_SKEW_MS + 60_000) }),
      'blog',
      /changed state at .*, in the future: not acted on$/,
    ],
    [
      'a status alarm of another region',
      fresh({ region: 'us-east-1' }),
      'blog',
      'alarm autopilot-blog-system-check is in us-east-1, but this fleet runs in eu-west-1: not acted on here',
    ],
    [
      'a state change older than the idempotency window',
      stateChange('terminated', { time: at(-EVENT_WINDOW_MS - 1) }),
      undefined,
      /^the state change of i-0aaaaaaaaaaaaaaa1 to terminated happened at .*, longer ago than the 7 days events are remembered: a replay is not acted on$/,
    ],
    [
      'a state change whose time is not a time',
      stateChange('stopped', { time: 'yesterday' }),
      undefined,
      'the state change of i-0aaaaaaaaaaaaaaa1 to stopped: its event time yesterday is not a time',
    ],
    [
      'a state change of another region',
      stateChange('stopped', { time: at(-1_000), region: 'us-east-1' }),
      undefined,
      'the state change of i-0aaaaaaaaaaaaaaa1 to stopped is in us-east-1, but this fleet runs in eu-west-1: not acted on here',
    ],
  ])('%s is ignored, with a warning', (_name, trigger, target, reason) => {
    const ignored = failoverGuard(trigger, target, context);
    expect(ignored).toEqual({
      severity: 'warning',
      reason: typeof reason === 'string' ? reason : expect.stringMatching(reason),
      ...(target ? { target } : {}),
    });
  });

  it.each([
    ['a fresh status alarm from the alarm topic', fresh()],
    ['a status alarm by EventBridge (no topic)', fresh({ topicArn: undefined, source: 'eventbridge' })],
    ['a status alarm within the clock skew', fresh({ stateChangeTime: at(CLOCK_SKEW_MS - 1_000) })],
    ['a status alarm whose region is not known', fresh({ region: undefined })],
    ['a fresh state change', stateChange('stopped', { time: at(-1_000) })],
    [
      'a state change whose region is not known',
      stateChange('stopped', { time: at(-1_000), region: undefined }),
    ],
    [
      'a state change carries no topic, so a runtime that knows one does not refuse it',
      stateChange('terminated', { time: at(-1_000) }),
    ],
  ])('%s acts', (_name, trigger) => {
    expect(failoverGuard(trigger, 'blog', context)).toBeUndefined();
  });

  it('a status alarm from another topic acts when the runtime knows no alarm topic (a local plan)', () => {
    const trigger = fresh({ topicArn: 'arn:aws:sns:eu-west-1:123456789012:elsewhere' });
    expect(failoverGuard(trigger, 'blog', { now: NOW, region: 'eu-west-1' })).toBeUndefined();
  });
});
