/**
 * The IAM permissions the product needs: what each action type needs to be applied (declared by its
 * module in the action registry), what each kind of read needs, and which of those each Lambda function
 * does. serverless.yml
 * grants each function exactly these (scoped to resources where AWS allows), and a test reads the
 * packaged CloudFormation template to check that the two agree, function by function.
 */
import { ACTIONS } from '../actions/registry';
import type { ActionType } from '../model/action';
import type { StackFunction } from '../model/stack';
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
  /**
   * Planning an image refresh on demand (a command on the alarm topic): what the group launches from
   * (its launch template's version, or its launch configuration) and whether an instance refresh runs.
   * The source instances are read with `readInstances`, the target's lock with `state`.
   */
  readRefresh: [
    'autoscaling:DescribeAutoScalingGroups',
    'autoscaling:DescribeLaunchConfigurations',
    'ec2:DescribeLaunchTemplates',
    'ec2:DescribeLaunchTemplateVersions',
    'autoscaling:DescribeInstanceRefreshes',
  ],
  /** Instance targets: the instance, its Elastic IP, its group (if any), the facts of the types it moves between. */
  readInstances: [
    'ec2:DescribeInstances',
    'ec2:DescribeAddresses',
    'ec2:DescribeInstanceTypes',
    'ec2:DescribeInstanceTypeOfferings',
    'autoscaling:DescribeAutoScalingInstances',
  ],
  /**
   * Planning a failover: whether the instance still fails (its state and both status checks, read again:
   * the event or the alarm may be stale), and the newest image of the target's lineage to launch from.
   */
  readFailover: ['ec2:DescribeInstanceStatus', 'ec2:DescribeImages'],
  /**
   * Reconcile tags the instances it adopts (`autopilot:managed`, `autopilot:target`; a failover
   * target's standby `autopilot:standby-for`).
   */
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
  /**
   * The failover workflow's steps (run by resizeTask): the failed instance's status, an image of it
   * when its lineage has none, a replacement launched from the newest image (with its instance
   * profile's role), the failed instance stopped and tagged `autopilot:failed-over-to`, a promoted
   * standby tagged `autopilot:target`, and a replacement that never served terminated on a rollback.
   * The address moves with `move-address`, the alarms with `update-alarm`.
   */
  failOverInstances: [
    'ec2:DescribeInstanceStatus',
    'ec2:DescribeImages',
    'ec2:CreateImage',
    'ec2:RunInstances',
    'ec2:CreateTags',
    'ec2:StopInstances',
    'ec2:TerminateInstances',
    'iam:PassRole',
  ],
  /**
   * The image refresh's steps: image the source instance, give the group the new image (a template
   * version, or a launch configuration), follow (and on a failure cancel) its instance refresh.
   */
  refreshImages: [
    'ec2:CreateImage',
    'ec2:DescribeImages',
    'ec2:CreateTags',
    'ec2:DescribeLaunchTemplates',
    'ec2:DescribeLaunchTemplateVersions',
    'ec2:CreateLaunchTemplateVersion',
    'ec2:ModifyLaunchTemplate',
    'autoscaling:DescribeAutoScalingGroups',
    'autoscaling:DescribeLaunchConfigurations',
    'autoscaling:CreateLaunchConfiguration',
    'autoscaling:UpdateAutoScalingGroup',
    'autoscaling:DescribeInstanceRefreshes',
    'autoscaling:CancelInstanceRefresh',
    // A launch configuration copied with its instance profile passes its role.
    'iam:PassRole',
  ],
  /**
   * Retiring a lineage's older images with cleanup's image rule: what uses them, their launch
   * permissions and snapshots, and cleanup's mark, written just before each deletion its checks require.
   */
  retainImages: [
    'ec2:DescribeImages',
    'ec2:DescribeImageAttribute',
    'ec2:DescribeInstances',
    'ec2:DescribeLaunchTemplates',
    'ec2:DescribeLaunchTemplateVersions',
    'ec2:DescribeSnapshots',
    'autoscaling:DescribeLaunchConfigurations',
    'ec2:CreateTags',
    'ec2:DeleteTags',
  ],
  /** The alarms the orchestrator owns, and their tags (to know which it may delete). */
  readAlarms: ['cloudwatch:DescribeAlarms', 'cloudwatch:ListTagsForResource'],
  /** Idempotency claims and cooldown records in the state table. */
  state: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem'],
  /** E-mails through the notifications topic. */
  notify: ['sns:Publish'],
  /**
   * Not the code's call but Lambda's, made with the function's role: an asynchronous invocation that
   * failed after Lambda's retries is sent to the failed-events queue (its on-failure destination).
   */
  failedEvents: ['sqs:SendMessage'],
} as const;

export type Capability = keyof typeof CAPABILITY_PERMISSIONS;

export interface FunctionNeeds {
  actions: readonly ActionType[];
  capabilities: readonly Capability[];
}

