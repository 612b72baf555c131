/** `release-address`: an Elastic IP associated with nothing, or with an instance that is gone. */
import { associatedWith } from '../../plan/cleanup/rules/elastic-ip';
import { defineAction, need } from '../action-module';
import { fromDeleted, orphanBatch, orphanWords, tagVeto, verdicts } from './orphan';

export const releaseAddress = defineAction({
  type: 'release-address',
  permissions: ['ec2:ReleaseAddress'],
  batchKey: orphanBatch,

  async verify(items, ports) {
    const reads = need(ports, 'cleanupReads', 'release-address');
    const dead = new Map(items.map((i) => [i.action.resourceId, i.detail?.staleInstance]));
    const fresh = await reads.addresses(items.map((i) => i.action.resourceId));
    return verdicts(
      items,
      new Map(
        fresh.map((a) => {
          const holder = associatedWith(a);
          const moved = holder && holder !== dead.get(a.allocationId);
          return [
            a.allocationId,
            tagVeto(a.tags) ?? (moved ? `it is associated with ${holder} now` : undefined),
          ];
        }),
      ),
    );
  },

  apply: async ({ action: a }, ports) =>
    fromDeleted(await need(ports, 'cleanupWrites', a.type).releaseAddress(a.resourceId), a),

  line: orphanWords.line,
  headline: orphanWords.headline,
});
