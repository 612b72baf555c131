/**
 * The e-mail of an image refresh, sent once by the workflow when it ends: the new image, the rollout's
 * progress and result, the instances it replaced, the images retired and the snapshot storage that
 * saves a month; when it failed, why and what was undone.
 */
import type { Email } from '../model/email';
import type { RefreshState } from '../model/refresh-state';
import { clampSubject } from '../notify/email';
import { formatMonthly } from '../plan/wording';
import { failureSection } from './resize-email';

function launchLine(s: RefreshState): string {
  const l = s.launch;
  if (!l) return 'The group was not changed.';
  if (l.kind === 'launch-template')
    return l.newVersion === undefined
      ? `Launch template ${l.templateName} was not changed.`
      : `Launch template ${l.templateName}: version ${l.newVersion} (copied from ${l.baseVersion}, with the new image) is the default.`;
  return l.newName
    ? `Launch configuration ${l.newName} (a copy of ${l.name} with the new image) is the group's.`
    : `Launch configuration ${l.name} was not changed.`;
}

export function refreshEmail(s: RefreshState, outcome: 'succeeded' | 'failed'): Email {
  const what =
    outcome === 'succeeded'
      ? `rolled image ${s.imageId} out to ${s.autoScalingGroup}`
      : `FAILED to refresh the image of ${s.autoScalingGroup}`;
  const lines = [
    `ec2-autopilot ${what}.`,
    '',
    'What happened',
    `  ${s.trigger}`,
    '',
    'What it did',
    `  ${s.reason}`,
    `  Image: ${s.imageId ? `${s.imageId} (${s.imageName ?? ''}) of ${s.sourceInstanceId}` : 'not made'}${s.fromImageId ? `, replacing ${s.fromImageId}` : ''}.`,
    `  ${launchLine(s)}`,
    `  Rollout: ${s.refreshId ? `instance refresh ${s.refreshId}, ${s.refreshStatus ?? 'started'}${s.percentComplete === undefined ? '' : ` (${s.percentComplete} % of instances replaced)`}${s.refreshReason ? `: ${s.refreshReason}` : ''}` : 'not started'}.`,
  ];
  const r = s.retired;
  if (r) {
    lines.push(
      '',
      'Old images',
      `  Retired: ${r.imageIds.length ? r.imageIds.join(', ') : 'none'}${r.snapshotIds.length ? `; snapshots deleted: ${r.snapshotIds.join(', ')}` : ''}.`,
      `  Kept: ${r.kept.length ? r.kept.join('; ') : 'none'}.`,
      `  Snapshot storage saved: ${formatMonthly(r.savedMonthlyUsd)}.`,
    );
  }
  if (outcome === 'failed')
    lines.push(
      ...failureSection(
        s,
        s.launch &&
          (s.launch.kind === 'launch-template' ? s.launch.newVersion !== undefined : s.launch.newName)
          ? `A rollout still running was cancelled and the group launches what it did before (unless it was changed since). The new image ${s.imageId} and its ${s.launch.kind === 'launch-template' ? `template version ${s.launch.newVersion}` : `launch configuration ${s.launch.newName}`} are kept for inspection; cleanup retires the image once nothing uses it.`
          : s.imageId
            ? `The group was not changed; the new image ${s.imageId} was deregistered with its snapshots.`
            : 'Nothing had changed.',
      ),
    );
  lines.push('', '—', `Target ${s.target}, operation ${s.key}. Sent by ec2-autopilot.`);
  return {
    subject: clampSubject(`[ec2-autopilot] ${s.target}: ${what}`),
    body: lines.join('\n'),
    attributes: {
      target: s.target,
      action: 'refresh-image',
      outcome: outcome === 'succeeded' ? 'applied' : 'failed',
    },
  };
}
