/**
 * `deregister-image`: an image nothing launches from. Its snapshots stay: the snapshot rule finds them on a
 * later run, with their own grace period (image retention deletes them right after, in the same run).
 *
 * Re-verified with the image rule's own predicate on fresh state: an instance that is not terminated,
 * any version of any launch template (not only `$Default` and `$Latest`: a group or a person may name any
 * number) and any launch configuration keep the image. Each is one listing for the whole batch.
 */
import type { Tags } from '../../model/inventory';
import { imageUser } from '../../plan/cleanup/rules/image';
import { defineAction, need } from '../action-module';
import type { CleanupReads } from '../ports';
import { fromDeleted, orphanBatch, orphanWords, tagVeto, verdicts } from './orphan';

/** The images still registered, by id, with their tags and what launches from each now (if anything). */
export async function imagesNow(
  reads: CleanupReads,
  ids: string[],
): Promise<Map<string, { tags: Tags; user?: string }>> {
  const [images, instances, launchTemplates, launchConfigurations] = await Promise.all([
    reads.images(ids),
    reads.instancesOfImages(ids),
    reads.templatesOfImages(ids),
    reads.configurationsOfImages(ids),
  ]);
  const users = { instances, launchTemplates, launchConfigurations };
  return new Map(
    images.map((image) => {
      const user = imageUser(users, image.id);
      return [image.id, { tags: image.tags, ...(user ? { user } : {}) }];
    }),
  );
}

export const deregisterImage = defineAction({
  type: 'deregister-image',
  permissions: ['ec2:DeregisterImage'],
  batchKey: orphanBatch,

  async verify(items, ports) {
    const reads = need(ports, 'cleanupReads', 'deregister-image');
    const now = await imagesNow(
      reads,
      items.map((i) => i.action.resourceId),
    );
    return verdicts(
      items,
      new Map(
        [...now].map(([id, image]) => [
          id,
          tagVeto(image.tags) ?? (image.user ? `${image.user} uses it now` : undefined),
        ]),
      ),
    );
  },

  apply: async ({ action: a }, ports) =>
    fromDeleted(await need(ports, 'cleanupWrites', a.type).deregisterImage(a.resourceId), a),

  line: orphanWords.line,
  headline: orphanWords.headline,
});
