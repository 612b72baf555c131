/**
 * One plain-text e-mail per decision: what happened, why, before → after, what it costs, and what the
 * orchestrator will do next. SNS e-mail is plain text and its subject is at most 100 characters; the
 * message attributes let subscribers filter (e.g. only failures, only one target).
 */
import type { AlarmTrigger, Trigger } from '../events/trigger';
import type { Action, SetDesiredCapacityAction } from '../model/action';
import type { Email } from '../model/email';
import type { Execution, Outcome, OutcomeStatus } from '../model/plan';
import type { Policy, Target } from '../policy/policy';
import { moduleOf } from '../actions/registry';
import { formatMetric, formatMonthly, formatTime } from '../plan/wording';
import { HOURS_PER_MONTH, PRICE_TABLE } from '../pricing/on-demand';

export const SUBJECT_MAX = 100;

export type { Email } from '../model/email';

export function clampSubject(subject: string): string {
  const oneLine = subject.replace(/\s+/g, ' ').trim();
  return oneLine.length <= SUBJECT_MAX ? oneLine : `${oneLine.slice(0, SUBJECT_MAX - 1)}…`;
}

const verbs: Record<OutcomeStatus, string> = {
  applied: '',
  started: 'started to ',
  'dry-run': 'would ',
  dropped: 'dropped: ',
  failed: 'FAILED to ',
};

/** Each action's own words (its module in the registry), with the outcome's verb. */
const headline = (action: Action, status: OutcomeStatus): string =>
  moduleOf(action).headline(action as never, verbs[status], status === 'applied');

function describeTrigger(trigger: Trigger): string[] {
  switch (trigger.kind) {
    case 'alarm':
      return alarmLines(trigger);
    case 'autoscaling-notification':
      return [
        `Auto Scaling ${trigger.event} for ${trigger.autoScalingGroupName} at ${trigger.time}.`,
        ...(trigger.cause ? [trigger.cause] : []),
      ];
    case 'instance-state-change':
      return [`Instance ${trigger.instanceId} is ${trigger.state} (${trigger.time}).`];
    case 'schedule':
      return [`Scheduled run at ${trigger.time}.`];
    case 'command':
      return [
        `The ${trigger.command} command for ${trigger.target} was published to the alarm topic${trigger.time ? ` at ${formatTime(new Date(trigger.time))}` : ''} (SNS message ${trigger.messageId}).`,
        ...(trigger.reason ? [`Reason given: ${trigger.reason}`] : []),
      ];
    case 'failover-check':
      return [
        `Reconcile at ${trigger.time}: ${trigger.target}${trigger.instanceId ? `'s instance ${trigger.instanceId}` : ''} ${trigger.seen}.`,
      ];
  }
}

function alarmLines(t: AlarmTrigger): string[] {
  const from = t.previousState ? `${t.previousState} → ` : '';
  const at = Number.isNaN(Date.parse(t.stateChangeTime))
    ? t.stateChangeTime
    : formatTime(new Date(t.stateChangeTime));
  const lines = [
    `Alarm ${t.alarmName} went ${from}${t.state} at ${at}${t.region ? ` (${t.region})` : ''}${t.source === 'reconcile' ? ', and is still in ALARM (re-checked by reconcile)' : ''}.`,
  ];
  if (t.reason) lines.push(t.reason);
  return lines;
}

function costLines(actions: Action[]): string[] {
  const priced = actions.filter((a) => a.monthlyCostDeltaUsd !== undefined);
  if (priced.length === 0) return [];
  const total = priced.reduce((sum, a) => sum + (a.monthlyCostDeltaUsd ?? 0), 0);
  const lines = [`${formatMonthly(total, true)} if it stays this way.`];
  for (const a of priced) {
    if (a.type === 'set-desired-capacity') lines.push(capacityCost(a));
  }
  lines.push(
    `Prices: ${PRICE_TABLE.source}, table of ${PRICE_TABLE.date}, ${HOURS_PER_MONTH} hours a month.`,
  );
  return lines;
}

function capacityCost(a: SetDesiredCapacityAction): string {
  const perMonth = a.monthlyCostDeltaUsd ?? 0;
  const n = Math.abs(a.to - a.from);
  const each = n === 0 ? 0 : Math.abs(perMonth) / n;
  return `${n} × ${a.instanceType ?? 'instance'} at ${formatMonthly(each)} each (on-demand).`;
}

