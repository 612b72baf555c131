/**
 * The ordered registry of cleanup categories: for each, its key in the policy, the schema of its
 * options, what the scan reads for it, where its mark lives, the action that deletes it, and the IAM
 * permissions each of those needs. The rules that find orphans are registered by category in
 * `rules/index.ts`; they live apart so that validating a policy (every function does it at cold start)
 * loads these few schemas and strings, not the rules.
 *
 * Order matters: it is the order of the report, the e-mail and the caps.
 */
import * as z from 'zod/mini';
import type { ActionType } from './action';
import type { CleanupCategory } from './cleanup';
import type { InventoryPart } from './inventory';

const positiveInt = (what: string) =>
  z
    .number({ error: `expected ${what}` })
    .check(z.int({ error: `expected ${what}` }), z.positive({ error: `expected ${what}` }));

/** Options every category takes. */
const base = {
  /** Look for this kind of orphan. */
  enabled: z.optional(z.boolean({ error: 'expected true or false' })),
  /** At most this many of this kind changed (marked, or deleted) per run, on top of maxDeletionsPerRun. */
  maxPerRun: z.optional(positiveInt('a positive integer')),
};

export const CategoryOptionsSchema = z.strictObject(base);

export const ImageOptionsSchema = z.strictObject({
  ...base,
  /** The newest images of each lineage (`autopilot:lineage` tag) are never orphans. @default 3 */
  keep: z.optional(positiveInt('a positive integer')),
});

export const InstanceOptionsSchema = z.strictObject({
  ...base,
  /** Terminate stopped instances once marked and due; off, they are only reported. @default false */
  terminate: z.optional(z.boolean({ error: 'expected true or false' })),
});

/**
 * Where a mark lives. Tags, where the describe returns them; the state table where the kind cannot be
 * tagged (launch configurations, launch-template versions, subscriptions) or where its describe does
 * not return tags (alarms, topics: they are also tagged, for people, but the table is what a run reads,
 * so that one back in use is found and unmarked without reading every alarm's tags).
 */
export type MarkStore = 'ec2-tags' | 'group-tags' | 'table';

export interface CategorySpec {
  category: CleanupCategory;
  /** Its key under `cleanup.categories` and `cleanup.minAgeDays`. */
  key: string;
  /** Heading in the e-mail. */
  title: string;
  enabledByDefault: boolean;
  /** Absent where AWS gives no age (Elastic IPs, topics, subscriptions): no `minAgeDays` key. */
  defaultMinAgeDays?: number;
  options: typeof CategoryOptionsSchema | typeof ImageOptionsSchema | typeof InstanceOptionsSchema;
  reads: InventoryPart[];
  markStore: MarkStore;
  deleteAction: ActionType;
  /** IAM for the one-by-one reads of its suspects and for re-verification, beyond its describes. */
  lookupPermissions: string[];
}

/** IAM of each bulk describe. */
export const PART_PERMISSIONS: Record<InventoryPart, readonly string[]> = {
  addresses: ['ec2:DescribeAddresses'],
  volumes: ['ec2:DescribeVolumes'],
  snapshots: ['ec2:DescribeSnapshots'],
  images: ['ec2:DescribeImages'],
  instances: ['ec2:DescribeInstances'],
  launchTemplates: ['ec2:DescribeLaunchTemplates', 'ec2:DescribeLaunchTemplateVersions'],
  launchConfigurations: ['autoscaling:DescribeLaunchConfigurations'],
  groups: ['autoscaling:DescribeAutoScalingGroups'],
  alarms: ['cloudwatch:DescribeAlarms'],
  topics: ['sns:ListTopics'],
  subscriptions: ['sns:ListSubscriptions'],
};

/** IAM to read marks (scan) and write them (mark, unmark), by where they live. */
export const MARK_PERMISSIONS: Record<MarkStore, { read: string[]; write: string[] }> = {
  'ec2-tags': { read: [], write: ['ec2:CreateTags', 'ec2:DeleteTags'] },
  'group-tags': { read: [], write: ['autoscaling:CreateOrUpdateTags', 'autoscaling:DeleteTags'] },
  table: { read: ['dynamodb:GetItem'], write: ['dynamodb:PutItem'] },
};

/** Alarms and topics are tagged too (for people), besides the table. */
export const EXTRA_MARK_TAGGING: Partial<Record<CleanupCategory, string[]>> = {
  alarm: ['cloudwatch:TagResource', 'cloudwatch:UntagResource'],
  topic: ['sns:TagResource', 'sns:UntagResource'],
};