/** Each deployed function (by its name in serverless.yml) and what it does. */
export const FUNCTION_NEEDS: Readonly<Record<string, FunctionNeeds>> = {
  // Alarms scale, resize and fail over (status checks); an EC2 state change fails over; a command on
  // the alarm topic starts an image refresh.
  onEvent: {
    actions: ['set-desired-capacity', 'resize-instance', 'fail-over', 'refresh-image'],
    capabilities: [
      'readGroups',
      'readInstances',
      'readFailover',
      'readRefresh',
      'state',
      'notify',
      'failedEvents',
    ],
  },
  // Reconcile repairs alarms, turns on the groups' metrics the dashboard draws, and re-checks alarms still firing through the same path as on-event; a
  // failover target's address on a gone or stopped instance starts a failover.
  reconcile: {
    actions: [
      'set-desired-capacity',
      'resize-instance',
      'fail-over',
      'update-alarm',
      'delete-alarm',
      'enable-group-metrics',
    ],
    capabilities: [
      'readGroups',
      'readInstances',
      'readFailover',
      'adoptInstances',
      'readAlarms',
      'state',
      'notify',
      'failedEvents',
    ],
  },
  // Every step of the resize and failover state machines (invoked synchronously: no failed-events queue).
  resizeTask: {
    actions: ['move-address', 'update-alarm'],
    capabilities: ['readInstances', 'resizeInstances', 'failOverInstances', 'state', 'notify'],
  },
  // Every step of the refresh-image state machine.
  refreshTask: {
    actions: ['start-instance-refresh', 'deregister-image', 'delete-snapshot', 'deprecate-image'],
    capabilities: ['readInstances', 'refreshImages', 'retainImages', 'state', 'notify'],
  },
  // Cleanup runs under two roles, so that neither alone can delete what was never marked: `cleanup`
  // scans and marks (and unmarks), `cleanupDelete` scans and deletes what is marked and due. What each
  // reads, marks or deletes depends on the policy's cleanup mode and categories: cleanupPermissions().
  cleanup: { actions: [], capabilities: ['notify', 'failedEvents'] },
  cleanupDelete: { actions: [], capabilities: ['notify', 'failedEvents'] },
} satisfies Record<StackFunction, FunctionNeeds>;

/** The two cleanup functions, by the share of the work each does. */
export type CleanupRole = 'mark' | 'delete';
export const CLEANUP_FUNCTIONS: Record<string, CleanupRole> = { cleanup: 'mark', cleanupDelete: 'delete' };

/** The categories cleanup looks at, and those it acts on (stopped instances only when asked to terminate). */
function cleanupCategories(cleanup: CleanupPolicy) {
  const enabled = CATEGORIES.filter((c) => cleanup.categories[c.category].enabled);
  return {
    enabled,
    acting: enabled.filter((c) => c.category !== 'instance' || cleanup.categories.instance.terminate),
  };
}

/**
 * The action types a function's paths can run: its declared ones, and for the cleanup functions those
 * the policy's mode and enabled categories allow: marks and unmarks in `cleanup` from mode `mark` on,
 * the deletions in `cleanupDelete` in mode `delete` only.
 */
export function functionActions(name: string, policy?: { cleanup?: CleanupPolicy }): ActionType[] {
  const needs = FUNCTION_NEEDS[name];
  if (!needs) throw new Error(`no permissions declared for function ${name}`);
  const role = CLEANUP_FUNCTIONS[name];
  if (!role) return [...needs.actions];
  const cleanup = policy?.cleanup ?? defaultCleanupPolicy();
  const { acting } = cleanupCategories(cleanup);
  if (cleanup.mode === 'report' || acting.length === 0) return [];
  if (role === 'mark') return ['mark-resource', 'unmark-resource'];
  return cleanup.mode === 'delete' ? [...new Set(acting.map((c) => c.deleteAction))] : [];
}

/**
 * What applying `type` needs in function `name`: the module's permissions, except for cleanup's marks,
 * which need only the tag writes of the categories it acts on (each category declares its own).
 */
export function actionGrants(type: ActionType, name: string, policy?: { cleanup?: CleanupPolicy }): string[] {
  if (CLEANUP_FUNCTIONS[name] && (type === 'mark-resource' || type === 'unmark-resource'))
    return cleanupCategories(policy?.cleanup ?? defaultCleanupPolicy()).acting.flatMap(markPermissions);
  return [...ACTION_PERMISSIONS[type]];
}

/**
 * A cleanup function's IAM actions: the describes of its enabled categories (read-only in `report`
 * mode), and what the actions its share of the work runs need (`mark`: the marks; `delete`: the
 * deletions, in mode `delete`).
 */
export function cleanupPermissions(
  cleanup: CleanupPolicy = defaultCleanupPolicy(),
  role: CleanupRole = 'mark',
): string[] {
  const name = role === 'mark' ? 'cleanup' : 'cleanupDelete';
  return [
    ...cleanupCategories(cleanup).enabled.flatMap(scanPermissions),
    ...functionActions(name, { cleanup }).flatMap((t) => actionGrants(t, name, { cleanup })),
  ];
}

/** The IAM actions a function needs, sorted and without duplicates; cleanup's depend on the policy. */
export function functionPermissions(name: string, policy?: { cleanup?: CleanupPolicy }): string[] {
  const needs = FUNCTION_NEEDS[name];
  if (!needs) throw new Error(`no permissions declared for function ${name}`);
  const role = CLEANUP_FUNCTIONS[name];
  const all = [
    ...needs.capabilities.flatMap((c) => CAPABILITY_PERMISSIONS[c]),
    ...(role
      ? cleanupPermissions(policy?.cleanup, role)
      : functionActions(name, policy).flatMap((t) => actionGrants(t, name, policy))),
  ];
  return [...new Set(all)].sort();
}
