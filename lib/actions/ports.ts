/**
 * The narrow ports actions apply themselves through. Each is an interface the adapters in `lib/aws`
 * satisfy as they are (structurally: adapters import nothing from here); a use case wires only the
 * ports its actions need.
 */
import type { AlarmDefinition } from '../model/action';
import type { CleanupCategory } from '../model/cleanup';
import type { BatchResult, Deleted, Tagged } from '../model/deleted';
import type {
  AddressFacts,
  AlarmFacts,
  GroupFacts,
  ImageFacts,
  InstanceRecord,
  LaunchConfigurationFacts,
  LaunchTemplateFacts,
  SnapshotFacts,
  VolumeFacts,
} from '../model/inventory';
import type { InstanceRefreshPreferences } from '../model/launch';
import type { RefreshStartResult, RefreshState } from '../model/refresh-state';
import type { ResizeState, StartResult } from '../model/resize-state';
import type { FailoverState } from '../model/failover-state';
import type { AutoScalingGroupState, RecordedChange, TargetRecord } from '../model/snapshot';

export interface GroupsPort {
  describeGroup(name: string): Promise<AutoScalingGroupState | undefined>;
  setDesiredCapacity(name: string, capacity: number): Promise<void>;
  /** Adds these metrics to the group's metrics collection (1-minute granularity). */
  enableMetrics(name: string, metrics: readonly string[]): Promise<void>;
}

/** The target records of the state table: the conditional write that makes racing decisions give one change. */
export interface RecordsPort {
  readTarget(target: string): Promise<TargetRecord>;
  recordChange(
    target: string,
    expectedVersion: number,
    change: RecordedChange | undefined,
  ): Promise<TargetRecord | undefined>;
}

export interface AlarmsPort {
  put(alarm: AlarmDefinition, existingArn?: string): Promise<void>;
}

export interface AlarmDeletesPort {
  deleteAlarm(name: string): Promise<Deleted>;
}

export interface AddressesPort {
  /** The instance an Elastic IP is associated with, if any. */
  addressHolder(allocationId: string): Promise<string | undefined>;
  moveAddress(allocationId: string, instanceId: string): Promise<void>;
}

/** Auto Scaling's instance refreshes of a group (the rollout of an image refresh). */
export interface InstanceRefreshesPort {
  active(group: string): Promise<{ id: string; status: string } | undefined>;
  start(
    group: string,
    prefs: InstanceRefreshPreferences,
    options?: { desired?: { templateId: string; version: number } },
  ): Promise<{ id: string; adopted: boolean; leftOut: { preference: string; reason: string }[] }>;
}

/** Starts an image refresh: on AWS Step Functions when deployed, in this process otherwise. */
export interface RefreshesPort {
  start(input: RefreshState): Promise<RefreshStartResult>;
}

/** Starts a resize: on AWS Step Functions when deployed, in this process otherwise. */
export interface ResizesPort {
  start(input: ResizeState): Promise<StartResult>;
}

/** Starts a failover: on AWS Step Functions when deployed, in this process otherwise. */
export interface FailoversPort {
  start(input: FailoverState): Promise<Pick<StartResult, 'status' | 'detail'>>;
}

export type { BatchResult, Deleted, Tagged };

/** Fresh reads of the few resources a cleanup is about to delete, as the inventory's facts. */
export interface CleanupReads {
  addresses(ids: string[]): Promise<AddressFacts[]>;
  volumes(ids: string[]): Promise<VolumeFacts[]>;
  snapshots(ids: string[]): Promise<SnapshotFacts[]>;
  /** Every image of the account (the snapshots behind them). */
  allImages(category: CleanupCategory): Promise<ImageFacts[]>;
  images(ids: string[]): Promise<ImageFacts[]>;
  /** Live instances launched from these images. */
  instancesOfImages(imageIds: string[]): Promise<InstanceRecord[]>;
  /** Every launch template with the versions (any: default, latest or other) that launch these images. */
  templatesOfImages(imageIds: string[]): Promise<LaunchTemplateFacts[]>;
  /** Launch configurations that launch these images. */
  configurationsOfImages(imageIds: string[]): Promise<LaunchConfigurationFacts[]>;
  /** The instances, terminated ones included (AWS lists them for a while). */
  instances(ids: string[]): Promise<InstanceRecord[]>;
  groups(names: string[]): Promise<GroupFacts[]>;
  allGroups(category: CleanupCategory): Promise<GroupFacts[]>;
  alarms(names: string[]): Promise<AlarmFacts[]>;
  /** Topics that have at least one subscription. */
  subscribedTopics(): Promise<Set<string>>;
  /** Whether each topic exists, asked in its own region. */
  topicsExist(arns: string[]): Promise<Map<string, boolean>>;
}

/** The deletions and mark writes of one region's cleanup. */
export interface CleanupWrites {
  releaseAddress(allocationId: string): Promise<Deleted>;
  deleteVolume(id: string): Promise<Deleted>;
  deleteSnapshot(id: string): Promise<Deleted>;
  deregisterImage(id: string): Promise<Deleted>;
  /** Deprecates the image at `at` (it stays registered; AWS refuses a time in the past). */
  deprecateImage(id: string, at: Date): Promise<Deleted>;
  terminateInstance(id: string): Promise<Deleted>;
  deleteLaunchTemplateVersion(templateId: string, version: number): Promise<Deleted>;
  deleteLaunchConfiguration(name: string): Promise<Deleted>;
  deleteAutoScalingGroup(name: string): Promise<Deleted>;
  deleteAlarm(name: string): Promise<Deleted>;
  deleteTopic(arn: string): Promise<Deleted>;
  unsubscribe(arn: string): Promise<Deleted>;
  /** Writes `autopilot:delete-after=<date>` (or removes it: `date` undefined), batched where the API allows. */
  writeMarks(category: CleanupCategory, items: Tagged[], date: string | undefined): Promise<BatchResult>;
}

/** Every port an action may use; a use case provides the ones its actions need. */
export interface Ports {
  groups?: GroupsPort;
  records?: RecordsPort;
  alarms?: AlarmsPort;
  alarmDeletes?: AlarmDeletesPort;
  addresses?: AddressesPort;
  resizes?: ResizesPort;
  failovers?: FailoversPort;
  refreshes?: RefreshesPort;
  instanceRefreshes?: InstanceRefreshesPort;
  cleanupReads?: CleanupReads;
  cleanupWrites?: CleanupWrites;
}
