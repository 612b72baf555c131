/**
 * The `resizeTask` function: every Task state of the resize state machine calls it with the step's name
 * and the execution's data. Errors are named for the state machine: `Retryable` (throttling, AWS faults;
 * its Retry matches them), `Refused` (the resize must not happen), anything else goes to its Catch.
 */
import { stepError } from '../workflows/step-errors';
import type { ResizeState } from '../model/resize-state';
import { runResizeStep } from '../workflows/resize-steps';
import { resizeDeps } from '../workflows/starter';
import type { AutopilotContext } from './middleware';
import { ValidationError } from '../errors';

export interface StepEvent {
  step: string;
  data: ResizeState;
}

export async function onResizeStep(event: StepEvent, context: AutopilotContext): Promise<ResizeState> {
  if (!event || typeof event.step !== 'string' || typeof event.data !== 'object' || event.data === null) {
    throw new ValidationError('(event)', 'expected { step, data } from the resize state machine');
  }
  try {
    return await runResizeStep(resizeDeps(context.autopilot.rt), event.step, event.data);
  } catch (error) {
    throw stepError(error);
  }
}
