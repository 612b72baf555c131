/** `delete-auto-scaling-group`: a group at 0/0/0 with no instances and no recent activity. */
import { isEmpty } from '../../plan/cleanup/rules/auto-scaling-group';
import { defineAction, need } from '../action-module';
import { fromDeleted, orphanBatch, orphanWords, tagVeto, verdicts } from './orphan';

export const deleteAutoScalingGroup = defineAction({
  type: 'delete-auto-scaling-group',
  permissions: ['autoscaling:DeleteAutoScalingGroup'],
  batchKey: orphanBatch,

  async verify(items, ports) {
    const reads = need(ports, 'cleanupReads', 'delete-auto-scaling-group');
    const fresh = await reads.groups(items.map((i) => i.action.resourceId));
    return verdicts(
      items,
      new Map(
        fresh.map((g) => [
          g.name,
          tagVeto(g.tags) ??
            (isEmpty(g)
              ? undefined
              : `it is ${g.status ?? `at ${g.minSize}/${g.maxSize}/${g.desiredCapacity}`} now`),
        ]),
      ),
    );
  },

  apply: async ({ action: a }, ports) =>
    fromDeleted(await need(ports, 'cleanupWrites', a.type).deleteAutoScalingGroup(a.resourceId), a),

  line: orphanWords.line,
  headline: orphanWords.headline,
});
