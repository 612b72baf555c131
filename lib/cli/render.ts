/** The `table` format: what a person reads in a terminal. JSON output is the objects themselves. */
import type { Trigger } from '../events/trigger';
import type { Action } from '../model/action';
import type { Execution, Plan } from '../model/plan';
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
    case 'update-alarm':
      return `${a.type}  ${a.target}  ${a.change} ${a.alarm.name}${cost}`;
    case 'delete-alarm':
      return `${a.type}  ${a.target}  ${a.alarmName}${cost}`;
  }
}

export function renderPlan(plan: Plan | Execution): string {
  const lines = [`Trigger: ${describeTrigger(plan.trigger)}`];
  const outcomes = 'outcomes' in plan ? plan.outcomes : undefined;
  if (plan.actions.length === 0) lines.push('Actions: none');
  else {
    lines.push('Actions:');
    plan.actions.forEach((a, i) => {
      const o = outcomes?.[i];
      lines.push(`  ${describeAction(a)}${o ? `  [${o.status}${o.detail ? `: ${o.detail}` : ''}]` : ''}`);
      lines.push(`    ${a.reason}`);
    });
  }
  if (plan.ignored.length > 0) {
    lines.push('Ignored:');
    for (const i of plan.ignored) lines.push(`  - ${i.severity === 'warning' ? '(!) ' : ''}${i.reason}`);
  }
  if ('notification' in plan && plan.notification) lines.push(`E-mailed: ${plan.notification.subject}`);
  return lines.join('\n');
}
