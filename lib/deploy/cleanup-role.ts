/**
 * The `cleanup` function's schedule and IAM statements, from the policy: `serverless.yml` takes both
 * from `resources/from-policy.js`, which bundles this file at package time. The statements grant
 * exactly `functionPermissions('cleanup', policy)` (the packaging test checks it), scoped as far as AWS
 * allows:
 *
 * - `report`: describes and listings only, reading the marks table, publishing the e-mail;
 * - `mark`: also writing and removing the `autopilot:delete-after` tag, and no other tag key
 *   (`aws:TagKeys`), and writing the marks table;
 * - `delete`: also the deletions of the enabled categories; those of tagged kinds only on resources
 *   that carry the mark and do not carry `autopilot:protect=true` (`aws:ResourceTag`), so the role
 *   itself refuses to delete what cleanup did not mark.
 */
import { cleanupPermissions } from './permissions';
import { TAGS } from '../model/tags';
import { defaultCleanupPolicy, type CleanupPolicy } from '../policy/cleanup';
import { validatePolicy } from '../policy/validate';

export interface Statement {
  Effect: 'Allow';
  Action: string[];
  Resource: unknown;
  Condition?: Record<string, Record<string, string | string[]>>;
}

const TAG_WRITES = new Set([
  'ec2:CreateTags',
  'ec2:DeleteTags',
  'autoscaling:CreateOrUpdateTags',
  'autoscaling:DeleteTags',
  'cloudwatch:TagResource',
  'cloudwatch:UntagResource',
  'sns:TagResource',
  'sns:UntagResource',
]);

/** Deletions of kinds whose mark is a tag: IAM can require the mark (EC2 and Auto Scaling support it). */
const MARKED_ONLY = new Set([
  'ec2:ReleaseAddress',
  'ec2:DeleteVolume',
  'ec2:DeleteSnapshot',
  'ec2:DeregisterImage',
  'ec2:TerminateInstances',
  'autoscaling:DeleteAutoScalingGroup',
]);

const DELETES = /:(Delete|Deregister|Release|Terminate|Unsubscribe)/;

export function cleanupStatements(cleanup: CleanupPolicy): Statement[] {
  const all = [...new Set([...cleanupPermissions(cleanup), 'sns:Publish'])].sort();
  const pick = (pred: (a: string) => boolean) => all.filter(pred);
  const tagWrites = pick((a) => TAG_WRITES.has(a));
  const marked = pick((a) => MARKED_ONLY.has(a));
  const table = pick((a) => a.startsWith('dynamodb:'));
  const deletes = pick((a) => DELETES.test(a) && !TAG_WRITES.has(a) && !MARKED_ONLY.has(a));
  const reads = pick(
    (a) =>
      !TAG_WRITES.has(a) &&
      !MARKED_ONLY.has(a) &&
      !a.startsWith('dynamodb:') &&
      a !== 'sns:Publish' &&
      !DELETES.test(a),
  );
  const statements: Statement[] = [{ Effect: 'Allow', Action: reads, Resource: '*' }];
  if (table.length)
    statements.push({ Effect: 'Allow', Action: table, Resource: { 'Fn::GetAtt': ['StateTable', 'Arn'] } });
  statements.push({ Effect: 'Allow', Action: ['sns:Publish'], Resource: { Ref: 'NotifyTopic' } });
  if (tagWrites.length)
    statements.push({
      Effect: 'Allow',
      Action: tagWrites,
      Resource: '*',
      // Null: a DeleteTags naming no key would remove every tag (`autopilot:protect` too) and pass a
      // ForAllValues condition vacuously.
      Condition: {
        'ForAllValues:StringEquals': { 'aws:TagKeys': [TAGS.deleteAfter] },
        Null: { 'aws:TagKeys': 'false' },
      },
    });
  if (marked.length)
    statements.push({
      Effect: 'Allow',
      Action: marked,
      Resource: '*',
      Condition: {
        Null: { [`aws:ResourceTag/${TAGS.deleteAfter}`]: 'false' },
        StringNotEquals: { [`aws:ResourceTag/${TAGS.protect}`]: 'true' },
      },
    });
  // Launch configurations, template versions, alarms, topics, subscriptions: their marks are in the
  // state table, which IAM cannot see; the executor re-verifies each before deleting it.
  if (deletes.length) statements.push({ Effect: 'Allow', Action: deletes, Resource: '*' });
  return statements;
}

/** What serverless.yml needs, from the policy document (already validated by `autopilot validate`). */
export function cleanupDeployment(raw: unknown): { schedule: string; statements: Statement[] } {
  const cleanup = validatePolicy(raw, 'autopilot.yml').cleanup ?? defaultCleanupPolicy();
  return { schedule: cleanup.schedule, statements: cleanupStatements(cleanup) };
}