function nextLines(target: Target | undefined, actions: Action[]): string[] {
  if (!target || target.kind !== 'auto-scaling-group') return [];
  const lines: string[] = [];
  const applied = actions.find((a): a is SetDesiredCapacityAction => a.type === 'set-desired-capacity');
  const out = target.scaleOut;
  const inn = target.scaleIn;
  const cooldown = target.cooldownMinutes > 0 ? ` after the ${target.cooldownMinutes}-minute cooldown` : '';
  if (out) {
    const step =
      out.step.kind === 'fixed'
        ? `adds ${out.step.count} more`
        : `sizes the group for ${formatMetric(out.when.metric, out.step.target)}`;
    lines.push(
      `If ${out.when.metric} stays above ${out.when.threshold}, it ${step}${applied?.direction === 'out' ? cooldown : ''}${target.bounds ? `, up to ${target.bounds.max}` : ''}.`,
    );
  }
  if (inn) {
    const step =
      inn.step.kind === 'fixed'
        ? `removes ${inn.step.count}`
        : `sizes the group for ${formatMetric(inn.when.metric, inn.step.target)}`;
    lines.push(
      `When ${inn.when.metric} is below ${inn.when.threshold} for ${inn.when.forMinutes} min, it ${step}${applied ? cooldown : ''}${target.bounds ? `, never below ${target.bounds.min}` : ''}.`,
    );
  }
  return lines;
}

function outcomeLine(o: Outcome): string {
  const when = formatTime(new Date(o.finishedAt));
  const status =
    o.status === 'applied'
      ? `applied at ${when}`
      : o.status === 'dry-run'
        ? 'not applied (dry run)'
        : `${o.status}${o.detail ? `: ${o.detail}` : ''}`;
  return `- ${o.action.type} — ${status}\n  ${o.action.reason}`;
}

/** Chooses the worst outcome for the subject and the `outcome` attribute. */
function overall(outcomes: Outcome[], warned: boolean): string {
  for (const s of ['failed', 'dropped', 'dry-run', 'started', 'applied'] as const)
    if (outcomes.some((o) => o.status === s)) return s;
  return warned ? 'refused' : 'none';
}

export function executionEmail(whole: Execution, policy: Policy): Email | undefined {
  // A workflow that ran (or was started) e-mails its own outcome, once, when it ends. An action dropped
  // because fresh state no longer matched its plan (another run did it, someone changed the group) is
  // logged, not e-mailed: nothing happened that a person must act on.
  const execution = {
    ...whole,
    outcomes: whole.outcomes.filter((o) => !o.notifiedByWorkflow && o.status !== 'dropped'),
  };
  const warnings = execution.ignored.filter((i) => i.severity === 'warning');
  if (execution.outcomes.length === 0 && warnings.length === 0) return undefined;
  // A scheduled run (reconcile) may touch several targets: it speaks for itself.
  const targetName =
    execution.trigger.kind === 'schedule'
      ? 'reconcile'
      : (execution.actions[0]?.target ?? warnings[0]?.target ?? 'ec2-autopilot');
  const target = policy.targets.find((t) => t.name === targetName);
  const status = overall(execution.outcomes, warnings.length > 0);
  const first = execution.outcomes.find((o) => o.status === status) ?? execution.outcomes[0];
  const what = first
    ? headline(first.action, first.status) +
      (execution.outcomes.length > 1 ? ` (+${execution.outcomes.length - 1} more)` : '')
    : `not acting — ${warnings[0]!.reason}`;
  const sections: [string, string[]][] = [
    ['What happened', describeTrigger(execution.trigger)],
    ['What it did', execution.outcomes.map(outcomeLine)],
    ['Why not', warnings.map((w) => `- ${w.reason}`)],
    [
      'Cost',
      costLines(
        execution.outcomes
          .filter((o) => o.status !== 'dropped' && o.status !== 'failed')
          .map((o) => o.action),
      ),
    ],
    [
      'What next',
      nextLines(
        target,
        execution.outcomes.filter((o) => o.status === 'applied').map((o) => o.action),
      ),
    ],
  ];
  const body = [
    `ec2-autopilot ${what}.`,
    '',
    ...sections
      .filter(([, lines]) => lines.length > 0)
      .flatMap(([title, lines]) => [title, ...lines.map((l) => `  ${l.replace(/\n/g, '\n  ')}`), '']),
    '—',
    `Target ${targetName}. Sent by ec2-autopilot; every decision is e-mailed, routine skips are only logged.`,
  ].join('\n');
  return {
    subject: clampSubject(`[ec2-autopilot] ${targetName}: ${what}`),
    body,
    attributes: { target: targetName, action: first?.action.type ?? 'none', outcome: status },
  };
}
