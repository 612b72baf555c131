/**
 * `fail-over`: a single-instance target's instance failed, so its Elastic IP moves to a healthy standby
 * or to a replacement, by a durable workflow. Applying it starts the workflow, named after the operation,
 * so a duplicate event cannot start a second one; the workflow re-checks everything itself (a failed
 * instance that came back is left alone) and e-mails its outcome.
 */
import type { FailoverState } from '../model/failover-state';
import { defineAction, need } from './action-module';

export const failOver = defineAction({
  type: 'fail-over',
  // Starting the durable workflow; the workflow's task function holds the EC2 permissions.
  permissions: ['states:StartExecution'],

  async apply({ action: a }, ports, ctx) {
    const target = ctx.policy?.targets.find((t) => t.name === a.target);
    if (!target || target.kind !== 'instance' || !target.failover)
      return { status: 'dropped', detail: `${a.target} has no failover in the policy` };
    if (!ports.failovers)
      return { status: 'dropped', detail: 'no workflow runner: this command cannot fail over' };
    const input: FailoverState = {
      key: ctx.operationKey ?? `failover-${a.failedInstanceId}-${ctx.now().getTime()}`,
      target: a.target,
      region: a.region ?? ctx.region ?? '',
      instanceId: a.failedInstanceId,
      failed: a.failed,
      via: a.via,
      ...(a.standbyInstanceId ? { standbyInstanceId: a.standbyInstanceId } : {}),
      ...(a.imageId ? { imageId: a.imageId } : {}),
      allocationId: a.allocationId,
      publicIp: a.publicIp,
      detection: a.detection,
      detectedAt: a.detectedAt,
      reason: a.reason,
      mayReplace: target.failover.replaceFrom === 'latest-image',
      ...(target.healthCheck ? { healthCheck: target.healthCheck } : {}),
      ...(ctx.alarmTopicArn ? { alarmTopicArn: ctx.alarmTopicArn } : {}),
      trigger: ctx.triggerText ?? a.detection,
      reboot: false,
      polls: 0,
    };
    const started = await need(ports, 'failovers', a.type).start(input);
    return {
      status: started.status,
      ...(started.detail ? { detail: started.detail } : {}),
      notifiedByWorkflow: started.status !== 'dropped',
    };
  },

  line: (a) =>
    `${a.type}  ${a.target}  ${a.publicIp} from ${a.failedInstanceId} → ${a.via === 'standby' ? `standby ${a.standbyInstanceId}` : `a new ${a.failed.type}${a.imageId ? ` from ${a.imageId}` : ' from an image made now'}`}`,
  headline: (a, verb, done) =>
    `${verb}${done ? 'failed over' : 'fail over'} ${a.target}: ${a.publicIp} from ${a.failedInstanceId} to ${a.via === 'standby' ? `its standby ${a.standbyInstanceId}` : 'a replacement'}`,
});