export const CATEGORIES: readonly CategorySpec[] = [
  {
    category: 'elastic-ip',
    key: 'elasticIps',
    title: 'Elastic IPs',
    enabledByDefault: true,
    options: CategoryOptionsSchema,
    // Instances: an address naming a terminated instance is idle (AWS disassociates on termination).
    reads: ['addresses', 'instances'],
    markStore: 'ec2-tags',
    deleteAction: 'release-address',
    lookupPermissions: [],
  },
  {
    category: 'volume',
    key: 'volumes',
    title: 'EBS volumes',
    enabledByDefault: true,
    defaultMinAgeDays: 7,
    options: CategoryOptionsSchema,
    reads: ['volumes'],
    markStore: 'ec2-tags',
    deleteAction: 'delete-volume',
    lookupPermissions: [],
  },
  {
    category: 'snapshot',
    key: 'snapshots',
    title: 'EBS snapshots',
    enabledByDefault: true,
    defaultMinAgeDays: 30,
    options: CategoryOptionsSchema,
    reads: ['snapshots', 'images', 'volumes'],
    markStore: 'ec2-tags',
    deleteAction: 'delete-snapshot',
    lookupPermissions: [],
  },
  {
    category: 'image',
    key: 'images',
    title: 'Images (AMIs)',
    enabledByDefault: true,
    defaultMinAgeDays: 30,
    options: ImageOptionsSchema,
    reads: ['images', 'instances', 'launchTemplates', 'launchConfigurations'],
    markStore: 'ec2-tags',
    deleteAction: 'deregister-image',
    // Launch permissions: an image shared with another account may be launched there.
    lookupPermissions: ['ec2:DescribeImageAttribute'],
  },
  {
    category: 'launch-configuration',
    key: 'launchConfigurations',
    title: 'Launch configurations',
    enabledByDefault: true,
    defaultMinAgeDays: 7,
    options: CategoryOptionsSchema,
    reads: ['launchConfigurations', 'groups'],
    markStore: 'table',
    deleteAction: 'delete-launch-configuration',
    lookupPermissions: [],
  },
  {
    category: 'launch-template',
    key: 'launchTemplateVersions',
    title: 'Launch-template versions',
    enabledByDefault: false,
    defaultMinAgeDays: 7,
    options: CategoryOptionsSchema,
    reads: ['launchTemplates', 'groups', 'instances'],
    markStore: 'table',
    deleteAction: 'delete-launch-template-version',
    lookupPermissions: [],
  },
  {
    category: 'alarm',
    key: 'alarms',
    title: 'CloudWatch alarms',
    enabledByDefault: true,
    defaultMinAgeDays: 7,
    options: CategoryOptionsSchema,
    reads: ['alarms', 'instances', 'groups', 'volumes'],
    markStore: 'table',
    deleteAction: 'delete-alarm',
    // Tags of suspect alarms, 100 at a time (DescribeAlarms does not return them).
    lookupPermissions: ['tag:GetResources'],
  },
  {
    category: 'topic',
    key: 'topics',
    title: 'SNS topics',
    enabledByDefault: true,
    options: CategoryOptionsSchema,
    reads: ['topics', 'subscriptions', 'alarms'],
    markStore: 'table',
    deleteAction: 'delete-topic',
    lookupPermissions: ['tag:GetResources', 'sns:ListSubscriptionsByTopic'],
  },
  {
    category: 'subscription',
    key: 'subscriptions',
    title: 'SNS subscriptions',
    enabledByDefault: true,
    options: CategoryOptionsSchema,
    reads: ['subscriptions', 'topics'],
    markStore: 'table',
    deleteAction: 'delete-subscription',
    lookupPermissions: ['sns:GetTopicAttributes'],
  },
  {
    category: 'auto-scaling-group',
    key: 'autoScalingGroups',
    title: 'Auto Scaling groups at 0/0/0',
    enabledByDefault: true,
    defaultMinAgeDays: 7,
    options: CategoryOptionsSchema,
    reads: ['groups'],
    markStore: 'group-tags',
    deleteAction: 'delete-auto-scaling-group',
    lookupPermissions: ['autoscaling:DescribeScalingActivities', 'autoscaling:DescribeScheduledActions'],
  },
  {
    category: 'instance',
    key: 'instances',
    title: 'Stopped instances',
    enabledByDefault: false,
    defaultMinAgeDays: 30,
    options: InstanceOptionsSchema,
    reads: ['instances', 'volumes', 'addresses'],
    markStore: 'ec2-tags',
    deleteAction: 'terminate-instance',
    lookupPermissions: [],
  },
];

export const categorySpec = (category: CleanupCategory): CategorySpec =>
  CATEGORIES.find((c) => c.category === category)!;

/** IAM a category's scan needs: its describes, its lookups, and reading its marks. */
export function scanPermissions(spec: CategorySpec): string[] {
  return [
    ...spec.reads.flatMap((p) => PART_PERMISSIONS[p]),
    ...spec.lookupPermissions,
    ...MARK_PERMISSIONS[spec.markStore].read,
  ];
}

/** IAM to mark and unmark a category's resources. */
export function markPermissions(spec: CategorySpec): string[] {
  return [...MARK_PERMISSIONS[spec.markStore].write, ...(EXTRA_MARK_TAGGING[spec.category] ?? [])];
}
