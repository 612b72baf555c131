/** Small builders for unit tests: a trigger, a target, a snapshot, with only what a test changes spelt out. */
import type { AlarmTrigger } from '../../lib/events/trigger';
import type { AutoScalingSnapshot, TargetRecord } from '../../lib/model/snapshot';
import type { AutoScalingTarget, ScalingRule } from '../../lib/policy/policy';
import { PolicyError } from '../../lib/errors';
import { parsePolicy } from '../../lib/policy/load';

export const SEED_POLICY = `
version: 1
notifications:
  emails: [ops@example.com]
targets:
  - name: web
    autoScalingGroup: web-asg
    scaleOut: { when: { metric: CPUUtilization, above: 70, forMinutes: 5 }, add: 2 }
    scaleIn:  { when: { metric: CPUUtilization, below: 30, forMinutes: 5 }, remove: 1 }
    bounds: { min: 1, max: 5 }
    cooldownMinutes: 5
`;

export const seedPolicy = () => parsePolicy(SEED_POLICY);

export function seedTarget(overrides: Partial<AutoScalingTarget> = {}): AutoScalingTarget {
  return { ...(seedPolicy().targets[0] as AutoScalingTarget), ...overrides };
}

export function alarm(overrides: Partial<AlarmTrigger> = {}): AlarmTrigger {
  return {
    kind: 'alarm',
    source: 'sns',
    alarmName: 'autopilot-web-high',
    state: 'ALARM',
    previousState: 'OK',
    stateChangeTime: '2026-11-27T12:00:00.000Z',
    reason: 'Threshold Crossed',
    region: 'us-east-1',
    datapoints: [85],
    ...overrides,
  };
}

export function snapshot(
  group: Partial<NonNullable<AutoScalingSnapshot['group']>> | null = {},
  record: Partial<TargetRecord> = {},
  metricValue?: number,
): AutoScalingSnapshot {
  return {
    kind: 'auto-scaling-group',
    ...(group === null
      ? {}
      : {
          group: {
            name: 'web-asg',
            minSize: 1,
            maxSize: 5,
            desiredCapacity: 1,
            instances: [],
            instanceType: 't2.micro',
            suspendedProcesses: [],
            ...group,
          },
        }),
    record: { target: 'web', version: 0, ...record },
    ...(metricValue === undefined ? {} : { metricValue }),
  };
}

export const rules = (target: AutoScalingTarget): { high: ScalingRule; low: ScalingRule } => ({
  high: target.scaleOut!,
  low: target.scaleIn!,
});

/** The problems a policy text is rejected with (fails the test if it is accepted). */
export function issuesOf(text: string): string[] {
  try {
    parsePolicy(text, 'p.yml');
  } catch (error) {
    if (error instanceof PolicyError) return [...error.issues];
    throw error;
  }
  throw new Error('expected the policy to be rejected');
}

/** The issue's `blog` instance target (Name=wordpress), with the given scaleUp lines (ladder, strategy…). */
export const blogPolicy = (scaleUp: string) => `
version: 1
notifications: { emails: [ops@example.com] }
targets:
  - name: blog
    instance: { tags: { Name: wordpress } }
    scaleUp:
      when: { metric: CPUUtilization, above: 70, forMinutes: 5 }
${scaleUp}
    scaleDown:
      when: { metric: CPUUtilization, below: 30, forMinutes: 30 }
    cooldownMinutes: 15
`;
