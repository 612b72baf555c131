/**
 * The `resizeTask` function: every Task state of the resize and failover state machines calls it with
 * the workflow (absent: resize), the step's name and the execution's data. Failover runs under the same
 * role: it launches, health-checks and moves the address with the resize's own steps. Errors are named
 * for the state machine: `Retryable` (throttling, AWS faults; its Retry matches them), `Refused` (the
 * operation must not happen), anything else goes to its Catch.
 */
import { stepError } from '../workflows/step-errors';
import type { FailoverState } from '../model/failover-state';
import type { ResizeState } from '../model/resize-state';
import { FAILOVER_STEPS, runFailoverStep } from '../workflows/failover-steps';
import { RESIZE_STEPS, runResizeStep } from '../workflows/resize-steps';
import { resizeDeps } from '../workflows/starter';
import type { AutopilotContext } from './middleware';
import { ValidationError } from '../errors';
import { withCorrelationId } from '../log';

export type StepEvent =
  | { workflow?: 'resize'; step: string; data: ResizeState }
  | { workflow: 'failover'; step: string; data: FailoverState };

export async function onResizeStep(
  event: StepEvent,
  context: AutopilotContext,
): Promise<ResizeState | FailoverState> {
  if (!event || typeof event.step !== 'string' || typeof event.data !== 'object' || event.data === null) {
    throw new ValidationError('(event)', 'expected { step, data } from the resize or failover state machine');
  }
  if (event.workflow !== undefined && event.workflow !== 'resize' && event.workflow !== 'failover')
    throw new ValidationError('workflow', `expected resize or failover, not ${String(event.workflow)}`);
  const { rt } = context.autopilot;
  const deps = resizeDeps(rt);
  const workflow = event.workflow ?? 'resize';
  // The operation's key: its steps' lines share the correlation id of the decision that started it.
  return withCorrelationId(event.data.key, async () => {
    try {
      return event.workflow === 'failover'
        ? await runFailoverStep(deps, event.step, event.data)
        : await runResizeStep(deps, event.step, event.data);
    } catch (error) {
      const known = (workflow === 'failover' ? FAILOVER_STEPS : RESIZE_STEPS).includes(event.step);
      rt.telemetry.count('FailedSteps', { workflow, step: known ? event.step : 'unknown' });
      throw stepError(error);
    }
  });
}
