import { eventKey, routeTrigger } from '../../../lib/plan/route';
import { alarm, seedPolicy } from '../../support/builders';

const policy = seedPolicy();

describe('routing a trigger to a target, from the policy alone', () => {
  it.each([
    ['the high alarm', 'autopilot-web-high', 'high'],
    ['the low alarm', 'autopilot-web-low', 'low'],
  ])('%s goes to its rule', (_name, alarmName, direction) => {
    const route = routeTrigger(alarm({ alarmName }), policy);
    expect(route).toMatchObject({ kind: 'capacity', target: { name: 'web' }, rule: { direction } });
  });

  it.each([
    [
      'an alarm the policy does not manage',
      alarm({ alarmName: 'ServerCpuTooHigh' }),
      'not managed by this policy',
      'info',
    ],
    [
      'OK → INSUFFICIENT_DATA',
      alarm({ state: 'INSUFFICIENT_DATA', previousState: 'OK' }),
      'went to INSUFFICIENT_DATA from OK',
      'info',
    ],
    ['ALARM → OK', alarm({ state: 'OK', previousState: 'ALARM' }), 'only a change to ALARM acts', 'info'],
    [
      'a failed launch in a managed group',
      {
        kind: 'autoscaling-notification',
        event: 'autoscaling:EC2_INSTANCE_LAUNCH_ERROR',
        autoScalingGroupName: 'web-asg',
        time: 't',
        description: 'Launching a new EC2 instance. Status Reason: insufficient capacity',
      } as const,
      'insufficient capacity',
      'warning',
    ],
    [
      'a launch in a managed group',
      {
        kind: 'autoscaling-notification',
        event: 'autoscaling:EC2_INSTANCE_LAUNCH',
        autoScalingGroupName: 'web-asg',
        time: 't',
      } as const,
      'nothing to do',
      'info',
    ],
    [
      'a launch in another group',
      {
        kind: 'autoscaling-notification',
        event: 'autoscaling:EC2_INSTANCE_LAUNCH',
        autoScalingGroupName: 'other',
        time: 't',
      } as const,
      'not managed',
      'info',
    ],
    [
      'an instance state change',
      { kind: 'instance-state-change', instanceId: 'i-1', state: 'stopped', time: 't' } as const,
      'nothing to do',
      'info',
    ],
    ['a schedule', { kind: 'schedule', time: 't' } as const, 'reconcile', 'info'],
  ])('ignores %s', (_name, trigger, words, severity) => {
    const route = routeTrigger(trigger, policy);
    expect(route.kind).toBe('ignore');
    if (route.kind === 'ignore') {
      expect(route.ignored.reason).toContain(words);
      expect(route.ignored.severity).toBe(severity);
    }
  });

  it('keys an event on the alarm name and state-change time', () => {
    expect(eventKey(alarm())).toBe('autopilot-web-high@2026-11-27T12:00:00.000Z');
    expect(eventKey(alarm({ source: 'reconcile' }))).toBeUndefined();
    expect(eventKey({ kind: 'schedule', time: 't' })).toBeUndefined();
  });
});
