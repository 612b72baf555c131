/**
 * `mark-resource`: the cleanup mark `autopilot:delete-after=<date>`, a tag where the kind takes tags
 * (batched: EC2 takes many resources per CreateTags, Auto Scaling many groups), a state-table entry
 * where it does not (the use case writes those once per category, conditionally).
 */
import { errorMessage } from '../../errors';
import { defineAction, need, type Applied } from '../action-module';
import type { BatchResult } from '../ports';
import { orphanBatch } from './orphan';

export const tagged = (
  items: { action: { resourceId: string }; detail?: Record<string, string> | undefined }[],
) => items.map((i) => ({ id: i.action.resourceId, ...(i.detail?.arn ? { arn: i.detail.arn } : {}) }));

/** Per item, from the batch's answer: a failure of the whole call fails each of its resources. */
export async function settled(
  items: { action: { resourceId: string } }[],
  write: () => Promise<BatchResult>,
): Promise<Applied[]> {
  const results = await write().catch(
    (error: unknown): BatchResult => new Map(items.map((i) => [i.action.resourceId, errorMessage(error)])),
  );
  return items.map((i) => {
    const error = results.get(i.action.resourceId);
    return error ? { status: 'failed', detail: error } : { status: 'applied' };
  });
}

export const markResource = defineAction({
  type: 'mark-resource',
  // Each category declares its own mark permissions (model/cleanup-categories.ts); these are all of them.
  permissions: [
    'ec2:CreateTags',
    'autoscaling:CreateOrUpdateTags',
    'cloudwatch:TagResource',
    'sns:TagResource',
    'dynamodb:PutItem',
  ],
  batchKey: (a) => `${orphanBatch(a)}|${a.deleteAfter}`,

  applyBatch: (items, ports) =>
    settled(items, () =>
      need(ports, 'cleanupWrites', 'mark-resource').writeMarks(
        items[0]!.action.category,
        tagged(items),
        items[0]!.action.deleteAfter,
      ),
    ),

  line: (a) => `${a.type}  ${a.target}  ${a.resourceId} (${a.region}) until ${a.deleteAfter}`,
  headline: (a, verb) => `${verb}mark ${a.resourceId} for deletion after ${a.deleteAfter}`,
});
