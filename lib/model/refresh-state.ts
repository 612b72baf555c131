/**
 * The data of one image refresh as it goes through the `refresh-image` state machine: each step gets it
 * and returns it with what it learnt, so a re-run after a crash finds what was made (by the operation's
 * tag and names) instead of making it again.
 */
import type { InstanceRefreshPreferences } from './launch';

/** The instance refresh's preferences, as the policy states them. */
export type Rollout = InstanceRefreshPreferences;

/** A new image from a source instance, rolled out to the target's group; older images retired. */
export interface ImageRefreshPolicy {
  from: { instance: { id: string } | { tags: Record<string, string> } };
  /** EventBridge schedule; absent: on demand only. */
  schedule?: string;
  /** Newest images of the lineage (`autopilot:lineage=<target>`) kept. */
  keep: number;
  reboot: boolean;
  retire: 'deregister' | 'deprecate';
  imageTimeoutMinutes: number;
  rollout: Rollout;
}

/** What the group launches from, and what the refresh gave it. */
export type RefreshLaunch =
  | {
      kind: 'launch-template';
      templateId: string;
      templateName: string;
      /** The version the group names (`$Default`, `$Latest` or a number). */
      groupVersion: string;
      /** The default version before the refresh (restored if the rollout fails before it starts). */
      previousDefault: number;
      /** The version the new one copies its launch data from. */
      baseVersion: number;
      newVersion?: number;
    }
  | { kind: 'launch-configuration'; name: string; newName?: string };

export interface RefreshState {
  /** The operation's key: unique per run; names the execution, the image and the new launch data. */
  key: string;
  target: string;
  region: string;
  autoScalingGroup: string;
  policy: ImageRefreshPolicy;
  reason: string;
  trigger: string;
  /** When the run began (ISO); the image is named with its date. */
  startedAt: string;
  sourceInstanceId?: string;
  /** The image the group launched before. */
  fromImageId?: string;
  launch?: RefreshLaunch;
  imageId?: string;
  imageName?: string;
  /** When the image was asked for (its timeout counts from there). */
  imageRequestedAt?: string;
  refreshId?: string;
  refreshStatus?: string;
  refreshReason?: string;
  percentComplete?: number;
  /** What the rollout could not do as the policy asked (an AutoRollback AWS does not allow here). */
  notes?: string[];
  /** Polls of the current wait loop. */
  polls: number;
  /** What the current wait loop waits for is there (the state machine's Choice reads it). */
  ready?: boolean;
  /** Another refresh (ours or Auto Scaling's) held the group: this run ended before doing anything. */
  busy?: string;
  /** Images retired after the rollout, and the snapshot storage that saves a month. */
  retired?: { imageIds: string[]; snapshotIds: string[]; savedMonthlyUsd: number; kept: string[] };
  /** What the Catch caught (Step Functions' error and cause). */
  error?: { Error?: string; Cause?: string };
}

export interface RefreshStartResult {
  status: 'started' | 'applied' | 'dropped' | 'failed';
  detail?: string;
  /** The finished state, when the workflow ran here. */
  state?: RefreshState;
}
