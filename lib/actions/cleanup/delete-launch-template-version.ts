/**
 * `delete-launch-template-version`: a version that is neither the template's default nor its latest and
 * that no group or instance names. It cannot be tagged: its mark lives in the state table.
 */
import { versionsInUse } from '../../plan/cleanup/rules/launch-template';
import { defineAction, need } from '../action-module';
import { fromDeleted, orphanBatch, orphanWords, verdicts } from './orphan';

export const deleteLaunchTemplateVersion = defineAction({
  type: 'delete-launch-template-version',
  permissions: ['ec2:DeleteLaunchTemplateVersions'],
  batchKey: orphanBatch,

  async verify(items, ports) {
    const groups = await need(ports, 'cleanupReads', 'delete-launch-template-version').allGroups(
      'launch-template',
    );
    return verdicts(
      items,
      new Map(
        items.map(({ action: a }) => {
          // Only a version named by number can have become due's user: the rule keeps $Default and $Latest.
          const template = { id: a.launchTemplateId, name: '', defaultVersion: -1, latestVersion: -1 };
          const user = groups.find((g) => versionsInUse({ groups: [g] }, template).has(a.version));
          return [a.resourceId, user ? `group ${user.name} uses it now` : undefined];
        }),
      ),
    );
  },

  apply: async ({ action: a }, ports) =>
    fromDeleted(
      await need(ports, 'cleanupWrites', a.type).deleteLaunchTemplateVersion(a.launchTemplateId, a.version),
      a,
    ),

  line: orphanWords.line,
  headline: orphanWords.headline,
});
