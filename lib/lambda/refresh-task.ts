/**
 * The `refreshTask` function: every Task state of the refresh-image state machine calls it with the
 * step's name and the execution's data. Errors are named for the state machine: `Retryable` (throttling,
 * AWS faults; its Retry matches them), anything else goes to its Catch (rollback).
 */
import { ValidationError } from '../errors';
import { withCorrelationId } from '../log';
import type { RefreshState } from '../model/refresh-state';
import { refreshDeps } from '../workflows/refresh-starter';
import { REFRESH_STEPS, runRefreshStep } from '../workflows/refresh-steps';
import { stepError } from '../workflows/step-errors';
import type { AutopilotContext } from './middleware';

export interface RefreshStepEvent {
  step: string;
  data: RefreshState;
}

export async function onRefreshStep(
  event: RefreshStepEvent,
  context: AutopilotContext,
): Promise<RefreshState> {
  if (!event || typeof event.step !== 'string' || typeof event.data !== 'object' || event.data === null)
    throw new ValidationError('(event)', 'expected { step, data } from the refresh-image state machine');
  if (typeof event.data.target !== 'string' || !event.data.target)
    throw new ValidationError('data.target', 'expected the name of a target with imageRefresh');
  const { rt } = context.autopilot;
  // The operation's key: its steps' lines share the correlation id of the decision that started it.
  return withCorrelationId(event.data.key, async () => {
    try {
      return await runRefreshStep(refreshDeps(rt), event.step, event.data);
    } catch (error) {
      const step = REFRESH_STEPS.includes(event.step) ? event.step : 'unknown';
      rt.telemetry.count('FailedSteps', { workflow: 'refresh-image', step });
      throw stepError(error);
    }
  });
}
