/**
 * The data a failover carries from step to step (the failover state machine's JSON), and what it
 * records in the state table as it goes. It is a blue-green resize's data where the "new" instance is
 * the standby or the replacement, so the steps the two workflows share read the same fields.
 */
import type { InstanceFacts } from './instance';
import type { HealthCheck } from './resize-state';

/** What a replacement is launched with: the failed instance as it was when the failure was seen. */
export type LaunchSpec = Pick<
  InstanceFacts,
  | 'id'
  | 'type'
  | 'subnetId'
  | 'securityGroupIds'
  | 'keyName'
  | 'iamInstanceProfileArn'
  | 'tags'
  | 'availabilityZone'
  | 'imageId'
>;

export interface FailoverInput {
  /** The operation's key (the event's, or the reconcile run's): names the execution, tags what it makes. */
  key: string;
  target: string;
  region: string;
  /** The failed instance (the "old" instance of the shared steps). */
  instanceId: string;
  failed: LaunchSpec;
  /** Read from the failed instance by Launch (absent when AWS no longer has it). */
  userData?: string;
  via: 'standby' | 'replacement';
  standbyInstanceId?: string;
  /** The newest image of the lineage when planned; absent: one is made from the stopped failed instance. */
  imageId?: string;
  allocationId: string;
  publicIp: string;
  /** How the failure was seen, and when (the e-mail counts the outage from it). */
  detection: string;
  detectedAt: string;
  reason: string;
  /** A replacement (not a standby) may be launched when the standby is not healthy. */
  mayReplace: boolean;
  healthCheck?: HealthCheck;
  alarmTopicArn?: string;
  trigger: string;
  /** Images made from the failed instance are crash-consistent: it is stopped or impaired. */
  reboot: false;
}

export interface FailoverState extends FailoverInput {
  busy?: boolean;
  done?: boolean;
  ready?: boolean;
  polls?: number;
  checkingSince?: string;
  /** The instance the address moves to: the standby, or the replacement once launched. */
  newInstanceId?: string;
  /** Set by Inspect: where the address goes now (the standby may have failed since the plan). */
  route?: 'standby' | 'image' | 'launch';
  /** Always `fail-over`: the shared steps name the operation in their errors and address moves. */
  operation?: 'fail-over';
  /** What the e-mail should add (the standby was not healthy, an image was made now, …). */
  notes?: string[];
  error?: { Error?: string; Cause?: string };
}

/** Progress kept in the state table (`op#<key>`), so a re-run knows what happened before the crash. */
export interface FailoverRecord {
  /** The instance the address went to, once it did. */
  servedBy?: string;
  via?: 'standby' | 'replacement';
  imageId?: string;
  /** The image was made now, from the failed instance's volumes. */
  imageMade?: boolean;
  moveDoneAt?: string;
  stoppedFailed?: boolean;
  /** The failed instance was terminated (or going): nothing was left to stop or tag. */
  failedGone?: boolean;
  /** The failed instance was healthy again when the workflow looked: nothing was done. */
  recovered?: boolean;
  notified?: boolean;
  rollback?: string;
  finishedAt?: string;
  notes?: string[];
}
