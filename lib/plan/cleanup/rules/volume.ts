/**
 * EBS volumes attached to no instance (state `available`). AWS keeps no detach time, so the age is the
 * volume's; the grace period between the mark and the deletion is what gives its owner time to notice.
 */
import type { Candidate } from '../../../model/cleanup';
import type { VolumeFacts } from '../../../model/inventory';
import { TAGS } from '../../../model/tags';
import { volumeMonthlyUsd } from '../../../pricing/storage';
import { ageDays, formatGiB, markOf, nameTag } from '../facts';
import type { Rule } from '../rule';

/** What a volume is doing, when it is not idle: attached to an instance, or in another state than `available`. */
export function volumeInUse(v: VolumeFacts): string | undefined {
  if (v.attachedTo.length > 0) return `attached to ${v.attachedTo[0]}`;
  return v.state !== 'available' ? v.state : undefined;
}

export const volumeRule: Rule = {
  category: 'volume',
  resources: (inv) => (inv.volumes ?? []).map((v) => ({ id: v.id, tags: v.tags })),
  find(inv, ctx) {
    const found: Candidate[] = [];
    for (const v of inv.volumes ?? []) {
      if (volumeInUse(v)) continue;
      const mark = markOf(v.tags[TAGS.deleteAfter]);
      found.push({
        category: 'volume',
        id: v.id,
        region: inv.region,
        reason: `${formatGiB(v.sizeGiB)} ${v.type} volume attached to no instance.`,
        ageDays: ageDays(ctx.now, v.createdAt),
        monthlyCostUsd: volumeMonthlyUsd(v),
        tags: v.tags,
        names: nameTag(v.tags),
        ...(mark ? { markedUntil: mark } : {}),
      });
    }
    return found;
  },
};
