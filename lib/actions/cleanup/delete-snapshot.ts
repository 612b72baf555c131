/** `delete-snapshot`: a snapshot that backs no registered image. */
import { imagesBySnapshot } from '../../plan/cleanup/rules/snapshot';
import { defineAction, need } from '../action-module';
import { fromDeleted, orphanBatch, orphanWords, tagVeto, verdicts } from './orphan';

export const deleteSnapshot = defineAction({
  type: 'delete-snapshot',
  permissions: ['ec2:DeleteSnapshot'],
  batchKey: orphanBatch,

  async verify(items, ports) {
    const reads = need(ports, 'cleanupReads', 'delete-snapshot');
    const [fresh, images] = await Promise.all([
      reads.snapshots(items.map((i) => i.action.resourceId)),
      reads.allImages('snapshot'),
    ]);
    const backing = imagesBySnapshot(images);
    return verdicts(
      items,
      new Map(
        fresh.map((s) => {
          const image = backing.get(s.id);
          return [s.id, tagVeto(s.tags) ?? (image ? `it backs image ${image} now` : undefined)];
        }),
      ),
    );
  },

  apply: async ({ action: a }, ports) =>
    fromDeleted(await need(ports, 'cleanupWrites', a.type).deleteSnapshot(a.resourceId), a),

  line: orphanWords.line,
  headline: orphanWords.headline,
});
