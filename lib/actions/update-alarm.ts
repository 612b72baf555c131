/**
 * `update-alarm`: one alarm the orchestrator owns, created, repaired (drift) or re-pointed at the
 * instance that replaced the one it watched. PutMetricAlarm replaces the whole alarm, so a repeat is
 * harmless; the tags go with it.
 */
import { defineAction, need } from './action-module';

const VERB = { create: 'create', update: 'repair', repoint: 're-point' } as const;

export const updateAlarm = defineAction({
  type: 'update-alarm',
  permissions: ['cloudwatch:PutMetricAlarm', 'cloudwatch:TagResource'],

  async apply({ action: a }, ports) {
    await need(ports, 'alarms', a.type).put(a.alarm, a.alarmArn);
    return { status: 'applied' };
  },

  line: (a, cost) => `${a.type}  ${a.target}  ${a.change} ${a.alarm.name}${cost}`,
  headline: (a, verb) => `${verb}${VERB[a.change]} alarm ${a.alarm.name}`,
});
