/**
 * The cleanup functions' schedules and IAM statements, from the policy: `serverless.yml` takes them from
 * `resources/from-policy.js`, which bundles this file at package time. Cleanup runs under two roles, so
 * that neither alone can delete what was never marked:
 *
 * - `cleanup` (role `mark`) scans, and from mode `mark` on writes and removes the
 *   `autopilot:delete-after` tag (and no other key: `aws:TagKeys`, with a Null check) and the marks
 *   table; it deletes nothing;
 * - `cleanupDelete` (role `delete`, scheduled in mode `delete` only) scans and deletes what is marked
 *   and due; it cannot write a tag nor the table. Deletions of kinds whose mark is a tag (EC2, Auto
 *   Scaling, CloudWatch alarms, SNS topics) are allowed only on resources that carry the mark and not
 *   `autopilot:protect=true` (`aws:ResourceTag`), and never on the deployment's own topics, the
 *   policy's alarms nor the stack's own alarms (`<service>-<stage>-…`, lib/deploy/self-alarms.ts: an
 *   explicit Deny, and the marking role is denied marking those). Launch configurations,
 *   launch-template versions and subscriptions take no tags: their marks are in the table, and the
 *   function re-verifies each.
 *
 * Both roles may also send to the failed-events queue: Lambda does, with the function's role, when an
 * invocation failed for good (lib/deploy/stack.ts).
 *
 * Each role grants exactly `functionPermissions(name, policy)` (the packaging test checks it).
 */
import { CLEANUP_FUNCTIONS, cleanupPermissions, type CleanupRole } from './permissions';
import { TAGS } from '../model/tags';
import { defaultCleanupPolicy, type CleanupPolicy } from '../policy/cleanup';
import { alarmName, ruleFor, STATUS_CHECKS, statusAlarmName, type Policy } from '../policy/policy';
import { failedEventsStatement, stackAlarmArns, type StackNames } from './stack';

export interface Statement {
  Effect: 'Allow' | 'Deny';
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

/** Deletions of kinds whose mark is (also) a tag: IAM can require the mark. */
const MARKED_ONLY = new Set([
  'ec2:ReleaseAddress',
  'ec2:DeleteVolume',
  'ec2:DeleteSnapshot',
  'ec2:DeregisterImage',
  'ec2:TerminateInstances',
  'autoscaling:DeleteAutoScalingGroup',
  'cloudwatch:DeleteAlarms',
  'sns:DeleteTopic',
]);

const DELETES = /:(Delete|Deregister|Release|Terminate|Unsubscribe)/;

const sub = (arn: string) => ({ 'Fn::Sub': arn });

/** The alarms the policy drives, failover's status checks included: never deleted by cleanup (reconcile keeps them). */
function policyAlarmArns(policy: Pick<Policy, 'alarmPrefix' | 'targets'>) {
  const names = policy.targets.flatMap((t) => [
    ...(['high', 'low'] as const).filter((d) => ruleFor(t, d)).map((d) => alarmName(policy, t.name, d)),
    ...(t.kind === 'instance' && t.failover
      ? STATUS_CHECKS.map((check) => statusAlarmName(policy, t.name, check))
      : []),
  ]);
  return names.map((name) =>
    sub(`arn:\${AWS::Partition}:cloudwatch:\${AWS::Region}:\${AWS::AccountId}:alarm:${name}`),
  );
}

export function cleanupStatements(
  cleanup: CleanupPolicy,
  role: CleanupRole = 'mark',
  policy: Pick<Policy, 'alarmPrefix' | 'targets'> = { alarmPrefix: 'autopilot', targets: [] },
  /** The stack's names: its own alarms are denied to cleanup (none denied without them). */
  stack?: StackNames,
): Statement[] {
  const all = [...new Set([...cleanupPermissions(cleanup, role), 'sns:Publish'])].sort();
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
  statements.push(failedEventsStatement());
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
  // Launch configurations, template versions, subscriptions: their marks are in the state table, which
  // IAM cannot see; the function re-verifies each (mark, due date, still unused) before deleting it.
  if (deletes.length) statements.push({ Effect: 'Allow', Action: deletes, Resource: '*' });
  if (marked.includes('sns:DeleteTopic'))
    statements.push({
      Effect: 'Deny',
      Action: ['sns:DeleteTopic'],
      Resource: [{ Ref: 'AlarmTopic' }, { Ref: 'NotifyTopic' }],
    });
  const own = policyAlarmArns(policy);
  if (marked.includes('cloudwatch:DeleteAlarms') && own.length)
    statements.push({ Effect: 'Deny', Action: ['cloudwatch:DeleteAlarms'], Resource: own });
  // The stack watches itself with these: CloudFormation's to keep, never an orphan to mark or delete.
  const stackTags = tagWrites.filter((a) => a.startsWith('cloudwatch:'));
  if (stack && stackTags.length)
    statements.push({ Effect: 'Deny', Action: stackTags, Resource: [stackAlarmArns(stack)] });
  if (stack && marked.includes('cloudwatch:DeleteAlarms'))
    statements.push({
      Effect: 'Deny',
      Action: ['cloudwatch:DeleteAlarms'],
      Resource: [stackAlarmArns(stack)],
    });
  return statements;
}

export interface CleanupFunctionDeployment {
  schedule: string;
  /** Whether its schedule runs: the deleting function's only in mode `delete`. */
  enabled: boolean;
  statements: Statement[];
}

/** What serverless.yml needs for each cleanup function, from the policy. */
export function cleanupFunctions(
  policy: Policy,
  stack: StackNames,
): Record<string, CleanupFunctionDeployment> {
  const cleanup = policy.cleanup ?? defaultCleanupPolicy();
  return Object.fromEntries(
    Object.entries(CLEANUP_FUNCTIONS).map(([name, role]) => [
      name,
      {
        schedule: cleanup.schedule,
        enabled: role === 'mark' || cleanup.mode === 'delete',
        statements: cleanupStatements(cleanup, role, policy, stack),
      },
    ]),
  );
}
