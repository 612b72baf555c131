/**
 * `autopilot refresh-image <target> [--dry-run]`: the same checked, durable, e-mailed image refresh the
 * target's schedule starts, asked for by a person: a new image of the source instance, rolled out to the
 * group, older images of the lineage retired. `--dry-run` prints the plan and changes nothing.
 */
import { executeActions, planned } from '../../app/execute';
import { previewRetention } from '../../app/image-retention';
import { planTargetRefresh } from '../../app/refresh-plan';
import { fleetEnv } from '../../app/runtime';
import { ValidationError } from '../../errors';
import type { Execution } from '../../model/plan';
import { failureLines, renderPlan } from '../render';
import { EXIT, type CliContext } from '../context';

export async function refreshImage(ctx: CliContext): Promise<number> {
  const policy = ctx.policy();
  const name = ctx.args.target!;
  const target = policy.targets.find((t) => t.name === name);
  if (!target || target.kind !== 'auto-scaling-group' || !target.imageRefresh)
    throw new ValidationError(
      '(arguments)',
      `no target ${name} with imageRefresh in the policy (targets with it: ${
        policy.targets
          .filter((t) => t.kind === 'auto-scaling-group' && t.imageRefresh)
          .map((t) => t.name)
          .join(', ') || 'none'
      })`,
    );
  const { rt } = await ctx.runtime(policy);
  const now = rt.now();
  const decision = await planTargetRefresh(rt, target);
  // The retention the workflow ends with, listed as its steps (it plans again on fresh state then).
  const retention = decision.actions.length > 0 ? await previewRetention(rt, target) : [];
  const actions = [...decision.actions, ...retention];
  const outcomes = await executeActions(
    planned(actions),
    fleetEnv(rt, {
      operationKey: `cli-refresh-${target.name}-${now.toISOString()}`,
      triggerText: `autopilot refresh-image ${target.name}, run by hand at ${now.toISOString()}`,
    }),
  );
  const execution: Execution = {
    trigger: { kind: 'schedule', time: now.toISOString(), region: rt.aws.region },
    actions,
    ignored: decision.ignored ? [decision.ignored] : [],
    outcomes,
  };
  if (ctx.args.format === 'json') ctx.io.stdout(JSON.stringify(execution, null, 2));
  else
    ctx.io.stdout(
      renderPlan(execution).replace(
        /^Trigger: .*\n/,
        `Refresh the image of ${target.autoScalingGroup} (${target.name})\n`,
      ),
    );
  const failures = failureLines(outcomes);
  for (const line of failures) ctx.io.stderr(line);
  if (failures.length > 0) return EXIT.failed;
  return decision.ignored?.severity === 'warning' ? EXIT.failed : EXIT.ok;
}
