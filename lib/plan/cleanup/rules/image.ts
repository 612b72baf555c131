/**
 * Images (AMIs) nothing can launch from any more: used by no instance that is not terminated (a stopped
 * instance still needs its image to start again after a failure of its host), by no version of any
 * launch template (in a group or not: templates outside groups are how people launch by hand, and the
 * false positive Cloud Custodian is known for), by no launch configuration, shared with no other
 * account, not public, and not among the newest `keep` images of their lineage (`autopilot:lineage`,
 * which the images of resizes carry), so that a rollback always has an image to go back to.
 *
 * An image costs what its snapshots hold; deregistering it leaves them, and the snapshot rule finds
 * them on a later run (made for an image that is gone).
 */
import type { Candidate } from '../../../model/cleanup';
import type { ImageFacts, Inventory } from '../../../model/inventory';
import { TAGS } from '../../../model/tags';
import { snapshotMonthlyUsd } from '../../../pricing/storage';
import { ageDays, formatGiB, markOf, nameTag, plural } from '../facts';
import type { Rule, RuleContext } from '../rule';

/** Images something still launches from, with what (for the reason a look-alike is kept). */
export function imagesInUse(
  inv: Pick<Inventory, 'instances' | 'launchTemplates' | 'launchConfigurations'>,
): Set<string> {
  const used = new Set<string>();
  for (const i of inv.instances ?? []) if (i.imageId) used.add(i.imageId);
  for (const t of inv.launchTemplates ?? []) for (const v of t.versions) if (v.imageId) used.add(v.imageId);
  for (const c of inv.launchConfigurations ?? []) if (c.imageId) used.add(c.imageId);
  return used;
}

/**
 * What launches from `imageId`, in words (`instance i-0abc (stopped)`, `launch template web-lt version 3`,
 * `launch configuration web-lc`), for the reason it is kept; undefined when `imagesInUse` finds nothing.
 */
export function imageUser(
  inv: Pick<Inventory, 'instances' | 'launchTemplates' | 'launchConfigurations'>,
  imageId: string,
): string | undefined {
  if (!imagesInUse(inv).has(imageId)) return undefined;
  const instance = (inv.instances ?? []).find((i) => i.imageId === imageId);
  if (instance) return `instance ${instance.id}${instance.state === 'running' ? '' : ` (${instance.state})`}`;
  for (const t of inv.launchTemplates ?? []) {
    const v = t.versions.find((x) => x.imageId === imageId);
    if (!v) continue;
    const role = [
      v.number === t.defaultVersion ? 'default' : '',
      v.number === t.latestVersion ? 'latest' : '',
    ]
      .filter(Boolean)
      .join(', ');
    return `launch template ${t.name || t.id} version ${v.number}${role ? ` (${role})` : ''}`;
  }
  const config = (inv.launchConfigurations ?? []).find((c) => c.imageId === imageId);
  return config ? `launch configuration ${config.name}` : 'something';
}

/** The newest `keep` images of each lineage: never orphans. */
export function newestOfLineages(images: readonly ImageFacts[], keep: number): Set<string> {
  const byLineage = new Map<string, ImageFacts[]>();
  for (const image of images) {
    const lineage = image.tags[TAGS.lineage];
    if (!lineage) continue;
    byLineage.set(lineage, [...(byLineage.get(lineage) ?? []), image]);
  }
  const kept = new Set<string>();
  for (const family of byLineage.values()) {
    family
      .sort(
        (a, b) => Date.parse(b.createdAt ?? '') - Date.parse(a.createdAt ?? '') || b.id.localeCompare(a.id),
      )
      .slice(0, keep)
      .forEach((i) => kept.add(i.id));
  }
  return kept;
}

/** Unused images old enough to matter: the ones whose launch permissions are worth one call each. */
function suspects(inv: Inventory, ctx: RuleContext): ImageFacts[] {
  const used = imagesInUse(inv);
  const kept = newestOfLineages(inv.images ?? [], ctx.options.keep ?? 1);
  const minAge = ctx.options.minAgeDays ?? 0;
  return (inv.images ?? []).filter((i) => {
    if (i.public || i.state === 'pending' || used.has(i.id) || kept.has(i.id)) return false;
    const age = ageDays(ctx.now, i.createdAt);
    return age === null || age >= minAge;
  });
}

export const imageRule: Rule = {
  category: 'image',
  resources: (inv) => (inv.images ?? []).map((i) => ({ id: i.id, tags: i.tags })),
  lookups: (inv, ctx) => {
    const ids = suspects(inv, ctx).map((i) => i.id);
    return ids.length > 0 ? [{ kind: 'image-shares', ids }] : [];
  },
  find(inv, ctx) {
    const found: Candidate[] = [];
    for (const image of suspects(inv, ctx)) {
      // Not looked up (or the lookup failed): it may be shared, so it is not an orphan.
      if ((inv.lookups.imageShares[image.id] ?? 1) > 0) continue;
      const size = image.snapshots.reduce((sum, s) => sum + s.sizeGiB, 0);
      const lineage = image.tags[TAGS.lineage];
      const mark = markOf(image.tags[TAGS.deleteAfter]);
      found.push({
        category: 'image',
        id: image.id,
        region: inv.region,
        reason:
          `Image ${image.name ?? image.id} is used by no instance, launch template or launch configuration` +
          `${lineage ? ` and is older than the newest ${ctx.options.keep} of lineage ${lineage}` : ''}` +
          `; its ${plural(image.snapshots.length, 'snapshot')} hold ${formatGiB(size)}.`,
        ageDays: ageDays(ctx.now, image.createdAt),
        monthlyCostUsd: image.snapshots.reduce((sum, s) => sum + snapshotMonthlyUsd(s), 0),
        tags: image.tags,
        names: [...(image.name ? [image.name] : []), ...nameTag(image.tags)],
        ...(mark ? { markedUntil: mark } : {}),
      });
    }
    return found;
  },
};
