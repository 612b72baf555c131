import fc from 'fast-check';
import { planCapacity, type CapacityInput } from '../../../lib/plan/capacity';
import type { AutoScalingTarget } from '../../../lib/policy/policy';
import { parsePolicy } from '../../../lib/policy/load';
import { alarm, rules, seedTarget, snapshot } from '../../support/builders';

const NOW = new Date('2026-11-27T12:05:00.000Z');
const target = seedTarget();
const { high, low } = rules(target);

const plan = (input: Partial<CapacityInput>) =>
  planCapacity({ trigger: alarm(), target, rule: high, snapshot: snapshot(), now: NOW, ...input });

describe('fixed steps (the seed policy: +2 above 70 %, −1 below 30 %, bounds 1–5)', () => {
  it.each([
    ['high alarm at 1 adds 2', high, 85, 1, 3],
    ['high alarm at 3 adds 2', high, 85, 3, 5],
    ['high alarm at 4 is clamped to the max 5', high, 85, 4, 5],
    ['low alarm at 3 removes 1', low, 10, 3, 2],
    ['low alarm at 5 removes 1', low, 20, 5, 4],
  ])('%s', (_name, rule, value, desired, to) => {
    const decision = plan({
      rule,
      trigger: alarm({ datapoints: [value] }),
      snapshot: snapshot({ desiredCapacity: desired }),
    });
    expect(decision.ignored).toBeUndefined();
    expect(decision.action).toMatchObject({
      type: 'set-desired-capacity',
      target: 'web',
      autoScalingGroup: 'web-asg',
      from: desired,
      to,
      direction: rule.direction === 'high' ? 'out' : 'in',
    });
  });

  it('prices the change from the group instance type', () => {
    const decision = plan({ snapshot: snapshot({ desiredCapacity: 1, instanceType: 't2.micro' }) });
    // 2 × t2.micro at $0.0116/hour × 730 hours
    expect(decision.action?.monthlyCostDeltaUsd).toBeCloseTo(16.94, 2);
    expect(decision.action?.instanceType).toBe('t2.micro');
  });

  it('a removal saves money (negative delta)', () => {
    const decision = plan({
      rule: low,
      trigger: alarm({ datapoints: [10] }),
      snapshot: snapshot({ desiredCapacity: 3 }),
    });
    expect(decision.action?.monthlyCostDeltaUsd).toBeCloseTo(-8.47, 2);
  });

  it('omits the cost when the type is not in the price table', () => {
    const decision = plan({ snapshot: snapshot({ instanceType: 'x9.huge' }) });
    expect(decision.action).toBeDefined();
    expect(decision.action).not.toHaveProperty('monthlyCostDeltaUsd');
  });

  it('explains the decision with the metric, threshold and minutes', () => {
    const decision = plan({ trigger: alarm({ datapoints: [85.24, 80] }) });
    expect(decision.action?.reason).toBe(
      'CPUUtilization at 85.2 % was above 70 for 5 min: scale web-asg out 1 → 3 (add 2, bounds 1–5)',
    );
  });
});

describe('bounds: the group and the policy, whichever is narrower', () => {
  it.each([
    ['at the policy max', { desiredCapacity: 5, maxSize: 10 }, high, 'maximum (5)'],
    ['at the group max (narrower than the policy)', { desiredCapacity: 3, maxSize: 3 }, high, 'maximum (3)'],
    ['at the policy min', { desiredCapacity: 1 }, low, 'minimum (1)'],
    ['at the group min (narrower than the policy)', { desiredCapacity: 2, minSize: 2 }, low, 'minimum (2)'],
  ])('does nothing %s', (_name, group, rule, words) => {
    const decision = plan({
      rule,
      trigger: alarm({ datapoints: [rule === high ? 90 : 5] }),
      snapshot: snapshot(group),
    });
    expect(decision.action).toBeUndefined();
    expect(decision.ignored?.reason).toContain(`already at its ${words}`);
  });

  it('warns when the policy and group bounds do not overlap', () => {
    const decision = plan({ snapshot: snapshot({ minSize: 6, maxSize: 10, desiredCapacity: 6 }) });
    expect(decision.ignored).toEqual({
      severity: 'warning',
      reason: expect.stringContaining('do not overlap'),
    });
  });

  it('never moves a group against the alarm when it was put outside the bounds by hand', () => {
    const decision = plan({ snapshot: snapshot({ desiredCapacity: 8, maxSize: 10 }) });
    expect(decision.action).toBeUndefined();
    expect(decision.ignored?.reason).toContain('outside the bounds');
  });
});

