/**
 * Auto Scaling groups at 0/0/0 (minimum, maximum and desired capacity) with no instances, for the
 * minimum age: the seed's "delete the Auto Scaling group, or the bill explodes" left half done. The
 * age is since the group's last scaling activity (AWS keeps six weeks of them) or its creation. Kept:
 * groups the policy names, groups with scheduled actions (they scale themselves back up), and groups
 * being deleted.
 */
import type { Candidate } from '../../../model/cleanup';
import type { GroupFacts, Inventory } from '../../../model/inventory';
import { TAGS } from '../../../model/tags';
import { ageDays, latest, markOf, nameTag } from '../facts';
import type { Rule, RuleContext } from '../rule';

/** At 0/0/0 with no instances, and not being deleted: a group that runs nothing. */
export const isEmpty = (g: GroupFacts): boolean =>
  g.minSize === 0 && g.maxSize === 0 && g.desiredCapacity === 0 && g.instanceIds.length === 0 && !g.status;

function suspects(inv: Inventory, ctx: RuleContext): GroupFacts[] {
  return (inv.groups ?? []).filter((g) => isEmpty(g) && !ctx.policyGroups.has(g.name));
}

export const autoScalingGroupRule: Rule = {
  category: 'auto-scaling-group',
  resources: (inv) => (inv.groups ?? []).map((g) => ({ id: g.name, tags: g.tags })),
  lookups: (inv, ctx) => {
    const names = suspects(inv, ctx).map((g) => g.name);
    return names.length > 0 ? [{ kind: 'group-activity', names }] : [];
  },
  find(inv, ctx) {
    const scheduled = new Set(inv.lookups.scheduledGroups);
    const found: Candidate[] = [];
    for (const g of suspects(inv, ctx)) {
      if (scheduled.has(g.name)) continue;
      const activity = inv.lookups.groupActivity[g.name];
      const since = latest(g.createdAt, activity);
      const mark = markOf(g.tags[TAGS.deleteAfter]);
      found.push({
        category: 'auto-scaling-group',
        id: g.name,
        region: inv.region,
        reason: `Auto Scaling group ${g.name} is at 0/0/0 (minimum/maximum/desired) with no instances${activity ? `; its last scaling activity was ${activity.slice(0, 10)}` : ' and no scaling activity in the six weeks AWS keeps'}.`,
        ageDays: ageDays(ctx.now, since),
        monthlyCostUsd: 0,
        tags: g.tags,
        names: [g.name, ...nameTag(g.tags)],
        ...(mark ? { markedUntil: mark } : {}),
      });
    }
    return found;
  },
};
