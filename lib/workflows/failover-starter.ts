/**
 * Starting a failover: on AWS, a Step Functions execution named after the operation (a second start of
 * the same operation is refused by AWS, so a duplicate event cannot start two); elsewhere (the CLI, the
 * sandbox, tests against a local AWS), the same state machine run in this process to its end.
 */
import type { FailoversPort } from '../actions/ports';
import type { Runtime } from '../app/runtime';
import { LOCAL_WAIT_MS, resizeDeps, startExecution } from './starter';

export function localFailoverStarter(rt: Runtime, waitMs: number): FailoversPort {
  return {
    async start(input) {
      // Loaded only here: a deployed function starts Step Functions and never carries the local interpreter.
      const { runFailoverLocally } = await import('./local-runner');
      const result = await runFailoverLocally(resizeDeps(rt), input, { waitMs });
      if (result.status === 'succeeded')
        return result.state.busy
          ? { status: 'dropped', detail: `another operation holds ${input.target}` }
          : { status: 'applied' };
      if (result.status === 'failed') return { status: 'failed', detail: result.cause };
      return { status: 'failed', detail: `stopped after ${result.afterStep}` };
    },
  };
}

/**
 * Deployed, failovers run on Step Functions (`AUTOPILOT_FAILOVER_STATE_MACHINE_ARN`, set by
 * serverless.yml); elsewhere in this process, with `AUTOPILOT_LOCAL_WAIT_MS` between polls.
 */
export function failoverStarterFromEnv(rt: Runtime, env: NodeJS.ProcessEnv = process.env): FailoversPort {
  const arn = env.AUTOPILOT_FAILOVER_STATE_MACHINE_ARN;
  if (arn) return { start: (input) => startExecution(rt, arn, input) };
  const wait = Number(env.AUTOPILOT_LOCAL_WAIT_MS ?? LOCAL_WAIT_MS);
  return localFailoverStarter(rt, Number.isFinite(wait) && wait >= 0 ? wait : LOCAL_WAIT_MS);
}
