/**
 * `resize-instance`: one instance up or down its ladder, by a durable workflow (in place, or blue-green
 * keeping the Elastic IP). Applying it starts the workflow, named after the operation, so a duplicate
 * event cannot start a second one; the workflow re-checks everything itself and e-mails its outcome.
 */
import type { ResizeState } from '../model/resize-state';
import { defineAction, need } from './action-module';

export const resizeInstance = defineAction({
  type: 'resize-instance',
  // Starting the durable workflow; the workflow's own task function holds the EC2 permissions.
  permissions: ['states:StartExecution'],

  async apply({ action: a }, ports, ctx) {
    const target = ctx.policy?.targets.find((t) => t.name === a.target);
    if (!target || target.kind !== 'instance')
      return { status: 'dropped', detail: `${a.target} is not an instance target` };
    if (!ports.resizes)
      return { status: 'dropped', detail: 'no workflow runner: this command cannot resize' };
    const input: ResizeState = {
      key: ctx.operationKey ?? `resize-${a.instanceId}-${ctx.now().getTime()}`,
      target: a.target,
      region: a.region ?? ctx.region ?? '',
      instanceId: a.instanceId,
      from: a.from,
      to: a.to,
      strategy: a.strategy,
      direction: a.direction,
      reason: a.reason,
      ...(a.monthlyCostDeltaUsd === undefined ? {} : { monthlyCostDeltaUsd: a.monthlyCostDeltaUsd }),
      reboot: target.reboot,
      retire: target.retire,
      ...(target.healthCheck ? { healthCheck: target.healthCheck } : {}),
      ...(ctx.alarmTopicArn ? { alarmTopicArn: ctx.alarmTopicArn } : {}),
      trigger: ctx.triggerText ?? a.reason,
    };
    const started = await need(ports, 'resizes', a.type).start(input);
    // A workflow that another one holds off ends before it e-mails; any other run tells its own outcome.
    return {
      status: started.status,
      ...(started.detail ? { detail: started.detail } : {}),
      notifiedByWorkflow: started.status !== 'dropped',
    };
  },

  line: (a, cost) => `${a.type}  ${a.target}  ${a.instanceId} ${a.from} → ${a.to} (${a.strategy})${cost}`,
  headline: (a, verb, done) => `${verb}${done ? 'resized' : 'resize'} ${a.instanceId} ${a.from} → ${a.to}`,
});
