/** `delete-volume`: an EBS volume attached to no instance. */
import { volumeInUse } from '../../plan/cleanup/rules/volume';
import { defineAction, need } from '../action-module';
import { fromDeleted, orphanBatch, orphanWords, tagVeto, verdicts } from './orphan';

export const deleteVolume = defineAction({
  type: 'delete-volume',
  permissions: ['ec2:DeleteVolume'],
  batchKey: orphanBatch,

  async verify(items, ports) {
    const reads = need(ports, 'cleanupReads', 'delete-volume');
    const fresh = await reads.volumes(items.map((i) => i.action.resourceId));
    return verdicts(
      items,
      new Map(
        fresh.map((v) => {
          const use = volumeInUse(v);
          return [v.id, tagVeto(v.tags) ?? (use ? `it is ${use} now` : undefined)];
        }),
      ),
    );
  },

  apply: async ({ action: a }, ports) =>
    fromDeleted(await need(ports, 'cleanupWrites', a.type).deleteVolume(a.resourceId), a),

  line: orphanWords.line,
  headline: orphanWords.headline,
});
