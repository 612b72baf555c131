/**
 * What a cleanup scan read in one region, as plain data: the cleanup rules decide from this alone
 * (no AWS, no clock), so the same inventory always gives the same findings. Each part is present only
 * when the enabled categories need it; a part that failed to load is absent and named in `failures`.
 */

export type Tags = Record<string, string>;

export interface AddressFacts {
  allocationId: string;
  publicIp: string;
  associationId?: string;
  instanceId?: string;
  networkInterfaceId?: string;
  tags: Tags;
}

export interface VolumeFacts {
  id: string;
  state: string;
  sizeGiB: number;
  type: string;
  iops?: number;
  throughputMiBps?: number;
  createdAt?: string;
  /** Instances it is attached to (several with Multi-Attach). */
  attachedTo: string[];
  tags: Tags;
}

export interface SnapshotFacts {
  id: string;
  /** The volume it was taken from; `vol-ffffffff` for copies. */
  volumeId?: string;
  sizeGiB: number;
  state: string;
  /** `standard` or `archive`. */
  storageTier?: string;
  description: string;
  startedAt?: string;
  ownerId?: string;
  tags: Tags;
}

export interface ImageFacts {
  id: string;
  name?: string;
  createdAt?: string;
  state: string;
  public: boolean;
  /** The EBS snapshots its block devices are made from, with their sizes (what the image costs). */
  snapshots: { id: string; sizeGiB: number }[];
  ownerId?: string;
  tags: Tags;
}

export interface InstanceRecord {
  id: string;
  state: string;
  imageId?: string;
  launchedAt?: string;
  /** When it stopped, from the state transition reason AWS writes (`User initiated (2026-01-01 12:00:00 GMT)`). */
  stoppedAt?: string;
  volumeIds: string[];
  /** The launch template it came from (`aws:ec2launchtemplate:*` tags AWS puts on the instance). */
  launchTemplate?: { id: string; version: string };
  tags: Tags;
}

export interface TemplateVersionFacts {
  number: number;
  imageId?: string;
  createdAt?: string;
}

export interface LaunchTemplateFacts {
  id: string;
  name: string;
  defaultVersion: number;
  latestVersion: number;
  versions: TemplateVersionFacts[];
  tags: Tags;
}

export interface LaunchConfigurationFacts {
  name: string;
  imageId?: string;
  createdAt?: string;
}

/** A launch template as a group names it; `version` is a number, `$Latest` or `$Default`. */
export interface TemplateRef {
  id?: string;
  name?: string;
  version?: string;
}

export interface GroupFacts {
  name: string;
  minSize: number;
  maxSize: number;
  desiredCapacity: number;
  instanceIds: string[];
  launchConfigurationName?: string;
  launchTemplates: TemplateRef[];
  createdAt?: string;
  status?: string;
  tags: Tags;
}

export interface AlarmFacts {
  name: string;
  arn?: string;
  description?: string;
  state: 'OK' | 'ALARM' | 'INSUFFICIENT_DATA';
  stateUpdatedAt?: string;
  configurationUpdatedAt?: string;
  /** The dimensions of each metric it watches (one entry for a plain alarm, several for metric math). */
  dimensions: Tags[];
  /** SNS topics and other ARNs its actions (alarm, OK, insufficient data) name. */
  actions: string[];
  /** Number of metrics it watches: the unit of CloudWatch's alarm price. */
  metricCount: number;
  highResolution: boolean;
}

export interface TopicFacts {
  arn: string;
}

export interface SubscriptionFacts {
  arn: string;
  topicArn: string;
  protocol?: string;
  endpoint?: string;
}

/** Facts read one by one, for the few resources the bulk describes left in doubt. */
export interface Lookups {
  /** Tags of alarms and topics (their describes do not return tags), by ARN. */
  tags: Record<string, Tags>;
  /** State of instances an address still names but the instance describe did not list (`missing`: not found). */
  instanceStates: Record<string, string>;
  /** Whether a topic a subscription names still exists: `gone`, `exists` or `unknown` (no access). */
  topics: Record<string, 'gone' | 'exists' | 'unknown'>;
  /** Accounts, groups or organisations an image is shared with, by image id (0: not shared). */
  imageShares: Record<string, number>;
  /** Last scaling activity of a group, by name (absent: none in the 6 weeks AWS keeps). */
  groupActivity: Record<string, string>;
  /** Groups that have scheduled actions (they scale back up by themselves). */
  scheduledGroups: string[];
}

export interface Inventory {
  region: string;
  accountId?: string;
  addresses?: AddressFacts[];
  volumes?: VolumeFacts[];
  snapshots?: SnapshotFacts[];
  images?: ImageFacts[];
  /** Instances that are not terminated (a stopped instance is still someone's server). */
  instances?: InstanceRecord[];
  launchTemplates?: LaunchTemplateFacts[];
  launchConfigurations?: LaunchConfigurationFacts[];
  groups?: GroupFacts[];
  alarms?: AlarmFacts[];
  topics?: TopicFacts[];
  subscriptions?: SubscriptionFacts[];
  lookups: Lookups;
}

/** The bulk describes a scan can run; each rule names the ones it reads. */
export type InventoryPart =
  | 'addresses'
  | 'volumes'
  | 'snapshots'
  | 'images'
  | 'instances'
  | 'launchTemplates'
  | 'launchConfigurations'
  | 'groups'
  | 'alarms'
  | 'topics'
  | 'subscriptions';

/** The one-by-one reads a rule may ask for after the bulk describes, for its suspects only. */
export type LookupRequest =
  | { kind: 'alarm-tags'; arns: string[] }
  | { kind: 'topic-tags'; arns: string[] }
  | { kind: 'instance-states'; ids: string[] }
  | { kind: 'topic-exists'; arns: string[] }
  | { kind: 'image-shares'; ids: string[] }
  | { kind: 'group-activity'; names: string[] };

export const emptyLookups = (): Lookups => ({
  tags: {},
  instanceStates: {},
  topics: {},
  imageShares: {},
  groupActivity: {},
  scheduledGroups: [],
});
