/**
 * Instances stopped for the minimum age (opt-in). A stopped instance costs no compute, but its volumes
 * and Elastic IPs are billed as if it ran. Reported only, unless `terminate: true`. Kept: instances of
 * Auto Scaling groups (a warm pool keeps stopped instances on purpose) and the instances the policy's
 * targets name.
 */
import type { Candidate } from '../../../model/cleanup';
import type { InstanceRecord } from '../../../model/inventory';
import { TAGS } from '../../../model/tags';
import { addressMonthlyUsd, volumeMonthlyUsd } from '../../../pricing/storage';
import { ageDays, formatGiB, markOf, nameTag, plural } from '../facts';
import type { Rule, RuleContext } from '../rule';

function namedByPolicy(i: InstanceRecord, ctx: RuleContext): boolean {
  return ctx.policyInstances.some((sel) =>
    'id' in sel ? sel.id === i.id : Object.entries(sel.tags).every(([k, v]) => i.tags[k] === v),
  );
}

/** Only a stopped instance can be an orphan: one in any other state is someone's server (or gone). */
export const isStopped = (i: Pick<InstanceRecord, 'state'>): boolean => i.state === 'stopped';

export const instanceRule: Rule = {
  category: 'instance',
  resources: (inv) => (inv.instances ?? []).map((i) => ({ id: i.id, tags: i.tags })),
  find(inv, ctx) {
    const found: Candidate[] = [];
    for (const i of inv.instances ?? []) {
      if (!isStopped(i) || i.tags['aws:autoscaling:groupName'] || namedByPolicy(i, ctx)) continue;
      const volumes = (inv.volumes ?? []).filter((v) => v.attachedTo.includes(i.id));
      const addresses = (inv.addresses ?? []).filter((a) => a.instanceId === i.id);
      const size = volumes.reduce((sum, v) => sum + v.sizeGiB, 0);
      const since = i.stoppedAt ?? i.launchedAt;
      const mark = markOf(i.tags[TAGS.deleteAfter]);
      found.push({
        category: 'instance',
        id: i.id,
        region: inv.region,
        reason:
          `Instance ${i.tags.Name ? `${i.tags.Name} (${i.id})` : i.id} has been stopped ${i.stoppedAt ? `since ${i.stoppedAt.slice(0, 10)}` : 'since an unknown date'}; ` +
          `its ${plural(volumes.length, 'volume')} (${formatGiB(size)})${addresses.length ? ` and ${plural(addresses.length, 'Elastic IP')}` : ''} are still billed.`,
        ageDays: ageDays(ctx.now, since),
        monthlyCostUsd:
          Math.round(
            (volumes.reduce((sum, v) => sum + volumeMonthlyUsd(v), 0) +
              addresses.length * addressMonthlyUsd()) *
              100,
          ) / 100,
        tags: i.tags,
        names: nameTag(i.tags),
        ...(mark ? { markedUntil: mark } : {}),
      });
    }
    return found;
  },
};
