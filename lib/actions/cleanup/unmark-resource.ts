/** `unmark-resource`: the cleanup mark removed from a resource that is in use again, or protected. */
import { defineAction, need } from '../action-module';
import { orphanBatch, orphanWords } from './orphan';
import { settled, tagged } from './mark-resource';

export const unmarkResource = defineAction({
  type: 'unmark-resource',
  permissions: [
    'ec2:DeleteTags',
    'autoscaling:DeleteTags',
    'cloudwatch:UntagResource',
    'sns:UntagResource',
    'dynamodb:PutItem',
  ],
  batchKey: orphanBatch,

  applyBatch: (items, ports) =>
    settled(items, () =>
      need(ports, 'cleanupWrites', 'unmark-resource').writeMarks(
        items[0]!.action.category,
        tagged(items),
        undefined,
      ),
    ),

  line: orphanWords.line,
  headline: (a, verb) => `${verb}unmark ${a.resourceId}`,
});
