/** `delete-subscription`: a subscription to a topic that no longer exists. */
import { defineAction, need } from '../action-module';
import { fromDeleted, orphanBatch, orphanWords, verdicts } from './orphan';

export const deleteSubscription = defineAction({
  type: 'delete-subscription',
  permissions: ['sns:Unsubscribe'],
  batchKey: orphanBatch,

  async verify(items, ports) {
    const reads = need(ports, 'cleanupReads', 'delete-subscription');
    const topics = items.map((i) => i.detail?.topicArn ?? '');
    const exists = await reads.topicsExist([...new Set(topics)]);
    // The topic gone, the subscription itself may still be listed: the deletion answers that.
    return verdicts(
      items,
      new Map(
        items.map((i, n) => [
          i.action.resourceId,
          exists.get(topics[n]!) ? 'its topic exists again' : undefined,
        ]),
      ),
    );
  },

  apply: async ({ action: a }, ports) =>
    fromDeleted(await need(ports, 'cleanupWrites', a.type).unsubscribe(a.resourceId), a),

  line: orphanWords.line,
  headline: orphanWords.headline,
});
