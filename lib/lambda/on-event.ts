/** The `on-event` function's body: every alarm, Auto Scaling or EC2 event goes through here. */
import { retryableFailure } from '../app/execute';
import { applyTrigger } from '../app/handle-trigger';
import { RetryableFailureError } from '../errors';
import { parseEvent } from '../events/parse-event';
import type { Execution } from '../model/plan';
import type { AutopilotContext } from './middleware';

export interface OnEventResult {
  triggers: number;
  actions: { type: string; target: string; status: string }[];
  ignored: string[];
}

export async function onEvent(event: unknown, context: AutopilotContext): Promise<OnEventResult> {
  const { rt } = context.autopilot;
  // Parse before anything else: a malformed event fails here, naming its field, and nothing changes.
  const triggers = parseEvent(event, { defaultRegion: rt.aws.region });
  const executions: Execution[] = [];
  for (const trigger of triggers) executions.push(await applyTrigger(rt, trigger));
  const failed = executions.find(retryableFailure);
  if (failed) {
    // Throwing makes Lambda retry the invocation; the event's claim was released for that retry.
    throw new RetryableFailureError(
      failed.outcomes.find((o) => o.status === 'failed')?.detail ?? 'an action failed',
    );
  }
  return {
    triggers: triggers.length,
    actions: executions.flatMap((e) =>
      e.outcomes.map((o) => ({ type: o.action.type, target: o.action.target, status: o.status })),
    ),
    ignored: executions.flatMap((e) => e.ignored.map((i) => i.reason)),
  };
}
