/**
 * CloudWatch metric alarms that watch nothing any more: their dimensions name an instance, an Auto
 * Scaling group or a volume that no longer exists; or they have been INSUFFICIENT_DATA for the minimum
 * age; or ec2-autopilot created them (its prefix, its description, tagged `autopilot:managed=true`) for
 * a target that is no longer in the policy. Alarms the policy describes are reconcile's to keep or
 * repair: never cleanup's.
 *
 * DescribeAlarms returns no tags, so tags are read one alarm at a time, for the suspects only.
 */
import type { Candidate } from '../../../model/cleanup';
import type { AlarmFacts, Inventory } from '../../../model/inventory';
import { TAGS } from '../../../model/tags';
import { alarmMonthlyUsd } from '../../../pricing/storage';
import { ageDays, liveInstanceIds } from '../facts';
import type { Rule, RuleContext } from '../rule';

/** How reconcile describes the alarms it creates (lib/plan/alarms.ts). */
const OWN_DESCRIPTION = 'Managed by ec2-autopilot';

interface Suspicion {
  alarm: AlarmFacts;
  why: 'gone' | 'insufficient-data' | 'own';
  reason: string;
  since?: string;
}

function goneDimensions(inv: Inventory, a: AlarmFacts): string[] {
  const instances = liveInstanceIds(inv);
  const groups = new Set((inv.groups ?? []).map((g) => g.name));
  const volumes = new Set((inv.volumes ?? []).map((v) => v.id));
  const gone: string[] = [];
  for (const dims of a.dimensions) {
    if (dims.InstanceId && !instances.has(dims.InstanceId)) gone.push(`instance ${dims.InstanceId}`);
    if (dims.AutoScalingGroupName && !groups.has(dims.AutoScalingGroupName))
      gone.push(`Auto Scaling group ${dims.AutoScalingGroupName}`);
    if (dims.VolumeId && !volumes.has(dims.VolumeId)) gone.push(`volume ${dims.VolumeId}`);
  }
  return gone;
}

function suspicion(inv: Inventory, ctx: RuleContext, a: AlarmFacts): Suspicion | undefined {
  if (ctx.policyAlarms.has(a.name)) return undefined;
  const gone = goneDimensions(inv, a);
  if (gone.length > 0) {
    return {
      alarm: a,
      why: 'gone',
      reason: `Alarm ${a.name} watches ${gone.join(' and ')}, which no longer exists.`,
      since: a.configurationUpdatedAt,
    };
  }
  if (a.state === 'INSUFFICIENT_DATA') {
    const days = Math.floor(ageDays(ctx.now, a.stateUpdatedAt) ?? 0);
    return {
      alarm: a,
      why: 'insufficient-data',
      reason: `Alarm ${a.name} has had insufficient data for ${days} days: its metric is no longer reported.`,
      since: a.stateUpdatedAt,
    };
  }
  if (a.name.startsWith(ctx.alarmPrefix) && a.description?.startsWith(OWN_DESCRIPTION)) {
    return { alarm: a, why: 'own', reason: '', since: a.configurationUpdatedAt };
  }
  return undefined;
}

function suspects(inv: Inventory, ctx: RuleContext): Suspicion[] {
  const minAge = ctx.options.minAgeDays ?? 0;
  return (inv.alarms ?? [])
    .map((a) => suspicion(inv, ctx, a))
    .filter((s): s is Suspicion => {
      const age = s ? ageDays(ctx.now, s.since) : null;
      return !!s && (age === null || age >= minAge);
    });
}

export const alarmRule: Rule = {
  category: 'alarm',
  resources: (inv) => (inv.alarms ?? []).map((a) => ({ id: a.name, ...(a.arn ? { arn: a.arn } : {}) })),
  lookups: (inv, ctx) => {
    const arns = suspects(inv, ctx)
      .map((s) => s.alarm.arn)
      .filter((a): a is string => !!a);
    return arns.length > 0 ? [{ kind: 'alarm-tags', arns }] : [];
  },
  find(inv, ctx) {
    const found: Candidate[] = [];
    for (const s of suspects(inv, ctx)) {
      const tags = (s.alarm.arn && inv.lookups.tags[s.alarm.arn]) || {};
      let reason = s.reason;
      if (s.why === 'own') {
        // The description can be copied by hand; only our own tag proves we created it.
        if (tags[TAGS.managed] !== 'true') continue;
        const target = tags[TAGS.target] ?? s.alarm.name;
        reason = `Alarm ${s.alarm.name} was created by ec2-autopilot for target ${target}, which is no longer in the policy.`;
      }
      found.push({
        category: 'alarm',
        id: s.alarm.name,
        region: inv.region,
        reason,
        ageDays: ageDays(ctx.now, s.since),
        monthlyCostUsd: alarmMonthlyUsd(s.alarm),
        tags,
        names: [s.alarm.name],
        detail: { why: s.why, ...(s.alarm.arn ? { arn: s.alarm.arn } : {}) },
      });
    }
    return found;
  },
};
