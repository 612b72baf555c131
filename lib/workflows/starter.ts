/**
 * Starting a resize: on AWS, a Step Functions execution named after the operation (a second start of
 * the same operation is refused by AWS, so a duplicate event cannot start two); elsewhere (the CLI, the
 * sandbox, tests against a local AWS), the same state machine run in this process to its end.
 */
import type { Runtime } from '../app/runtime';
import { call, isAwsCode } from '../aws/call';
import type { ResizesPort } from '../actions/ports';
import type { ResizeDeps } from './resize-deps';

/** Starts resizes (the `resizes` port of the actions). */
export type ResizeStarter = ResizesPort;

/** Step Functions execution names: at most 80 of [A-Za-z0-9-_]; the operation key, made to fit. */
export function executionName(key: string): string {
  const plain = key.replace(/[^A-Za-z0-9_-]/g, '-');
  if (plain.length <= 80) return plain;
  let hash = 0;
  for (const c of key) hash = (hash * 31 + c.charCodeAt(0)) >>> 0;
  return `${plain.slice(0, 71)}-${hash.toString(16).padStart(8, '0')}`;
}

export const resizeDeps = (rt: Runtime): ResizeDeps => ({
  policy: rt.policy,
  region: rt.aws.region,
  instances: rt.instances,
  ops: rt.ops,
  store: rt.store,
  alarms: rt.alarms,
  ...(rt.notifier ? { notifier: rt.notifier } : {}),
  probe: rt.probe,
  log: rt.log,
  telemetry: rt.telemetry,
  now: rt.now,
});

/**
 * Starts a durable operation on Step Functions, the execution named after its key: AWS refuses a second
 * start of the same name, so a duplicate trigger cannot start two.
 */
export async function startExecution(
  rt: Runtime,
  stateMachineArn: string,
  input: { key: string },
): Promise<{ status: 'started' | 'dropped'; detail: string }> {
  const { client, sdk } = await rt.aws.stepFunctions();
  try {
    const out = await call('StartExecution', () =>
      client.send(
        new sdk.StartExecutionCommand({
          stateMachineArn,
          name: executionName(input.key),
          input: JSON.stringify(input),
        }),
      ),
    );
    return { status: 'started', detail: `execution ${out.executionArn}` };
  } catch (error) {
    if (isAwsCode(error, 'ExecutionAlreadyExists'))
      return { status: 'dropped', detail: 'this operation was already started' };
    throw error;
  }
}

export const stepFunctionsStarter = (rt: Runtime, stateMachineArn: string): ResizeStarter => ({
  start: (input) => startExecution(rt, stateMachineArn, input),
});

/** Polls of a resize run in this process wait this long unless told otherwise (against AWS, not too often). */
export const LOCAL_WAIT_MS = 2000;

/**
 * Deployed, resizes run on Step Functions (`AUTOPILOT_RESIZE_STATE_MACHINE_ARN`, set by serverless.yml);
 * elsewhere in this process, with `AUTOPILOT_LOCAL_WAIT_MS` between polls.
 */
export function resizeStarterFromEnv(rt: Runtime, env: NodeJS.ProcessEnv = process.env): ResizeStarter {
  const arn = env.AUTOPILOT_RESIZE_STATE_MACHINE_ARN;
  if (arn) return stepFunctionsStarter(rt, arn);
  const wait = Number(env.AUTOPILOT_LOCAL_WAIT_MS ?? LOCAL_WAIT_MS);
  return localStarter(rt, Number.isFinite(wait) && wait >= 0 ? wait : LOCAL_WAIT_MS);
}

export function localStarter(rt: Runtime, waitMs: number): ResizeStarter {
  return {
    async start(input) {
      // Loaded only here: a deployed function starts Step Functions and never carries the local interpreter.
      const { runResizeLocally } = await import('./local-runner');
      const result = await runResizeLocally(resizeDeps(rt), input, { waitMs });
      if (result.status === 'succeeded') {
        return result.state.busy
          ? { status: 'dropped', detail: `another resize holds ${input.target}` }
          : { status: 'applied', state: result.state };
      }
      if (result.status === 'failed') return { status: 'failed', detail: result.cause };
      return { status: 'failed', detail: `stopped after ${result.afterStep}` };
    },
  };
}
