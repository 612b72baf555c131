/**
 * `autopilot validate [--notify]`: is the policy file valid, and what does it mean? It makes no AWS call,
 * unless `--notify` asks for the verdict to be e-mailed (valid or not) to the stage's notifications topic.
 */
import { PolicyError, errorMessage } from '../../errors';
import type { FailoverPolicy, Policy, Rule, ScalingRule, Target } from '../../policy/policy';
import { alarmName, STATUS_CHECKS, statusAlarmName } from '../../policy/policy';
import { EXIT, type CliContext } from '../context';
import { resultEmail } from '../notify-email';

function ruleWords(rule: ScalingRule): string {
  const w = rule.when;
  const step =
    rule.step.kind === 'fixed'
      ? `${rule.direction === 'high' ? '+' : '−'}${rule.step.count}`
      : `to ${rule.step.target} ${w.metric} per instance (proportional)`;
  return `${step} when ${w.metric} ${w.statistic} ${rule.direction === 'high' ? '>' : '<'} ${w.threshold} for ${w.forMinutes} min`;
}

function failoverWords(policy: Policy, name: string, f: FailoverPolicy): string[] {
  const standby = f.standby
    ? 'id' in f.standby
      ? f.standby.id
      : Object.entries(f.standby.tags)
          .map(([k, v]) => `${k}=${v}`)
          .join(', ')
    : undefined;
  const to = [
    ...(standby ? [`the standby ${standby}`] : []),
    ...(f.replaceFrom === 'latest-image' ? ['a replacement from the newest image'] : []),
  ];
  const alarms = STATUS_CHECKS.map((c) => statusAlarmName(policy, name, c)).join(', ');
  return [
    `  fail over to ${to.join(', else ') || 'nothing (replaceFrom: none, no standby): only told'} when it stops, terminates or fails a status check for ${f.statusCheckFailedMinutes} min  [alarms ${alarms}]`,
  ];
}

export function describeTarget(policy: Policy, t: Target): string[] {
  if (t.kind === 'instance') {
    const selector =
      'id' in t.instance
        ? t.instance.id
        : Object.entries(t.instance.tags)
            .map(([k, v]) => `${k}=${v}`)
            .join(', ');
    const lines = [`${t.name}: instance ${selector}${t.dryRun ? ' (dry run)' : ''}`];
    const rule = (r: Rule, verb: string) =>
      `  ${verb} one rung when ${r.when.metric} ${r.when.statistic} ${r.direction === 'high' ? '>' : '<'} ${r.when.threshold} for ${r.when.forMinutes} min  [alarm ${alarmName(policy, t.name, r.direction)}]`;
    if (t.scaleUp) lines.push(rule(t.scaleUp, 'up  '));
    if (t.scaleDown) lines.push(rule(t.scaleDown, 'down'));
    if (t.scaleUp)
      lines.push(
        `  ladder ${t.ladder.join(' → ')}, ${t.strategy}${t.then ? `, then scale out ${t.then.scaleOut}` : ''}, cooldown ${t.cooldownMinutes} min`,
      );
    if (t.failover) lines.push(...failoverWords(policy, t.name, t.failover));
    return lines;
  }
  const lines = [`${t.name}: Auto Scaling group ${t.autoScalingGroup}${t.dryRun ? ' (dry run)' : ''}`];
  if (t.scaleOut)
    lines.push(`  scale out ${ruleWords(t.scaleOut)}  [alarm ${alarmName(policy, t.name, 'high')}]`);
  if (t.scaleIn)
    lines.push(`  scale in  ${ruleWords(t.scaleIn)}  [alarm ${alarmName(policy, t.name, 'low')}]`);
  lines.push(
    `  bounds ${t.bounds ? `${t.bounds.min}–${t.bounds.max}` : "the group's MinSize–MaxSize"}, cooldown ${t.cooldownMinutes} min`,
  );
  return lines;
}

export function describePolicy(policy: Policy): string {
  const lines = [`Policy is valid: ${policy.targets.length} target(s)${policy.dryRun ? ', dry run' : ''}.`];
  for (const t of policy.targets) lines.push(...describeTarget(policy, t));
  if (policy.cleanup) {
    const c = policy.cleanup;
    const off = Object.entries(c.categories)
      .filter(([, v]) => !v.enabled)
      .map(([k]) => k);
    lines.push(
      `Cleanup: ${c.mode}, ${c.schedule}, grace ${c.graceDays} days, at most ${c.maxDeletionsPerRun} deletions a run` +
        `${c.regions ? `, regions ${c.regions.join(', ')}` : ''}${off.length ? `; off: ${off.join(', ')}` : ''}`,
    );
  }
  if (policy.notifications.emails.length > 0)
    lines.push(`E-mails to: ${policy.notifications.emails.join(', ')}`);
  return lines.join('\n');
}

/** An invalid policy, e-mailed when asked; a failure to e-mail is said, and the policy's error stands. */
async function notifyInvalid(ctx: CliContext, error: PolicyError): Promise<void> {
  const region = ctx.region(undefined);
  if (!region) return ctx.io.stderr('autopilot: --notify: no AWS region to find the topic in (AWS_REGION)');
  try {
    const notifier = await ctx.requestedNotifier(region);
    const issues = error.issues.length > 0 ? error.issues : [error.message];
    await ctx.notify(
      notifier,
      resultEmail('validate', `the policy is INVALID: ${issues[0]}`, issues.join('\n'), 'failed'),
    );
  } catch (notifyError) {
    ctx.io.stderr(`autopilot: --notify: ${errorMessage(notifyError)}`);
  }
}

export async function validate(ctx: CliContext): Promise<number> {
  let policy: Policy;
  try {
    policy = ctx.policy();
  } catch (error) {
    if (ctx.args.notify && error instanceof PolicyError) await notifyInvalid(ctx, error);
    throw error;
  }
  const notifier = ctx.args.notify ? await ctx.requestedNotifier(ctx.regionOrFail(policy)) : undefined;
  const text = describePolicy(policy);
  const notification = notifier
    ? await ctx.notify(notifier, resultEmail('validate', text.split('\n')[0]!, text, 'valid'))
    : undefined;
  if (ctx.args.format === 'json') {
    ctx.io.stdout(
      JSON.stringify({ valid: true, policy, ...(notification ? { notification } : {}) }, null, 2),
    );
  } else {
    ctx.io.stdout(notification ? `${text}\nE-mailed: ${notification.subject}` : text);
  }
  return EXIT.ok;
}
