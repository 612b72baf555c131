/**
 * `autopilot plan --event` (reads only: the stage's table and alarm topic if they exist; creates nothing,
 * e-mails only with `--notify`) and `autopilot apply --event` (acts, once per event, and e-mails).
 */
import { applyTrigger, planTrigger } from '../../app/handle-trigger';
import { parseEvent } from '../../events/parse-event';
import type { Execution, Plan } from '../../model/plan';
import { failureLines, renderPlan } from '../render';
import { EXIT, type CliContext } from '../context';
import { planEmail } from '../notify-email';

function print(ctx: CliContext, results: (Plan | Execution)[]): void {
  if (ctx.args.format === 'json') {
    // One trigger (the usual case) prints the plan itself; an event with several records, all of them.
    const doc = results.length === 1 ? results[0] : { plans: results };
    ctx.io.stdout(JSON.stringify(doc, null, 2));
  } else {
    ctx.io.stdout(results.map(renderPlan).join('\n\n'));
  }
}

export async function plan(ctx: CliContext): Promise<number> {
  const policy = ctx.policy();
  const triggers = parseEvent(ctx.readEvent(), { defaultRegion: ctx.region(policy) });
  const { rt, found } = await ctx.readRuntime(policy);
  const notifier = await ctx.requestedNotifier(rt.aws.region, found);
  const plans: (Plan & { notification?: { subject: string; messageId?: string } })[] = [];
  for (const trigger of triggers) {
    const made = await planTrigger(rt, trigger);
    const notification = await ctx.notify(notifier, planEmail(made, policy, renderPlan(made)));
    plans.push(notification ? { ...made, notification } : made);
  }
  print(ctx, plans);
  return EXIT.ok;
}

export async function apply(ctx: CliContext): Promise<number> {
  const policy = ctx.policy();
  const triggers = parseEvent(ctx.readEvent(), { defaultRegion: ctx.region(policy) });
  const { rt } = await ctx.runtime(policy);
  const executions: Execution[] = [];
  for (const trigger of triggers) executions.push(await applyTrigger(rt, trigger));
  print(ctx, executions);
  const failures = failureLines(executions.flatMap((e) => e.outcomes));
  for (const line of failures) ctx.io.stderr(line);
  return failures.length > 0 ? EXIT.failed : EXIT.ok;
}
