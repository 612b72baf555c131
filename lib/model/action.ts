/**
 * Actions are values: a plan is a list of them, each saying what would change and why. Executing them
 * is the one executor's job (`lib/app/execute.ts`), through each type's module in `lib/actions/`. The
 * `type` strings are a public contract (DESIGN §3).
 */
import type { CleanupCategory } from './cleanup';
import type { LaunchSpec } from './failover-state';
import type { InstanceRefreshPreferences } from './launch';

interface ActionBase {
  /** A sentence a person understands: what and why, with the numbers that justify it. */
  reason: string;
  /** The change in the monthly bill if the action is applied (negative saves money); omitted when unknown. */
  monthlyCostDeltaUsd?: number;
  /** Policy target the action belongs to. */
  target: string;
  region?: string;
}

export interface SetDesiredCapacityAction extends ActionBase {
  type: 'set-desired-capacity';
  autoScalingGroup: string;
  from: number;
  to: number;
  direction: 'out' | 'in';
  /** Type the group launches, which prices the change. */
  instanceType?: string;
}

/** Desired definition of one alarm the orchestrator owns (the PutMetricAlarm input, in our words). */
export interface AlarmDefinition {
  name: string;
  description: string;
  namespace: string;
  metric: string;
  dimensions: Record<string, string>;
  statistic: string;
  periodSeconds: number;
  evaluationPeriods: number;
  datapointsToAlarm: number;
  threshold: number;
  comparison: 'GreaterThanThreshold' | 'LessThanThreshold';
  treatMissingData: 'missing' | 'notBreaching' | 'breaching' | 'ignore';
  alarmActions: string[];
  tags: Record<string, string>;
}

/** Resize one instance up or down its ladder; a durable workflow does it (in place or blue-green). */
export interface ResizeInstanceAction extends ActionBase {
  type: 'resize-instance';
  instanceId: string;
  from: string;
  to: string;
  direction: 'up' | 'down';
  strategy: 'in-place' | 'blue-green';
  /** The Elastic IP the instance keeps. */
  publicIp?: string;
}

/**
 * Fail a single-instance target over (issue 10): its instance stopped, terminated or failed its status
 * checks, so a durable workflow moves its Elastic IP to a healthy warm standby, or to a replacement
 * launched from the newest image of its lineage; the failed instance is left stopped, for a person.
 */
export interface FailOverAction extends ActionBase {
  type: 'fail-over';
  failedInstanceId: string;
  /**
   * The failed instance as it was seen (what a replacement is launched with). Its user data is read by
   * the workflow, never carried in a plan.
   */
  failed: LaunchSpec;
  /** How the failure was seen, in words (the alarm, the state change, the reconcile run). */
  detection: string;
  /** ISO time the failure was seen (the alarm's state change, the event's time): the e-mail counts from it. */
  detectedAt: string;
  allocationId: string;
  publicIp: string;
  /** Where the address goes: the standby (running and healthy when planned), or a new instance. */
  via: 'standby' | 'replacement';
  standbyInstanceId?: string;
  /** The newest available image of the lineage; absent for a replacement: one is made from the stopped instance. */
  imageId?: string;
}

/** Steps a workflow performs, listed in the plan so people see them; the workflow carries them out. */
interface WorkflowStep {
  partOf: 'resize-instance' | 'refresh-image' | 'fail-over';
}

/** Retention after an image refresh, listed in the refresh's plan: the workflow retires them at its end. */
interface RetentionStep {
  partOf: 'refresh-image';
}

/**
 * Refresh a target's image (issue 9): a durable workflow images the source instance, makes the group
 * launch the new image (a launch-template version, or a launch configuration), rolls it out with an
 * instance refresh, and retires older images of the lineage.
 */
export interface RefreshImageAction extends ActionBase {
  type: 'refresh-image';
  autoScalingGroup: string;
  sourceInstanceId: string;
  /** The image the group launches now, if known. */
  fromImageId?: string;
}

/** The rollout of a refresh: an instance refresh of the group, with the policy's preferences. */
export interface StartInstanceRefreshAction extends ActionBase, WorkflowStep {
  type: 'start-instance-refresh';
  autoScalingGroup: string;
  /** Absent in a plan: the image does not exist yet. */
  imageId?: string;
  /** What the group launches from, which the workflow gives the new image. */
  launch: 'launch-template' | 'launch-configuration';
  preferences: InstanceRefreshPreferences;
  /** A group that pins a template version is given the new one by the refresh (then AWS can roll it back). */
  desired?: { templateId: string; version: number };
  /** A refresh this operation started already (after a lost answer): not another one's. */
  adopt?: string;
}