describe('cooldown', () => {
  const recent = { lastActionAt: '2026-11-27T12:02:00.000Z', lastFrom: 1, lastTo: 3, version: 1 };
  it.each([
    ['scale-out after a scale-out 3 min ago', high, 'out', true],
    ['scale-in after a scale-out 3 min ago', low, 'out', true],
    ['scale-in after a scale-in 3 min ago', low, 'in', true],
    ['scale-out right after a scale-in (availability first)', high, 'in', false],
  ] as const)('%s: held back = %s', (_name, rule, lastDirection, held) => {
    const decision = plan({
      rule,
      trigger: alarm({ datapoints: [rule === high ? 90 : 5] }),
      snapshot: snapshot({ desiredCapacity: 3 }, { ...recent, lastDirection }),
    });
    expect(decision.action === undefined).toBe(held);
    if (held) expect(decision.ignored?.reason).toContain('cooling down until 2026-11-27 12:07 UTC');
  });

  it('acts once the cooldown has passed', () => {
    const decision = plan({
      now: new Date('2026-11-27T12:07:00.000Z'),
      snapshot: snapshot({ desiredCapacity: 3 }, { ...recent, lastDirection: 'out' }),
    });
    expect(decision.action).toMatchObject({ from: 3, to: 5 });
  });
});

describe('hysteresis: a scale-in never pushes the remaining instances over the scale-out threshold', () => {
  it('scales in when the projected load stays below 70 %', () => {
    // 25 % on 3 instances → 37.5 % on 2
    const decision = plan({
      rule: low,
      trigger: alarm({ datapoints: [25] }),
      snapshot: snapshot({ desiredCapacity: 3 }),
    });
    expect(decision.action).toMatchObject({ from: 3, to: 2 });
  });

  it('holds a bigger removal back to what the load allows', () => {
    const policy = parsePolicy(`
version: 1
targets:
  - name: web
    autoScalingGroup: web-asg
    scaleOut: { when: { above: 70 }, add: 1 }
    scaleIn: { when: { below: 45 }, remove: 5 }
`);
    const t = policy.targets[0] as AutoScalingTarget;
    // 40 % on 10 instances = 400 %-instances: at least ceil(400 / 70) = 6 must stay.
    const decision = plan({
      target: t,
      rule: t.scaleIn!,
      trigger: alarm({ datapoints: [40] }),
      snapshot: snapshot({ desiredCapacity: 10, maxSize: 20 }),
    });
    expect(decision.action).toMatchObject({ from: 10, to: 6 });
    expect(decision.action?.reason).toContain('held at 6');
  });

  it('refuses when even one fewer instance would cross the threshold', () => {
    const policy = parsePolicy(`
version: 1
targets:
  - name: web
    autoScalingGroup: web-asg
    scaleOut: { when: { above: 70 }, add: 1 }
    scaleIn: { when: { below: 60 }, remove: 1 }
`);
    const t = policy.targets[0] as AutoScalingTarget;
    // 55 % on 2 → 110 % on 1
    const decision = plan({
      target: t,
      rule: t.scaleIn!,
      trigger: alarm({ datapoints: [55] }),
      snapshot: snapshot({ desiredCapacity: 2 }),
    });
    expect(decision.action).toBeUndefined();
    expect(decision.ignored?.reason).toContain('about 110 %, over the scale-out threshold 70');
  });

  it('uses the value read from CloudWatch when the event carried none', () => {
    const decision = plan({
      rule: low,
      trigger: alarm({ datapoints: [] }),
      snapshot: snapshot({ desiredCapacity: 2 }, {}, 60),
    });
    expect(decision.action).toBeUndefined();
  });

  it('does not scale in blind when no value is known at all', () => {
    const decision = plan({
      rule: low,
      trigger: alarm({ datapoints: [] }),
      snapshot: snapshot({ desiredCapacity: 3 }),
    });
    expect(decision.action).toBeUndefined();
    expect(decision.ignored?.reason).toContain('no value of CPUUtilization is known');
  });
});

