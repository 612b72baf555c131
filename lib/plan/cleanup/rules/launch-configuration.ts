/**
 * Launch configurations no Auto Scaling group uses. They cost nothing, but each one keeps its image
 * "in use" for the image rule, and AWS caps how many an account may hold. They cannot be tagged: their
 * marks live in the state table.
 */
import type { Candidate } from '../../../model/cleanup';
import { ageDays } from '../facts';
import type { Rule } from '../rule';

export const launchConfigurationRule: Rule = {
  category: 'launch-configuration',
  resources: (inv) => (inv.launchConfigurations ?? []).map((c) => ({ id: c.name })),
  find(inv, ctx) {
    const used = new Set((inv.groups ?? []).map((g) => g.launchConfigurationName).filter(Boolean));
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
