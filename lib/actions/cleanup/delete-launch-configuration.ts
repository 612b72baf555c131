/** `delete-launch-configuration`: a launch configuration no group uses. It cannot be tagged: its mark lives in the state table. */
import { configurationsInUse } from '../../plan/cleanup/rules/launch-configuration';
import { defineAction, need } from '../action-module';
import { fromDeleted, orphanBatch, orphanWords, verdicts } from './orphan';

export const deleteLaunchConfiguration = defineAction({
  type: 'delete-launch-configuration',
  permissions: ['autoscaling:DeleteLaunchConfiguration'],
  batchKey: orphanBatch,

  async verify(items, ports) {
    const reads = need(ports, 'cleanupReads', 'delete-launch-configuration');
    const groups = await reads.allGroups('launch-configuration');
    const used = configurationsInUse(groups);
    // AWS keeps no other user of a launch configuration than its groups.
    return verdicts(
      items,
      new Map(
        items.map(({ action: a }) => {
          const user = used.has(a.resourceId)
            ? groups.find((g) => g.launchConfigurationName === a.resourceId)
            : undefined;
          return [a.resourceId, user ? `group ${user.name} uses it now` : undefined];
        }),
      ),
    );
  },

  apply: async ({ action: a }, ports) =>
    fromDeleted(await need(ports, 'cleanupWrites', a.type).deleteLaunchConfiguration(a.resourceId), a),

  line: orphanWords.line,
  headline: orphanWords.headline,
});
