/**
 * What an Auto Scaling group launches its instances from, and the instance refresh that rolls a new image
 * out to it: the vocabulary of the image-refresh adapters (lib/aws/launch-ops.ts,
 * lib/aws/instance-refresh.ts) and of the workflow that calls them.
 */

export type GroupLaunch =
  | {
      kind: 'launch-template';
      templateId: string;
      templateName: string;
      /** As the group names it: `$Default`, `$Latest` or a number (`$Default` when the group names none). */
      version: string;
      /** The number `version` resolves to now. */
      resolvedVersion: number;
      defaultVersion: number;
      latestVersion: number;
      /**
       * The ImageId of the resolved version, as the template holds it: an AMI id, or a Systems Manager
       * parameter (`resolve:ssm:…`) that AWS resolves at launch. Absent when the version names none.
       */
      imageId?: string;
    }
  | { kind: 'launch-configuration'; name: string; imageId?: string }
  /** A group this refresh cannot change as it is; `detail` says what it launches from, and why not. */
  | { kind: 'unsupported'; detail: string };

export interface InstanceRefreshPreferences {
  /** Percentage of the group that must stay in service (and healthy) while instances are replaced. */
  minHealthyPercentage: number;
  /** Seconds a new instance is given before it counts as healthy (AWS's InstanceWarmup). */
  warmupSeconds: number;
  /** Leave instances that already match the group's launch settings alone. */
  skipMatching: boolean;
  /** Ask AWS to roll the group back if the refresh fails (only where AWS allows it). */
  autoRollback: boolean;
  /** Percentages of the group replaced at which the refresh pauses, ascending. */
  /** Ascending percentages ending at 100, each followed by `checkpointDelaySeconds`. */
  checkpoints?: number[];
  /** Seconds of each pause at a checkpoint. */
  checkpointDelaySeconds: number;
}

export type InstanceRefreshStatus =
  | 'Pending'
  | 'InProgress'
  | 'Successful'
  | 'Failed'
  | 'Cancelling'
  | 'Cancelled'
  | 'RollbackInProgress'
  | 'RollbackFailed'
  | 'RollbackSuccessful'
  | 'Baking';

/** The statuses of a refresh that still holds the group: AWS refuses another refresh while one is in them. */
export const ACTIVE_REFRESH_STATUSES: readonly InstanceRefreshStatus[] = [
  'Pending',
  'InProgress',
  'Cancelling',
  'RollbackInProgress',
  'Baking',
];

export const isActiveRefresh = (status: InstanceRefreshStatus): boolean =>
  ACTIVE_REFRESH_STATUSES.includes(status);

export interface InstanceRefreshFacts {
  id: string;
  status: InstanceRefreshStatus;
  statusReason?: string;
  percentComplete?: number;
  instancesToUpdate?: number;
  /** ISO 8601. */
  startTime?: string;
  /** ISO 8601. */
  endTime?: string;
}
