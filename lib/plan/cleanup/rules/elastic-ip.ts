/**
 * Elastic IPs associated with nothing. Every public IPv4 address costs $0.005 an hour since February
 * 2024, so an idle one is money for nothing; an associated one is in use, whatever it is attached to
 * (an instance, a NAT gateway's or a load balancer's network interface).
 *
 * An association naming a terminated instance counts as none: AWS disassociates an address when its
 * instance terminates (moto does not, and AWS may show it for a moment). The instance's state is read
 * to be sure (`instance-states` lookup); an instance that is only shutting down still holds it.
 */
import type { Candidate } from '../../../model/cleanup';
import type { AddressFacts, Inventory } from '../../../model/inventory';
import { TAGS } from '../../../model/tags';
import { addressMonthlyUsd } from '../../../pricing/storage';
import { liveInstanceIds, markOf, nameTag } from '../facts';
import type { Rule } from '../rule';

/** Instance ids that addresses name but the describe of live instances did not list. */
function staleHolders(inv: Inventory): string[] {
  const live = liveInstanceIds(inv);
  return [
    ...new Set(
      (inv.addresses ?? [])
        .filter((a) => a.associationId && a.instanceId && !live.has(a.instanceId))
        .map((a) => a.instanceId!),
    ),
  ];
}

/** What the address is associated with (an instance, a network interface), if anything. */
export const associatedWith = (a: AddressFacts): string | undefined =>
  a.instanceId ?? a.networkInterfaceId ?? a.associationId;

function idleBecause(a: AddressFacts, inv: Inventory): string | undefined {
  if (!associatedWith(a)) return `Elastic IP ${a.publicIp} is associated with nothing.`;
  if (!a.instanceId || liveInstanceIds(inv).has(a.instanceId)) return undefined;
  const state = inv.lookups.instanceStates[a.instanceId];
  if (state === 'terminated' || state === 'missing') {
    return `Elastic IP ${a.publicIp} still names ${a.instanceId}, which is ${state === 'missing' ? 'gone' : 'terminated'} (AWS disassociates an address when its instance terminates).`;
  }
  return undefined;
}

export const elasticIpRule: Rule = {
  category: 'elastic-ip',
  resources: (inv) => (inv.addresses ?? []).map((a) => ({ id: a.allocationId, tags: a.tags })),
  lookups: (inv) => {
    const ids = staleHolders(inv);
    return ids.length > 0 ? [{ kind: 'instance-states', ids }] : [];
  },
  find(inv) {
    const found: Candidate[] = [];
    for (const a of inv.addresses ?? []) {
      const reason = idleBecause(a, inv);
      if (!reason) continue;
      const mark = markOf(a.tags[TAGS.deleteAfter]);
      found.push({
        category: 'elastic-ip',
        id: a.allocationId,
        region: inv.region,
        reason,
        ageDays: null,
        monthlyCostUsd: addressMonthlyUsd(),
        tags: a.tags,
        names: nameTag(a.tags),
        ...(mark ? { markedUntil: mark } : {}),
        detail: { publicIp: a.publicIp, ...(a.instanceId ? { staleInstance: a.instanceId } : {}) },
      });
    }
    return found;
  },
};