export interface MoveAddressAction extends ActionBase, WorkflowStep {
  type: 'move-address';
  allocationId: string;
  publicIp: string;
  fromInstance: string;
  /** Absent in a plan: the replacement does not exist yet. */
  toInstance?: string;
}

export interface UpdateAlarmAction extends ActionBase, Partial<WorkflowStep> {
  type: 'update-alarm';
  alarm: AlarmDefinition;
  /**
   * `create` for a missing alarm, `update` for one that drifted (with the drifted fields), `repoint` for
   * an instance target's alarm following its instance to the replacement.
   */
  change: 'create' | 'update' | 'repoint';
  drift?: string[];
  /** ARN of the existing alarm, for an update. */
  alarmArn?: string;
}

export interface DeleteAlarmAction extends ActionBase {
  type: 'delete-alarm';
  alarmName: string;
}

/**
 * Turn on a group's metrics collection for the metrics the dashboard draws (Auto Scaling publishes
 * them only then, free of charge); the group's other enabled metrics stay as they are.
 */
export interface EnableGroupMetricsAction extends ActionBase {
  type: 'enable-group-metrics';
  autoScalingGroup: string;
  metrics: string[];
}

/**
 * Cleanup (issue 4): each deletes one orphan, or marks/unmarks it. `category` and `resourceId` are the
 * finding's (the JSON's `category` and `id`); `target` is `cleanup`. Each re-verifies its orphan just
 * before it is deleted (its module in `lib/actions/cleanup/`).
 */
interface CleanupActionBase extends ActionBase {
  region: string;
  category: CleanupCategory;
  resourceId: string;
}

export interface ReleaseAddressAction extends CleanupActionBase {
  type: 'release-address';
}
export interface DeleteVolumeAction extends CleanupActionBase {
  type: 'delete-volume';
}
export interface DeleteSnapshotAction extends CleanupActionBase, Partial<RetentionStep> {
  type: 'delete-snapshot';
}
export interface DeregisterImageAction extends CleanupActionBase, Partial<RetentionStep> {
  type: 'deregister-image';
}
/** Image retention's gentler retirement: the image stays registered (and launchable by id), deprecated. */
export interface DeprecateImageAction extends CleanupActionBase, Partial<RetentionStep> {
  type: 'deprecate-image';
}
export interface DeleteTopicAction extends CleanupActionBase {
  type: 'delete-topic';
}
export interface DeleteSubscriptionAction extends CleanupActionBase {
  type: 'delete-subscription';
}
export interface DeleteLaunchConfigurationAction extends CleanupActionBase {
  type: 'delete-launch-configuration';
}
export interface DeleteLaunchTemplateVersionAction extends CleanupActionBase {
  type: 'delete-launch-template-version';
  launchTemplateId: string;
  version: number;
}
export interface DeleteAutoScalingGroupAction extends CleanupActionBase {
  type: 'delete-auto-scaling-group';
}
export interface TerminateInstanceAction extends CleanupActionBase {
  type: 'terminate-instance';
}
/** Tags (or records, for kinds that cannot be tagged) `autopilot:delete-after=<deleteAfter>`. */
export interface MarkResourceAction extends CleanupActionBase {
  type: 'mark-resource';
  deleteAfter: string;
}
export interface UnmarkResourceAction extends CleanupActionBase {
  type: 'unmark-resource';
}

export type CleanupAction =
  | ReleaseAddressAction
  | DeleteVolumeAction
  | DeleteSnapshotAction
  | DeregisterImageAction
  | DeprecateImageAction
  | DeleteTopicAction
  | DeleteSubscriptionAction
  | DeleteLaunchConfigurationAction
  | DeleteLaunchTemplateVersionAction
  | DeleteAutoScalingGroupAction
  | TerminateInstanceAction
  | MarkResourceAction
  | UnmarkResourceAction;

export type Action =
  | SetDesiredCapacityAction
  | ResizeInstanceAction
  | FailOverAction
  | RefreshImageAction
  | StartInstanceRefreshAction
  | MoveAddressAction
  | UpdateAlarmAction
  | DeleteAlarmAction
  | EnableGroupMetricsAction
  | CleanupAction;
export type ActionType = Action['type'];

/** Something the planner looked at and decided not to act on, with why. */
export interface Ignored {
  reason: string;
  target?: string;
  /** `warning`: a person should look (it is e-mailed); `info`: routine, logged only. */
  severity: 'info' | 'warning';
}
