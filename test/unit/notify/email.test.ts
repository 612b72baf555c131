import type { SetDesiredCapacityAction } from '../../../lib/model/action';
import type { Execution, Outcome } from '../../../lib/model/plan';
import { clampSubject, executionEmail, SUBJECT_MAX } from '../../../lib/notify/email';
import { alarm, seedPolicy } from '../../support/builders';

const policy = seedPolicy();
const action: SetDesiredCapacityAction = {
  type: 'set-desired-capacity',
  target: 'web',
  autoScalingGroup: 'web-asg',
  from: 1,
  to: 3,
  direction: 'out',
  instanceType: 't2.micro',
  monthlyCostDeltaUsd: 16.94,
  reason: 'CPUUtilization at 85.2 % was above 70 for 5 min: scale web-asg out 1 → 3 (add 2, bounds 1–5)',
};
const outcome = (status: Outcome['status'], detail?: string): Outcome => ({
  action,
  status,
  ...(detail ? { detail } : {}),
  startedAt: '2026-11-27T12:00:01.000Z',
  finishedAt: '2026-11-27T12:00:02.000Z',
});
const execution = (outcomes: Outcome[], ignored: Execution['ignored'] = []): Execution => ({
  trigger: alarm({
    reason:
      'Threshold Crossed: 5 out of the last 5 datapoints [85.2 (27/11/26 11:59:00)] was greater than the threshold (70.0)',
  }),
  actions: outcomes.map((o) => o.action),
  ignored,
  outcomes,
});

describe('the e-mail of a decision', () => {
  it('says what happened, why, before → after, the cost and what comes next', () => {
    const email = executionEmail(execution([outcome('applied')]), policy)!;
    expect(email.subject).toBe('[ec2-autopilot] web: scaled web-asg out 1 → 3');
    expect(email.attributes).toEqual({ target: 'web', action: 'set-desired-capacity', outcome: 'applied' });
    expect(email.body).toBe(
      [
        'ec2-autopilot scaled web-asg out 1 → 3.',
        '',
        'What happened',
        '  Alarm autopilot-web-high went OK → ALARM at 2026-11-27 12:00 UTC (us-east-1).',
        '  Threshold Crossed: 5 out of the last 5 datapoints [85.2 (27/11/26 11:59:00)] was greater than the threshold (70.0)',
        '',
        'What it did',
        '  - set-desired-capacity — applied at 2026-11-27 12:00 UTC',
        '    CPUUtilization at 85.2 % was above 70 for 5 min: scale web-asg out 1 → 3 (add 2, bounds 1–5)',
        '',
        'Cost',
        '  +$16.94/month if it stays this way.',
        '  2 × t2.micro at $8.47/month each (on-demand).',
        '  Prices: AWS EC2 On-Demand pricing, Linux, us-east-1, table of 2026-11-27, 730 hours a month.',
        '',
        'What next',
        '  If CPUUtilization stays above 70, it adds 2 more after the 5-minute cooldown, up to 5.',
        '  When CPUUtilization is below 30 for 5 min, it removes 1 after the 5-minute cooldown, never below 1.',
        '',
        '—',
        'Target web. Sent by ec2-autopilot; every decision is e-mailed, routine skips are only logged.',
      ].join('\n'),
    );
  });

  it('leads with a failure, and says why', () => {
    const email = executionEmail(
      execution([outcome('failed', 'SetDesiredCapacity failed: AccessDenied: not authorized')]),
      policy,
    )!;
    expect(email.subject).toBe('[ec2-autopilot] web: FAILED to scale web-asg out 1 → 3');
    expect(email.attributes.outcome).toBe('failed');
    expect(email.body).toContain('failed: SetDesiredCapacity failed: AccessDenied');
    expect(email.body).not.toContain('Cost');
  });

  it('says "would" in a dry run', () => {
    const email = executionEmail(execution([outcome('dry-run')]), policy)!;
    expect(email.subject).toBe('[ec2-autopilot] web: would scale web-asg out 1 → 3');
    expect(email.body).toContain('not applied (dry run)');
  });

  it('e-mails a refusal that needs a person', () => {
    const email = executionEmail(
      execution(
        [],
        [
          {
            severity: 'warning',
            target: 'web',
            reason: 'web-asg is already at its maximum (5): nothing to add',
          },
        ],
      ),
      policy,
    )!;
    expect(email.subject).toBe(
      '[ec2-autopilot] web: not acting — web-asg is already at its maximum (5): nothing to add',
    );
    expect(email.attributes).toEqual({ target: 'web', action: 'none', outcome: 'refused' });
  });

  it('says which command, from which message, and why, when a refresh asked for on SNS is refused', () => {
    const email = executionEmail(
      {
        trigger: {
          kind: 'command',
          command: 'refresh-image',
          target: 'web',
          reason: 'release 2.4.1',
          messageId: '6f3c7a1e-0b5d-5e2a-9c41-2d8f3e7b9a10',
          time: '2026-11-27T12:03:04.567Z',
        },
        actions: [],
        ignored: [
          {
            severity: 'warning',
            target: 'web',
            reason: 'instance refresh r-1 is InProgress on web-asg',
          },
        ],
        outcomes: [],
      },
      policy,
    )!;
    expect(email.subject).toBe(
      '[ec2-autopilot] web: not acting — instance refresh r-1 is InProgress on web-asg',
    );
    expect(email.body).toContain(
      'What happened\n' +
        '  The refresh-image command for web was published to the alarm topic at 2026-11-27 12:03 UTC (SNS message 6f3c7a1e-0b5d-5e2a-9c41-2d8f3e7b9a10).\n' +
        '  Reason given: release 2.4.1\n',
    );
  });

  it('sends nothing for routine skips', () => {
    expect(
      executionEmail(execution([], [{ severity: 'info', reason: 'cooling down' }]), policy),
    ).toBeUndefined();
  });

  it('keeps subjects within SNS e-mail limits, on one line', () => {
    const long = clampSubject(`[ec2-autopilot] ${'x'.repeat(200)}\nsecond line`);
    expect(long).toHaveLength(SUBJECT_MAX);
    expect(long.endsWith('…')).toBe(true);
    expect(long).not.toContain('\n');
  });
});