describe('proportional mode (target tracking)', () => {
  const policy = parsePolicy(`
version: 1
targets:
  - name: api
    autoScalingGroup: api-asg
    scaleOut: { target: 60 }
    scaleIn: { target: 60 }
    bounds: { min: 1, max: 20 }
`);
  const t = policy.targets[0] as AutoScalingTarget;

  it('derives the alarm thresholds: above the target, below 90 % of it', () => {
    expect(t.scaleOut!.when.threshold).toBe(60);
    expect(t.scaleIn!.when.threshold).toBe(54);
  });

  it.each([
    ['4 at 90 % → ceil(6) = 6', t.scaleOut!, 4, 90, 6],
    ['4 at 61 % → ceil(4.07) = 5 (rounds up when adding)', t.scaleOut!, 4, 61, 5],
    ['3 at 100 % → 5', t.scaleOut!, 3, 100, 5],
    ['10 at 20 % → ceil(3.33) = 4 (removes only whole spare instances)', t.scaleIn!, 10, 20, 4],
    ['6 at 50 % → ceil(5) = 5', t.scaleIn!, 6, 50, 5],
    ['10 at 1 % → the min 1', t.scaleIn!, 10, 1, 1],
    ['15 at 200 % → the max 20', t.scaleOut!, 15, 200, 20],
  ])('%s', (_name, rule, current, value, to) => {
    const decision = plan({
      target: t,
      rule,
      trigger: alarm({ datapoints: [value] }),
      snapshot: snapshot({ desiredCapacity: current, maxSize: 30 }),
    });
    expect(decision.action).toMatchObject({ from: current, to });
  });

  it('always adds at least one on a high alarm', () => {
    const decision = plan({
      target: t,
      rule: t.scaleOut!,
      trigger: alarm({ datapoints: [60.5] }),
      snapshot: snapshot({ desiredCapacity: 1 }),
    });
    expect(decision.action).toMatchObject({ from: 1, to: 2 });
  });

  it('keeps the capacity when the load still needs it', () => {
    const decision = plan({
      target: t,
      rule: t.scaleIn!,
      trigger: alarm({ datapoints: [53] }),
      snapshot: snapshot({ desiredCapacity: 2 }),
    });
    expect(decision.action).toBeUndefined();
    expect(decision.ignored?.reason).toContain('still needs 2');
  });

  it('cannot size without a metric value, and says so', () => {
    const decision = plan({
      target: t,
      rule: t.scaleOut!,
      trigger: alarm({ datapoints: [] }),
      snapshot: snapshot(),
    });
    expect(decision.ignored).toEqual({
      severity: 'warning',
      reason: expect.stringContaining('proportional scaling cannot size'),
    });
  });
});

describe('refusals', () => {
  it.each([
    ['an alarm back to OK', { trigger: alarm({ state: 'OK' }) }, 'only a change to ALARM acts', 'info'],
    ['a missing group', { snapshot: snapshot(null) }, 'does not exist', 'warning'],
    [
      'a group being deleted',
      { snapshot: snapshot({ status: 'Delete in progress' }) },
      'Delete in progress',
      'warning',
    ],
    [
      'suspended launches',
      { snapshot: snapshot({ suspendedProcesses: ['Launch'] }) },
      'Launch process suspended',
      'warning',
    ],
  ] as const)('%s', (_name, input, words, severity) => {
    const decision = plan(input as Partial<CapacityInput>);
    expect(decision.action).toBeUndefined();
    expect(decision.ignored?.severity).toBe(severity);
    expect(decision.ignored?.reason).toContain(words);
  });
});

