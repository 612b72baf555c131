/**
 * The IAM permissions the product needs: what each action type needs to be applied (declared by its
 * module in the action registry), what each kind of read needs, and which of those each Lambda function
 * does. serverless.yml
 * grants each function exactly these (scoped to resources where AWS allows), and a test reads the
 * packaged CloudFormation template to check that the two agree, function by function.
 */
import { ACTIONS } from '../actions/registry';
import type { ActionType } from '../model/action';
import { CATEGORIES, markPermissions, scanPermissions } from '../model/cleanup-categories';
import { defaultCleanupPolicy, type CleanupPolicy } from '../policy/cleanup';

/** What applying each action type calls: each module's own declaration, by type. */
export const ACTION_PERMISSIONS: Record<ActionType, readonly string[]> = Object.fromEntries(
  Object.values(ACTIONS).map((m) => [m.type, m.permissions]),
) as Record<ActionType, readonly string[]>;

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

/** The categories cleanup looks at, and those it acts on (stopped instances only when asked to terminate). */
function cleanupCategories(cleanup: CleanupPolicy) {
  const enabled = CATEGORIES.filter((c) => cleanup.categories[c.category].enabled);
  return {
    enabled,
    acting: enabled.filter((c) => c.category !== 'instance' || cleanup.categories.instance.terminate),
  };
}

/**
 * The action types a function's paths can run: its declared ones, and for cleanup those its policy's
 * mode and enabled categories allow (marks from `mark` on, the deletions in `delete` only).
 */
export function functionActions(name: string, policy?: { cleanup?: CleanupPolicy }): ActionType[] {
  const needs = FUNCTION_NEEDS[name];
  if (!needs) throw new Error(`no permissions declared for function ${name}`);
  if (name !== 'cleanup') return [...needs.actions];
  const cleanup = policy?.cleanup ?? defaultCleanupPolicy();
  const { acting } = cleanupCategories(cleanup);
  if (cleanup.mode === 'report' || acting.length === 0) return [];
  const marks: ActionType[] = ['mark-resource', 'unmark-resource'];
  return cleanup.mode === 'delete' ? [...marks, ...new Set(acting.map((c) => c.deleteAction))] : marks;
}

/**
 * What applying `type` needs in function `name`: the module's permissions, except for cleanup's marks,
 * which need only the tag writes of the categories it acts on (each category declares its own).
 */
export function actionGrants(type: ActionType, name: string, policy?: { cleanup?: CleanupPolicy }): string[] {
  if (name === 'cleanup' && (type === 'mark-resource' || type === 'unmark-resource'))
    return cleanupCategories(policy?.cleanup ?? defaultCleanupPolicy()).acting.flatMap(markPermissions);
  return [...ACTION_PERMISSIONS[type]];
}

/**
 * The cleanup function's IAM actions: the describes of its enabled categories (read-only in `report`
 * mode), and what the actions its mode runs need.
 */
export function cleanupPermissions(cleanup: CleanupPolicy = defaultCleanupPolicy()): string[] {
  return [
    ...cleanupCategories(cleanup).enabled.flatMap(scanPermissions),
    ...functionActions('cleanup', { cleanup }).flatMap((t) => actionGrants(t, 'cleanup', { cleanup })),
  ];
}

/** The IAM actions a function needs, sorted and without duplicates; cleanup's depend on the policy. */
export function functionPermissions(name: string, policy?: { cleanup?: CleanupPolicy }): string[] {
  const needs = FUNCTION_NEEDS[name];
  if (!needs) throw new Error(`no permissions declared for function ${name}`);
  const all = [
    ...needs.capabilities.flatMap((c) => CAPABILITY_PERMISSIONS[c]),
    ...(name === 'cleanup'
      ? cleanupPermissions(policy?.cleanup)
      : functionActions(name, policy).flatMap((t) => actionGrants(t, name, policy))),
  ];
  return [...new Set(all)].sort();
}
