/** Triggers and actions in one line each: for the table output, logs and workflow e-mails. */
import type { Trigger } from '../events/trigger';
import type { Action } from '../model/action';
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
  }
}

export function describeAction(a: Action): string {
  const cost = a.monthlyCostDeltaUsd === undefined ? '' : `  ${formatMonthly(a.monthlyCostDeltaUsd, true)}`;
  switch (a.type) {
    case 'set-desired-capacity':
      return `${a.type}  ${a.target}  ${a.autoScalingGroup} ${a.from} → ${a.to}${cost}`;
    case 'resize-instance':
      return `${a.type}  ${a.target}  ${a.instanceId} ${a.from} → ${a.to} (${a.strategy})${cost}`;
    case 'move-address':
      return `${a.type}  ${a.target}  ${a.publicIp} ${a.fromInstance} → ${a.toInstance ?? 'the replacement'}`;
    case 'update-alarm':
      return `${a.type}  ${a.target}  ${a.change} ${a.alarm.name}${cost}`;
    case 'delete-alarm':
      return `${a.type}  ${a.target}  ${a.alarmName}${cost}`;
    case 'mark-resource':
      return `${a.type}  ${a.target}  ${a.resourceId} (${a.region}) until ${a.deleteAfter}`;
    default:
      return `${a.type}  ${a.target}  ${a.resourceId} (${a.region})${cost}`;
  }
}
