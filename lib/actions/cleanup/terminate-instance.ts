/** `terminate-instance`: an instance stopped for long, outside any group and not named by the policy (only when the policy asks). */
import { isStopped } from '../../plan/cleanup/rules/instance';
import { defineAction, need } from '../action-module';
import { fromDeleted, orphanBatch, orphanWords, tagVeto, verdicts } from './orphan';

export const terminateInstance = defineAction({
  type: 'terminate-instance',
  permissions: ['ec2:TerminateInstances'],
  batchKey: orphanBatch,

  async verify(items, ports) {
    const reads = need(ports, 'cleanupReads', 'terminate-instance');
    const fresh = await reads.instances(items.map((i) => i.action.resourceId));
    return verdicts(
      items,
      new Map(
        fresh
          .filter((i) => i.state !== 'terminated')
          .map((i) => [i.id, tagVeto(i.tags) ?? (isStopped(i) ? undefined : `it is ${i.state} now`)]),
      ),
    );
  },

  apply: async ({ action: a }, ports) =>
    fromDeleted(await need(ports, 'cleanupWrites', a.type).terminateInstance(a.resourceId), a),

  line: orphanWords.line,
  headline: orphanWords.headline,
});
