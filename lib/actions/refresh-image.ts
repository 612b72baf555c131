/**
 * `refresh-image`: a new image of the target's source instance, rolled out to its group, older images
 * retired, by a durable workflow. Applying it starts the workflow, named after the operation, so a
 * duplicate trigger cannot start a second one; the workflow re-checks everything itself and e-mails
 * its outcome.
 */
import type { RefreshState } from '../model/refresh-state';
import { defineAction, need } from './action-module';

export const refreshImage = defineAction({
  type: 'refresh-image',
  // Starting the durable workflow; its own task function holds the EC2 and Auto Scaling permissions.
  permissions: ['states:StartExecution'],

  async apply({ action: a }, ports, ctx) {
    const target = ctx.policy?.targets.find((t) => t.name === a.target);
    if (!target || target.kind !== 'auto-scaling-group' || !target.imageRefresh)
      return { status: 'dropped', detail: `${a.target} has no imageRefresh in the policy` };
    if (!ports.refreshes)
      return { status: 'dropped', detail: 'no workflow runner: this command cannot refresh images' };
    const now = ctx.now();
    const input: RefreshState = {
      key: ctx.operationKey ?? `refresh-${a.target}-${now.toISOString()}`,
      target: a.target,
      region: a.region ?? ctx.region ?? '',
      autoScalingGroup: a.autoScalingGroup,
      policy: target.imageRefresh,
      reason: a.reason,
      trigger: ctx.triggerText ?? a.reason,
      startedAt: now.toISOString(),
      sourceInstanceId: a.sourceInstanceId,
      ...(a.fromImageId ? { fromImageId: a.fromImageId } : {}),
      polls: 0,
    };
    const started = await need(ports, 'refreshes', a.type).start(input);
    return {
      status: started.status,
      ...(started.detail ? { detail: started.detail } : {}),
      notifiedByWorkflow: started.status !== 'dropped',
    };
  },

  line: (a) =>
    `${a.type}  ${a.target}  image of ${a.sourceInstanceId} → ${a.autoScalingGroup}${a.fromImageId ? ` (now ${a.fromImageId})` : ''}`,
  headline: (a, verb, done) =>
    `${verb}${done ? 'refreshed' : 'refresh'} the image of ${a.autoScalingGroup} from ${a.sourceInstanceId}`,
});
