import { CLOCK_SKEW_MS, EVENT_WINDOW_MS, eventGuard } from '../../../lib/plan/event-guards';
import { alarm, rules, seedTarget } from '../../support/builders';

const NOW = new Date('2026-11-27T12:05:00.000Z');
const { high, low } = rules(seedTarget());
const at = (ms: number) => new Date(NOW.getTime() + ms).toISOString();

describe('events that name a managed alarm but must not act', () => {
  it.each([
    [
      'a replay older than the idempotency window',
      { stateChangeTime: at(-EVENT_WINDOW_MS - 1) },
      /longer ago than the 7 days/,
    ],
    ['a state change from the future', { stateChangeTime: at(CLOCK_SKEW_MS + 60_000) }, /in the future/],
    ['a state-change time that is not a time', { stateChangeTime: 'yesterday' }, /is not a time/],
    [
      'an alarm of another region',
      { region: 'us-east-1' },
      /is in us-east-1, but this fleet runs in eu-west-1/,
    ],
    [
      'a high alarm that fires below its threshold',
      { comparison: 'LessThanThreshold' },
      /opposite of its high rule/,
    ],
    ['an infinite datapoint', { datapoints: [Infinity] }, /datapoint Infinity/],
    ['an absurd datapoint', { datapoints: [1e308] }, /datapoint 1e\+308/],
  ])('%s is ignored, with a warning', (_name, overrides, reason) => {
    const ignored = eventGuard(
      alarm({ stateChangeTime: at(-60_000), region: 'eu-west-1', ...overrides }),
      high,
      'web',
      {
        now: NOW,
        region: 'eu-west-1',
      },
    );
    expect(ignored).toMatchObject({
      severity: 'warning',
      target: 'web',
      reason: expect.stringMatching(reason),
    });
  });

  it.each([
    ['a fresh alarm of this region', {}],
    ['a state change within the clock skew', { stateChangeTime: at(CLOCK_SKEW_MS - 1_000) }],
    ['a low alarm below its threshold', { comparison: 'LessThanThreshold' }],
    ['an alarm whose region is not known', { region: undefined }],
  ])('%s acts', (_name, overrides) => {
    const rule = 'comparison' in overrides ? low : high;
    const trigger = alarm({ stateChangeTime: at(-60_000), region: 'eu-west-1', ...overrides });
    expect(eventGuard(trigger, rule, 'web', { now: NOW, region: 'eu-west-1' })).toBeUndefined();
  });
});

describe('the topic that delivered an alarm', () => {
  const ALARM_TOPIC = 'arn:aws:sns:eu-west-1:123456789012:ec2-autopilot-prod-alarms';
  const fresh = { stateChangeTime: at(-60_000), region: 'eu-west-1' };
  /** The guard of a fresh alarm of this region; `alarmTopicArn` undefined: a runtime that knows none. */
  const guard = (overrides: Parameters<typeof alarm>[0], alarmTopicArn: string | undefined) =>
    eventGuard(alarm({ ...fresh, ...overrides }), high, 'web', {
      now: NOW,
      region: 'eu-west-1',
      ...(alarmTopicArn ? { alarmTopicArn } : {}),
    });

  it.each([
    ['another deployment’s topic', 'arn:aws:sns:eu-west-1:123456789012:ec2-autopilot-staging-alarms'],
    [
      'a topic of the same name in another account',
      'arn:aws:sns:eu-west-1:210987654321:ec2-autopilot-prod-alarms',
    ],
    [
      'a topic of the same name in another region',
      'arn:aws:sns:us-east-1:123456789012:ec2-autopilot-prod-alarms',
    ],
    ['the alarm topic in other letters', ALARM_TOPIC.toUpperCase()],
  ])('%s is ignored, naming both topics', (_name, topicArn) => {
    expect(guard({ source: 'sns', topicArn }, ALARM_TOPIC)).toEqual({
      severity: 'warning',
      target: 'web',
      reason: `alarm autopilot-web-high was delivered by the SNS topic ${topicArn}, not by this deployment's alarm topic ${ALARM_TOPIC}: not acted on`,
    });
  });

  it('is checked before anything else the event says', () => {
    const ignored = guard(
      {
        topicArn: 'arn:aws:sns:eu-west-1:123456789012:other',
        stateChangeTime: at(-EVENT_WINDOW_MS - 1),
        region: 'us-east-1',
      },
      ALARM_TOPIC,
    );
    expect(ignored?.reason).toMatch(/delivered by the SNS topic arn:aws:sns:eu-west-1:123456789012:other/);
  });

  it.each<[string, Parameters<typeof alarm>[0], string | undefined]>([
    ['an alarm from the alarm topic', { source: 'sns', topicArn: ALARM_TOPIC }, ALARM_TOPIC],
    [
      'an SNS alarm when no alarm topic is known (no deployment)',
      { source: 'sns', topicArn: 'arn:aws:sns:eu-west-1:123456789012:anything' },
      undefined,
    ],
    [
      'an EventBridge alarm state change (no topic)',
      { source: 'eventbridge', topicArn: undefined },
      ALARM_TOPIC,
    ],
    [
      'a direct Lambda alarm action (no topic)',
      { source: 'lambda-action', topicArn: undefined },
      ALARM_TOPIC,
    ],
    ['a hand-built SNS record that names no topic', { source: 'sns', topicArn: undefined }, ALARM_TOPIC],
  ])('%s acts', (_name, overrides, alarmTopicArn) => {
    expect(guard(overrides, alarmTopicArn)).toBeUndefined();
  });
});
