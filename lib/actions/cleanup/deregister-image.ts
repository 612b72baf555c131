/** `deregister-image`: an image nothing launches from. Its snapshots stay: the snapshot rule finds them on a later run, with their own grace period. */
import { imagesInUse } from '../../plan/cleanup/rules/image';
import { defineAction, need } from '../action-module';
import { fromDeleted, orphanBatch, orphanWords, tagVeto, verdicts } from './orphan';

export const deregisterImage = defineAction({
  type: 'deregister-image',
  permissions: ['ec2:DeregisterImage'],
  batchKey: orphanBatch,

  async verify(items, ports) {
    const reads = need(ports, 'cleanupReads', 'deregister-image');
    const ids = items.map((i) => i.action.resourceId);
    const [fresh, instances] = await Promise.all([reads.images(ids), reads.instancesOfImages(ids)]);
    const used = imagesInUse({ instances });
    return verdicts(
      items,
      new Map(
        fresh.map((image) => {
          const user = used.has(image.id) ? instances.find((i) => i.imageId === image.id)?.id : undefined;
          return [image.id, tagVeto(image.tags) ?? (user ? `instance ${user} uses it now` : undefined)];
        }),
      ),
    );
  },

  apply: async ({ action: a }, ports) =>
    fromDeleted(await need(ports, 'cleanupWrites', a.type).deregisterImage(a.resourceId), a),

  line: orphanWords.line,
  headline: orphanWords.headline,
});
