/**
 * Runs a workflow's Amazon States Language definition in this process (aws-local-stepfunctions), each
 * Task state calling its step here instead of a Lambda function: the same definition AWS runs, for the
 * CLI, the sandbox and the tests against a local AWS. Waits can be shortened (tests) or kept (a CLI
 * against AWS), and a run can be cut right after any step, as a crash would.
 */
import { StateMachine, type StateMachineDefinition } from 'aws-local-stepfunctions';
import failoverDefinition from '../../resources/workflows/failover.asl.json';
import refreshDefinition from '../../resources/workflows/refresh-image.asl.json';
import resizeDefinition from '../../resources/workflows/resize.asl.json';
import { stepError } from './step-errors';
import type { RefreshDeps } from './refresh-deps';
import { runRefreshStep } from './refresh-steps';
import type { ResizeDeps } from './resize-deps';
import type { RefreshState } from '../model/refresh-state';
import type { ResizeState } from '../model/resize-state';
import { runResizeStep } from './resize-steps';
import type { FailoverState } from '../model/failover-state';
import { runFailoverStep } from './failover-steps';

type Asl = { States: Record<string, { Type: string; Resource?: unknown; Parameters?: { step?: string } }> };

/** The ASL with its Task resources (CloudFormation references in serverless.yml) made plain ARNs. */
function localDefinition(definition: unknown): StateMachineDefinition {
  const copy = structuredClone(definition) as Asl;
  for (const state of Object.values(copy.States)) {
    if (state.Type === 'Task') state.Resource = 'arn:aws:lambda:us-east-1:123456789012:function:task';
  }
  return copy as unknown as StateMachineDefinition;
}

export interface LocalRunOptions {
  /** Milliseconds each Wait state waits instead of its Seconds (0 in tests). */
  waitMs?: number;
  /**
   * Called after each step; `crash` cuts the run there, as a crash of the process would (tests use it
   * to re-run from the start, and to change the world between two steps).
   */
  afterStep?: (step: string) => Promise<'continue' | 'crash'> | 'continue' | 'crash';
}

export type LocalRunResult<S> =
  | { status: 'succeeded'; state: S }
  | { status: 'failed'; error: string; cause: string }
  | { status: 'crashed'; afterStep: string };

async function runLocally<S extends { error?: { Error?: string; Cause?: string } }>(
  definition: unknown,
  runStep: (name: string, data: S) => Promise<S>,
  input: S,
  options: LocalRunOptions,
): Promise<LocalRunResult<S>> {
  const asl = localDefinition(definition);
  const machine = new StateMachine(asl, { validationOptions: { checkArn: false } });
  let crashedAfter: string | undefined;
  let caught: S['error'] | undefined;
  // The handlers are made before the run exists; they reach its abort through this.
  const control: { abort?: () => void } = {};
  const handlers: Record<string, (input: unknown) => Promise<unknown>> = {};
  const waits: Record<string, number> = {};
  for (const [name, state] of Object.entries((asl as unknown as Asl).States)) {
    if (state.Type === 'Wait' && options.waitMs !== undefined) waits[name] = options.waitMs;
    if (state.Type !== 'Task') continue;
    handlers[name] = async (raw) => {
      const { step: stepName, data } = raw as { step: string; data: S };
      // What the Catch caught: the fixed Fail state at the end would hide it.
      if (data.error) caught = data.error;
      let out: S;
      try {
        out = await runStep(stepName, data);
      } catch (error) {
        throw stepError(error);
      }
      if ((await options.afterStep?.(stepName)) === 'crash') {
        crashedAfter = stepName;
        control.abort?.();
      }
      return out;
    };
  }
  const execution = machine.run(input as never, {
    overrides: { taskResourceLocalHandlers: handlers as never, waitTimeOverrides: waits },
    noThrowOnAbort: true,
  });
  control.abort = execution.abort;
  try {
    const output = await execution.result;
    if (crashedAfter) return { status: 'crashed', afterStep: crashedAfter };
    return { status: 'succeeded', state: output as unknown as S };
  } catch (error) {
    const e = error as { name?: string; message?: string; cause?: { name?: string; message?: string } };
    return {
      status: 'failed',
      error: caught?.Error ?? e.cause?.name ?? e.name ?? 'Error',
      cause: caught?.Cause ?? e.cause?.message ?? e.message ?? '',
    };
  }
}

export const runResizeLocally = (deps: ResizeDeps, input: ResizeState, options: LocalRunOptions = {}) =>
  runLocally<ResizeState>(resizeDefinition, (name, data) => runResizeStep(deps, name, data), input, options);

export const runRefreshLocally = (deps: RefreshDeps, input: RefreshState, options: LocalRunOptions = {}) =>
  runLocally<RefreshState>(
    refreshDefinition,
    (name, data) => runRefreshStep(deps, name, data),
    input,
    options,
  );

export const runFailoverLocally = (deps: ResizeDeps, input: FailoverState, options: LocalRunOptions = {}) =>
  runLocally<FailoverState>(
    failoverDefinition,
    (name, data) => runFailoverStep(deps, name, data),
    input,
    options,
  );