describe('invariants (property tests)', () => {
  const arbitraryCase = fc.record({
    minSize: fc.integer({ min: 0, max: 10 }),
    span: fc.integer({ min: 0, max: 20 }),
    desiredOffset: fc.integer({ min: 0, max: 20 }),
    boundsMin: fc.integer({ min: 0, max: 10 }),
    boundsSpan: fc.integer({ min: 0, max: 20 }),
    high: fc.boolean(),
    // Metric values as CloudWatch reports utilisation: 0 to 100 with a decimal.
    value: fc.integer({ min: 0, max: 1000 }).map((v) => v / 10),
    proportional: fc.boolean(),
    step: fc.integer({ min: 1, max: 10 }),
    lastMinutesAgo: fc.option(fc.integer({ min: 0, max: 60 })),
    lastDirection: fc.constantFrom('out' as const, 'in' as const),
    cooldown: fc.integer({ min: 0, max: 30 }),
  });

  function run(c: {
    minSize: number;
    span: number;
    desiredOffset: number;
    boundsMin: number;
    boundsSpan: number;
    high: boolean;
    value: number;
    proportional: boolean;
    step: number;
    lastMinutesAgo: number | null;
    lastDirection: 'out' | 'in';
    cooldown: number;
  }) {
    const maxSize = c.minSize + c.span;
    const desired = Math.min(maxSize, c.minSize + c.desiredOffset);
    const t: AutoScalingTarget = {
      ...target,
      bounds: { min: c.boundsMin, max: c.boundsMin + c.boundsSpan },
      cooldownMinutes: c.cooldown,
      scaleOut: {
        ...high,
        step: c.proportional ? { kind: 'proportional', target: 50 } : { kind: 'fixed', count: c.step },
      },
      scaleIn: {
        ...low,
        step: c.proportional ? { kind: 'proportional', target: 50 } : { kind: 'fixed', count: c.step },
      },
    };
    const last =
      c.lastMinutesAgo === null
        ? {}
        : {
            lastActionAt: new Date(NOW.getTime() - c.lastMinutesAgo * 60_000).toISOString(),
            lastDirection: c.lastDirection,
            lastFrom: 1,
            lastTo: 2,
            version: 1,
          };
    const decision = planCapacity({
      trigger: alarm({ datapoints: [c.value] }),
      target: t,
      rule: c.high ? t.scaleOut! : t.scaleIn!,
      snapshot: snapshot({ minSize: c.minSize, maxSize, desiredCapacity: desired }, last),
      now: NOW,
    });
    return { decision, maxSize, desired, t };
  }

  it('the new desired capacity is always within the group and policy bounds', () => {
    fc.assert(
      fc.property(arbitraryCase, (c) => {
        const { decision, maxSize, t } = run(c);
        if (!decision.action) return true;
        const lo = Math.max(c.minSize, t.bounds!.min);
        const hi = Math.min(maxSize, t.bounds!.max);
        return (
          decision.action.to >= lo && decision.action.to <= hi && decision.action.to !== decision.action.from
        );
      }),
      { numRuns: 2000 },
    );
  });

  it('never scales in within the cooldown of any change', () => {
    fc.assert(
      fc.property(arbitraryCase, (c) => {
        const { decision } = run({ ...c, high: false });
        const inCooldown = c.lastMinutesAgo !== null && c.lastMinutesAgo < c.cooldown;
        return !(inCooldown && decision.action);
      }),
      { numRuns: 2000 },
    );
  });

  it('an alarm only ever moves capacity in its own direction', () => {
    fc.assert(
      fc.property(arbitraryCase, (c) => {
        const { decision } = run(c);
        if (!decision.action) return true;
        return c.high ? decision.action.to > decision.action.from : decision.action.to < decision.action.from;
      }),
      { numRuns: 2000 },
    );
  });

  it('a scale-in never projects the load over the scale-out threshold', () => {
    fc.assert(
      fc.property(arbitraryCase, (c) => {
        const { decision } = run({ ...c, high: false });
        if (!decision.action) return true;
        // Down to zero instances only when there is no load at all to move.
        if (decision.action.to === 0) return c.value === 0;
        return (c.value * decision.action.from) / decision.action.to <= high.when.threshold + 1e-9;
      }),
      { numRuns: 2000 },
    );
  });
});

describe('a retry of an event whose change was recorded (its answer lost, or its time run out)', () => {
  const KEY = 'autopilot-web-high@2026-11-27T12:04:00.000+0000';
  const recorded = {
    lastActionAt: '2026-11-27T12:04:30.000Z',
    lastDirection: 'out' as const,
    lastFrom: 1,
    lastTo: 3,
  };

  it.each([
    ['resumes it when the group is still where it was', 1, { action: { from: 1, to: 3 } }],
    [
      'does nothing when the group already got there',
      3,
      {
        ignored: {
          reason: 'an earlier attempt of this event already scaled web-asg 1 → 3',
          severity: 'info',
        },
      },
    ],
    [
      'waits out the cooldown when someone else moved the group meanwhile',
      2,
      { ignored: { severity: 'info' } },
    ],
  ])('%s', (_name, desired, expected) => {
    const decision = plan({
      eventKey: KEY,
      snapshot: snapshot({ desiredCapacity: desired }, { ...recorded, lastKey: KEY, version: 4 }),
    });
    expect(decision).toMatchObject(expected);
  });

  it('is an ordinary cooldown for another event', () => {
    const decision = plan({
      eventKey: 'autopilot-web-high@2026-11-27T12:04:50.000+0000',
      snapshot: snapshot({ desiredCapacity: 1 }, { ...recorded, lastKey: KEY, version: 4 }),
    });
    expect(decision.action).toBeUndefined();
    expect(decision.ignored?.reason).toMatch(/cooling down/);
  });
});
