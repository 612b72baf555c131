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
