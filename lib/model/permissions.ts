/**
 * The IAM permissions the product needs, declared in one place: what each action type needs to be
 * applied, what each kind of read needs, and which of those each Lambda function does. serverless.yml
 * grants each function exactly these (scoped to resources where AWS allows), and a test reads the
 * packaged CloudFormation template to check that the two agree, function by function.
 */
import { CATEGORIES, markPermissions, scanPermissions } from '../plan/cleanup/categories';
import { defaultCleanupPolicy, type CleanupPolicy } from '../policy/cleanup';
import type { ActionType } from './action';

/** What applying each action type calls. */
export const ACTION_PERMISSIONS: Record<ActionType, readonly string[]> = {
  'set-desired-capacity': ['autoscaling:SetDesiredCapacity'],
  // Starting the durable workflow; the workflow's own task function holds the EC2 permissions.
  'resize-instance': ['states:StartExecution'],
  'move-address': ['ec2:AssociateAddress'],
  'update-alarm': ['cloudwatch:PutMetricAlarm', 'cloudwatch:TagResource'],
  'delete-alarm': ['cloudwatch:DeleteAlarms'],
  'release-address': ['ec2:ReleaseAddress'],
  'delete-volume': ['ec2:DeleteVolume'],
  'delete-snapshot': ['ec2:DeleteSnapshot'],
  'deregister-image': ['ec2:DeregisterImage'],
  'delete-topic': ['sns:DeleteTopic'],
  'delete-subscription': ['sns:Unsubscribe'],
  'delete-launch-configuration': ['autoscaling:DeleteLaunchConfiguration'],
  'delete-launch-template-version': ['ec2:DeleteLaunchTemplateVersions'],
  'delete-auto-scaling-group': ['autoscaling:DeleteAutoScalingGroup'],
  'terminate-instance': ['ec2:TerminateInstances'],
  // A mark is a tag where the kind takes tags, a record in the state table where it does not (or
  // where its describe returns no tags); each category declares its own (lib/plan/cleanup/categories.ts).
  'mark-resource': [
    'ec2:CreateTags',
    'autoscaling:CreateOrUpdateTags',
    'cloudwatch:TagResource',
    'sns:TagResource',
    'dynamodb:PutItem',
  ],
  'unmark-resource': [
    'ec2:DeleteTags',
    'autoscaling:DeleteTags',
    'cloudwatch:UntagResource',
    'sns:UntagResource',
    'dynamodb:PutItem',
  ],
};

/** What each kind of read (or bookkeeping) calls. */
export const CAPABILITY_PERMISSIONS = {
  /** The snapshot of an Auto Scaling target: the group, its launch type, the metric when an event lacks it. */
  readGroups: [
    'autoscaling:DescribeAutoScalingGroups',
    'autoscaling:DescribeLaunchConfigurations',
    'ec2:DescribeLaunchTemplateVersions',
    'cloudwatch:GetMetricStatistics',
  ],
  /** Instance targets: the instance, its Elastic IP, its group (if any), the facts of the types it moves between. */
  readInstances: [
    'ec2:DescribeInstances',
    'ec2:DescribeAddresses',
    'ec2:DescribeInstanceTypes',
    'ec2:DescribeInstanceTypeOfferings',
    'autoscaling:DescribeAutoScalingInstances',
  ],
  /** Reconcile tags the instances it adopts (`autopilot:managed`, `autopilot:target`). */
  adoptInstances: ['ec2:CreateTags'],
  /** The resize workflow's steps: stop/start/modify in place; image, launch, retire for blue-green. */
  resizeInstances: [
    'ec2:StopInstances',
    'ec2:StartInstances',
    'ec2:ModifyInstanceAttribute',
    'ec2:DescribeInstanceStatus',
    'ec2:DescribeInstanceAttribute',
    'ec2:CreateImage',
    'ec2:DescribeImages',
    'ec2:RunInstances',
    'ec2:CreateTags',
    'ec2:DeleteTags',
    'ec2:TerminateInstances',
    // Launching the replacement with the old instance's instance profile passes its role.
    'iam:PassRole',
  ],
  /** The alarms the orchestrator owns, and their tags (to know which it may delete). */
  readAlarms: ['cloudwatch:DescribeAlarms', 'cloudwatch:ListTagsForResource'],
  /** Idempotency claims and cooldown records in the state table. */
  state: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem'],
  /** E-mails through the notifications topic. */
  notify: ['sns:Publish'],
} as const;

export type Capability = keyof typeof CAPABILITY_PERMISSIONS;

export interface FunctionNeeds {
  actions: readonly ActionType[];
  capabilities: readonly Capability[];
}

/** Each deployed function (by its name in serverless.yml) and what it does. */
export const FUNCTION_NEEDS: Record<string, FunctionNeeds> = {
  onEvent: {
    actions: ['set-desired-capacity', 'resize-instance'],
    capabilities: ['readGroups', 'readInstances', 'state', 'notify'],
  },
  // Reconcile repairs alarms, and re-checks alarms still firing through the same path as on-event.
  reconcile: {
    actions: ['set-desired-capacity', 'resize-instance', 'update-alarm', 'delete-alarm'],
    capabilities: ['readGroups', 'readInstances', 'adoptInstances', 'readAlarms', 'state', 'notify'],
  },
  // Every step of the resize state machine.
  resizeTask: {
    actions: ['move-address', 'update-alarm'],
    capabilities: ['readInstances', 'resizeInstances', 'state', 'notify'],
  },
  // What it reads, marks and deletes depends on the policy's cleanup mode and categories: cleanupPermissions().
  cleanup: { actions: [], capabilities: ['notify'] },
};

/**
 * The cleanup function's IAM actions: the describes of its enabled categories (read-only in `report`
 * mode), writing marks from `mark` on, and the deletions of the categories that act only in `delete`.
 */
export function cleanupPermissions(cleanup: CleanupPolicy = defaultCleanupPolicy()): string[] {
  const enabled = CATEGORIES.filter((c) => cleanup.categories[c.category].enabled);
  // Stopped instances are only reported unless the policy asks to terminate them.
  const acting = enabled.filter((c) => c.category !== 'instance' || cleanup.categories.instance.terminate);
  return [
    ...enabled.flatMap(scanPermissions),
    ...(cleanup.mode === 'report' ? [] : acting.flatMap(markPermissions)),
    ...(cleanup.mode === 'delete' ? acting.flatMap((c) => ACTION_PERMISSIONS[c.deleteAction]) : []),
  ];
}

/** The IAM actions a function needs, sorted and without duplicates; cleanup's depend on the policy. */
export function functionPermissions(name: string, policy?: { cleanup?: CleanupPolicy }): string[] {
  const needs = FUNCTION_NEEDS[name];
  if (!needs) throw new Error(`no permissions declared for function ${name}`);
  const all = [
    ...needs.actions.flatMap((a) => ACTION_PERMISSIONS[a]),
    ...needs.capabilities.flatMap((c) => CAPABILITY_PERMISSIONS[c]),
    ...(name === 'cleanup' ? cleanupPermissions(policy?.cleanup) : []),
  ];
  return [...new Set(all)].sort();
}
