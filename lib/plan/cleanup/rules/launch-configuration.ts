/**
 * Launch configurations no Auto Scaling group uses. They cost nothing, but each one keeps its image
 * "in use" for the image rule, and AWS caps how many an account may hold. They cannot be tagged: their
 * marks live in the state table.
 */
import type { Candidate } from '../../../model/cleanup';
import type { GroupFacts } from '../../../model/inventory';
import { ageDays } from '../facts';
import type { Rule } from '../rule';

/** The launch configurations groups use. */
export const configurationsInUse = (groups: readonly GroupFacts[]): Set<string> =>
  new Set(groups.map((g) => g.launchConfigurationName).filter((n): n is string => !!n));

export const launchConfigurationRule: Rule = {
  category: 'launch-configuration',
  resources: (inv) => (inv.launchConfigurations ?? []).map((c) => ({ id: c.name })),
  find(inv, ctx) {
    const used = configurationsInUse(inv.groups ?? []);
    const found: Candidate[] = [];
    for (const c of inv.launchConfigurations ?? []) {
      if (used.has(c.name)) continue;
      found.push({
        category: 'launch-configuration',
        id: c.name,
        region: inv.region,
        reason: `Launch configuration ${c.name}${c.imageId ? ` (image ${c.imageId})` : ''} is used by no Auto Scaling group.`,
        ageDays: ageDays(ctx.now, c.createdAt),
        monthlyCostUsd: 0,
        tags: {},
        names: [c.name],
      });
    }
    return found;
  },
};
