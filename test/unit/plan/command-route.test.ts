/** A command on the alarm topic: its guard (topic, time), its route (the target it names) and its key. */
import type { CommandTrigger } from '../../../lib/events/trigger';
import { CLOCK_SKEW_MS, EVENT_WINDOW_MS, commandGuard } from '../../../lib/plan/event-guards';
import { eventKey, routeTrigger } from '../../../lib/plan/route';
import { parsePolicy } from '../../../lib/policy/load';

const ALARM_TOPIC = 'arn:aws:sns:eu-west-1:123456789012:ec2-autopilot-prod-alarms';
const NOW = new Date('2026-11-27T12:05:00.000Z');
const at = (ms: number) => new Date(NOW.getTime() + ms).toISOString();

const policy = parsePolicy(`version: 1
targets:
  - name: web
    autoScalingGroup: web-asg
    imageRefresh:
      from: { instance: { tags: { Role: golden } } }
  - name: api
    autoScalingGroup: api-asg
    scaleOut: { when: { metric: CPUUtilization, above: 70, forMinutes: 5 }, add: 1 }
  - name: blog
    instance: { tags: { Name: wordpress } }
    scaleUp: { when: { above: 70, forMinutes: 5 }, ladder: [t3.micro, t3.small] }
`);

const command = (overrides: Partial<CommandTrigger> = {}): CommandTrigger => ({
  kind: 'command',
  command: 'refresh-image',
  target: 'web',
  messageId: '6f3c7a1e-0b5d-5e2a-9c41-2d8f3e7b9a10',
  topicArn: ALARM_TOPIC,
  region: 'eu-west-1',
  time: at(-60_000),
  ...overrides,
});

describe('the guard of a command', () => {
  /** `alarmTopicArn` null: a runtime that knows none. */
  const guard = (overrides: Partial<CommandTrigger>, alarmTopicArn: string | null = ALARM_TOPIC) =>
    commandGuard(command(overrides), { now: NOW, ...(alarmTopicArn ? { alarmTopicArn } : {}) });

  it('ignores one from another topic, naming both, whatever else it says', () => {
    const other = 'arn:aws:sns:eu-west-1:123456789012:ec2-autopilot-staging-alarms';
    expect(guard({ topicArn: other, target: 'nope', time: at(-EVENT_WINDOW_MS - 1) })).toEqual({
      severity: 'warning',
      reason: `the refresh-image command for nope was delivered by the SNS topic ${other}, not by this deployment's alarm topic ${ALARM_TOPIC}: not acted on`,
    });
  });

  it.each([
    [
      'a replay older than the claims remember',
      at(-EVENT_WINDOW_MS - 1),
      /published at .*longer ago than the 7 days/,
    ],
    ['one from the future', at(CLOCK_SKEW_MS + 60_000), /published at .*, in the future: not acted on/],
    ['a time that is not one', 'yesterday', /its publication time yesterday is not a time/],
  ])('ignores %s, with a warning', (_name, time, reason) => {
    expect(guard({ time })).toMatchObject({ severity: 'warning', reason: expect.stringMatching(reason) });
  });

  it.each<[string, Partial<CommandTrigger>, string | null]>([
    ['one from the alarm topic', {}, ALARM_TOPIC],
    ['one within the clock skew', { time: at(CLOCK_SKEW_MS - 1000) }, ALARM_TOPIC],
    [
      'a hand-built one that names no topic and no time',
      { topicArn: undefined, time: undefined },
      ALARM_TOPIC,
    ],
    [
      'any topic, when no alarm topic is known (no deployment)',
      { topicArn: 'arn:aws:sns:eu-west-1:1:x' },
      null,
    ],
  ])('lets %s through', (_name, overrides, alarmTopicArn) => {
    expect(guard(overrides, alarmTopicArn)).toBeUndefined();
  });
});

describe('routing a command', () => {
  it('sends a refresh of a target with imageRefresh to the refresh', () => {
    const trigger = command();
    expect(routeTrigger(trigger, policy)).toEqual({
      kind: 'refresh-image',
      trigger,
      target: policy.targets[0],
    });
  });

  it.each([
    [
      'a target the policy does not have',
      'shop',
      undefined,
      'the refresh-image command for shop: no target shop in the policy (targets with imageRefresh: web): not acted on',
    ],
    [
      'a group target without imageRefresh',
      'api',
      'api',
      'the refresh-image command for api: api has no imageRefresh in the policy (targets with imageRefresh: web): not acted on',
    ],
    [
      'an instance target',
      'blog',
      'blog',
      'the refresh-image command for blog: blog has no imageRefresh in the policy (targets with imageRefresh: web): not acted on',
    ],
  ])('ignores %s with a warning, not as an error', (_name, target, named, reason) => {
    expect(routeTrigger(command({ target }), policy)).toEqual({
      kind: 'ignore',
      ignored: { severity: 'warning', reason, ...(named ? { target: named } : {}) },
    });
  });

  it('keys it on the command, the target and the SNS message: one operation per message', () => {
    expect(eventKey(command())).toBe('refresh-image-web@6f3c7a1e-0b5d-5e2a-9c41-2d8f3e7b9a10');
    expect(eventKey(command({ messageId: 'another' }))).not.toBe(eventKey(command()));
  });
});
