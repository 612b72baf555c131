/**
 * EBS snapshots that back no registered image and either were made for an image that is gone
 * (CreateImage and CopyImage name the image in the snapshot's description) or whose volume no longer
 * exists. A backup of a volume that still exists is kept, and so are snapshots whose source is unknown
 * (`vol-ffffffff`: a copy), and those an AWS Backup plan or a Data Lifecycle Manager policy owns: their
 * retention is theirs to apply.
 */
import type { Candidate } from '../../../model/cleanup';
import type { ImageFacts, SnapshotFacts } from '../../../model/inventory';
import { TAGS } from '../../../model/tags';
import { snapshotMonthlyUsd } from '../../../pricing/storage';
import { ageDays, formatGiB, markOf, nameTag } from '../facts';
import type { Rule } from '../rule';

/** `Created by CreateImage(i-0abc) for ami-0def from vol-0123`, `Copied for DestinationAmi ami-0def from …`. */
const MADE_FOR_IMAGE =
  /(?:Created by CreateImage\((i-[0-9a-f]+)\) for|Copied for DestinationAmi) (ami-[0-9a-f]+)/;

/** A copied snapshot's VolumeId: AWS's placeholder, not a volume that ever existed here. */
export const UNKNOWN_VOLUME = 'vol-ffffffff';

export function imageNamedBy(description: string): { imageId: string; instanceId?: string } | undefined {
  const m = MADE_FOR_IMAGE.exec(description);
  return m ? { imageId: m[2]!, ...(m[1] ? { instanceId: m[1] } : {}) } : undefined;
}

const ownedByBackupService = (s: SnapshotFacts): boolean =>
  Object.keys(s.tags).some((k) => k.startsWith('aws:dlm:') || k.startsWith('aws:backup:')) ||
  /created by AWS Backup/i.test(s.description);

/** The snapshots registered images are made from, each with its image: never orphans. */
export function imagesBySnapshot(images: readonly ImageFacts[]): Map<string, string> {
  return new Map(images.flatMap((i) => i.snapshots.map((s) => [s.id, i.id] as const)));
}

export const snapshotRule: Rule = {
  category: 'snapshot',
  resources: (inv) => (inv.snapshots ?? []).map((s) => ({ id: s.id, tags: s.tags })),
  find(inv, ctx) {
    const images = new Set((inv.images ?? []).map((i) => i.id));
    const backing = imagesBySnapshot(inv.images ?? []);
    const volumes = new Set((inv.volumes ?? []).map((v) => v.id));
    const found: Candidate[] = [];
    for (const s of inv.snapshots ?? []) {
      if (s.state !== 'completed' || backing.has(s.id) || ownedByBackupService(s)) continue;
      const madeFor = imageNamedBy(s.description);
      let reason: string | undefined;
      if (madeFor) {
        if (images.has(madeFor.imageId)) continue;
        reason = `${formatGiB(s.sizeGiB)} snapshot made for image ${madeFor.imageId}, which is deregistered; it backs no image.`;
      } else if (s.volumeId && s.volumeId !== UNKNOWN_VOLUME && !volumes.has(s.volumeId)) {
        reason = `${formatGiB(s.sizeGiB)} snapshot of ${s.volumeId}, which no longer exists; it backs no image.`;
      }
      if (!reason) continue;
      const mark = markOf(s.tags[TAGS.deleteAfter]);
      found.push({
        category: 'snapshot',
        id: s.id,
        region: inv.region,
        reason,
        ageDays: ageDays(ctx.now, s.startedAt),
        monthlyCostUsd: snapshotMonthlyUsd(s),
        tags: s.tags,
        names: nameTag(s.tags),
        ...(mark ? { markedUntil: mark } : {}),
      });
    }
    return found;
  },
};
