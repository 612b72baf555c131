/** `delete-topic`: a topic with no subscription that no alarm notifies. */
import { defineAction, need } from '../action-module';
import { fromDeleted, orphanBatch, orphanWords, verdicts } from './orphan';

export const deleteTopic = defineAction({
  type: 'delete-topic',
  permissions: ['sns:DeleteTopic'],
  batchKey: orphanBatch,

  async verify(items, ports) {
    const reads = need(ports, 'cleanupReads', 'delete-topic');
    // One listing of the account's subscriptions (100 a page), not one call per topic.
    const subscribed = await reads.subscribedTopics();
    // A topic deleted meanwhile answers DeleteTopic with success: AWS's DeleteTopic is idempotent.
    return verdicts(
      items,
      new Map(
        items.map(({ action: a }) => [
          a.resourceId,
          subscribed.has(a.resourceId) ? 'it has a subscription now' : undefined,
        ]),
      ),
    );
  },

  apply: async ({ action: a }, ports) =>
    fromDeleted(await need(ports, 'cleanupWrites', a.type).deleteTopic(a.resourceId), a),

  line: orphanWords.line,
  headline: orphanWords.headline,
});
