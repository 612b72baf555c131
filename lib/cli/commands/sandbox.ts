/** `autopilot sandbox` (what `npm start` runs): the product end to end against a local AWS. */
import { policyPath } from '../../policy/load';
import { runSandbox } from '../../sandbox/run';
import type { CliContext } from '../context';

export async function sandbox(ctx: CliContext): Promise<number> {
  const policy = ctx.policy();
  return runSandbox({
    policy,
    policyFile: policyPath(ctx.args.config, ctx.env),
    keep: ctx.args.keep,
    print: ctx.io.stdout,
    log: ctx.env.AUTOPILOT_SANDBOX_LOGS ? ctx.io.stderr : () => undefined,
  });
}
