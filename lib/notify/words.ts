/** Triggers and actions in one line each: for the table output, logs and workflow e-mails. */
import type { Trigger } from '../events/trigger';
import type { Action } from '../model/action';
import { moduleOf } from '../actions/registry';
import { formatMonthly } from '../plan/wording';

export function describeTrigger(t: Trigger): string {
  switch (t.kind) {
    case 'alarm':
      return `alarm ${t.alarmName} → ${t.state} at ${t.stateChangeTime} (${t.source}${t.region ? `, ${t.region}` : ''})`;
    case 'autoscaling-notification':
      return `${t.event} for ${t.autoScalingGroupName} at ${t.time}`;
    case 'instance-state-change':
      return `instance ${t.instanceId} ${t.state} at ${t.time}`;
    case 'schedule':
      return `scheduled run at ${t.time}`;
    case 'command':
      return `${t.command} command for ${t.target} (SNS message ${t.messageId}${t.time ? ` at ${t.time}` : ''})${t.reason ? `: ${t.reason}` : ''}`;
    case 'failover-check':
      return `reconcile at ${t.time}: ${t.target}${t.instanceId ? `'s instance ${t.instanceId}` : ''} ${t.seen}`;
  }
}

/** One action in a line: its module's words, with what it changes in $/month. */
export function describeAction(a: Action): string {
  const cost = a.monthlyCostDeltaUsd === undefined ? '' : `  ${formatMonthly(a.monthlyCostDeltaUsd, true)}`;
  return moduleOf(a).line(a as never, cost);
}
