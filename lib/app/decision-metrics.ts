/**
 * What one trigger's execution records: a `Decisions` count per action (and per ignore), and for a
 * change made on an event, how long after the event's state change it was made (`ReactionSeconds`).
 *
 * Not recorded: a duplicate delivery (the first delivery made the decision), and an execution that
 * threw (the invocation fails, Lambda counts it in `Errors` and retries it). A workflow's steps share
 * their workflow's outcome and are not decisions of their own.
 */
import type { Trigger } from '../events/trigger';
import type { Execution, OutcomeStatus } from '../model/plan';
import type { DecisionOutcome, Telemetry } from '../telemetry/telemetry';

/** `started`: handed to its workflow, which makes the change; `dropped`: stale on re-verification. */
const OUTCOMES: Record<OutcomeStatus, DecisionOutcome> = {
  applied: 'applied',
  started: 'applied',
  'dry-run': 'dry-run',
  dropped: 'skipped',
  failed: 'failed',
};

/**
 * When the event happened. A re-check by reconcile is of an alarm that stayed in ALARM: measured from
 * its state change it would time the cooldown, not the reaction, so it has none.
 */
function eventTime(trigger: Trigger): number | undefined {
  if (trigger.kind === 'alarm')
    return trigger.source === 'reconcile' ? undefined : Date.parse(trigger.stateChangeTime);
  if (trigger.kind === 'instance-state-change') return Date.parse(trigger.time);
  return undefined;
}

export function recordDecision(telemetry: Telemetry, execution: Execution): void {
  const at = eventTime(execution.trigger);
  for (const o of execution.outcomes) {
    if ('partOf' in o.action) continue;
    const outcome = OUTCOMES[o.status];
    const target = o.action.target;
    telemetry.count('Decisions', { target, action: o.action.type, outcome });
    if (outcome === 'applied' && at !== undefined) {
      const seconds = (Date.parse(o.finishedAt) - at) / 1000;
      telemetry.measure('ReactionSeconds', Math.max(0, seconds), { target, action: o.action.type });
    }
  }
  for (const i of execution.ignored)
    telemetry.count('Decisions', { target: i.target ?? 'none', action: 'none', outcome: 'skipped' });
}
