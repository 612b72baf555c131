/** `autopilot reconcile`: the policy's alarms (and, outside a deployment, its topics, table and e-mail subscriptions). */
import { reconcile as reconcileUseCase } from '../../app/reconcile';
import { ensureEmailSubscriptions } from '../../aws/deployment';
import { failureLines, missingFailureLines, renderMissingTargets, renderPlan } from '../render';
import { EXIT, type CliContext } from '../context';

export async function reconcile(ctx: CliContext): Promise<number> {
  const policy = ctx.policy();
  const { rt, deployment, stack } = await ctx.runtime(policy);
  const subscribed = rt.dryRun
    ? []
    : await ensureEmailSubscriptions(rt.aws, deployment.notifyTopicArn, policy.notifications.emails);
  // Where the stage is deployed, the stack's own alarms are kept too.
  const result = await reconcileUseCase(rt, deployment.alarmTopicArn, stack);
  if (ctx.args.format === 'json') {
    ctx.io.stdout(JSON.stringify({ deployment, subscribed, ...result }, null, 2));
  } else {
    const lines = [
      `Alarm topic: ${deployment.alarmTopicArn}`,
      `Notifications: ${deployment.notifyTopicArn}${subscribed.length ? ` (subscribed ${subscribed.join(', ')}: confirm the e-mail AWS sends)` : ''}`,
      renderPlan(result.alarms),
      ...result.rechecks.map(renderPlan),
      ...renderMissingTargets(result.missingTargets, result.foundAgain),
    ];
    ctx.io.stdout(lines.join('\n'));
  }
  const failures = [
    ...failureLines([result.alarms, ...result.rechecks].flatMap((e) => e.outcomes)),
    ...missingFailureLines(result.missingTargets),
  ];
  for (const line of failures) ctx.io.stderr(line);
  return failures.length > 0 ? EXIT.failed : EXIT.ok;
}
