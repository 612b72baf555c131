/** What the failover planner decides from: the failed instance, the target's address, its standbys, its images. */
import type { ElasticIp, InstanceFacts } from './instance';

/** DescribeInstanceStatus in our words: the state, and each check's status (`ok`, `impaired`, `initializing`, …). */
export interface InstanceHealth {
  state: string;
  system?: string;
  instance?: string;
}

export interface FailoverSnapshot {
  /** The instance the failure concerns (the event's, the alarm's, reconcile's), terminated ones included. */
  subject?: InstanceFacts;
  subjectHealth?: InstanceHealth;
  /**
   * The target's Elastic IP: on the subject, or found by its `autopilot:target` tag (AWS disassociates
   * the address of a terminated instance, so the association alone cannot be relied on).
   */
  address?: ElasticIp;
  /** The instance the address is on now, if any (terminated ones included: an emulator keeps them). */
  holder?: InstanceFacts;
  /** The standby selector's instances, with their health; the serving and failed ones left out. */
  standbys: { instance: InstanceFacts; health: InstanceHealth }[];
  /** The newest available image of the target's lineage (a replacement is launched from it). */
  newestImage?: { id: string; name?: string; createdAt?: string };
  /** A live lock on the target: another operation (a resize stops its instance on purpose) holds it. */
  lock?: { owner: string; since: string };
}
