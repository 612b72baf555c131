import type { InstanceFacts, InstanceTypeFacts } from './instance';

/**
 * The part of the account a decision depends on, read fresh before planning. Planners read only this,
 * never AWS, so the same snapshot always gives the same plan.
 */

export interface GroupInstance {
  id: string;
  instanceType?: string;
  lifecycleState: string;
  healthStatus?: string;
}

/** A group the policy names, as reconcile's one DescribeAutoScalingGroups for all of them sees it. */
export interface ExistingGroup {
  /** `Delete in progress` while a deletion runs. */
  status?: string;
  /** The group metrics it publishes (its metrics collection). */
  enabledMetrics: string[];
}

export interface AutoScalingGroupState {
  name: string;
  minSize: number;
  maxSize: number;
  desiredCapacity: number;
  instances: GroupInstance[];
  /** Instance type new instances get, when the launch template/configuration or the instances tell it. */
  instanceType?: string;
  /** A group being deleted, or suspended for `Launch`/`Terminate`, cannot be scaled. */
  status?: string;
  suspendedProcesses: string[];
}

/** One change to a target, as the state table records it (for the cooldown and the history). */
export interface RecordedChange {
  at: string;
  direction: 'out' | 'in' | 'up' | 'down';
  from: number | string;
  to: number | string;
  /** The event (or operation) that made it: a retry of the same event resumes it instead of adding to it. */
  key?: string;
}

/** What the orchestrator last did to a target, kept in the state table across invocations. */
export interface TargetRecord {
  target: string;
  lastActionAt?: string;
  /** `out`/`in` for a group's capacity, `up`/`down` for an instance's type. */
  lastDirection?: 'out' | 'in' | 'up' | 'down';
  /** Capacity or instance type before and after the last change. */
  lastFrom?: number | string;
  lastTo?: number | string;
  /** The event (or operation) that made the last change. */
  lastKey?: string;
  /** Opaque version for conditional writes: the change is recorded only if nobody recorded one since. */
  version: number;
}

export interface AutoScalingSnapshot {
  kind: 'auto-scaling-group';
  /** Absent when the group does not exist (deleted, misspelt in the policy). */
  group?: AutoScalingGroupState;
  record: TargetRecord;
  /** The metric's latest value when the event did not carry one (read from CloudWatch). */
  metricValue?: number;
}

/** An instance target's state: the instances its selector finds, and the facts of the types involved. */
export interface InstanceSnapshot {
  kind: 'instance';
  matches: InstanceFacts[];
  /** DescribeInstanceTypes facts of the current type and the candidate, by type. */
  types: Record<string, InstanceTypeFacts>;
  /** Whether the candidate type is offered in the instance's Availability Zone. */
  offeredInZone?: boolean;
  record: TargetRecord;
  /** A resize of this target in flight (its lock), if any. */
  lock?: { owner: string; since: string };
}

/** An alarm as CloudWatch describes it, in the same words as `AlarmDefinition`. */
export interface ObservedAlarm {
  name: string;
  arn?: string;
  description?: string;
  namespace?: string;
  metric?: string;
  dimensions: Record<string, string>;
  statistic?: string;
  periodSeconds?: number;
  evaluationPeriods?: number;
  datapointsToAlarm?: number;
  threshold?: number;
  comparison?: string;
  treatMissingData?: string;
  alarmActions: string[];
  actionsEnabled: boolean;
  state: 'OK' | 'ALARM' | 'INSUFFICIENT_DATA';
  stateUpdatedAt?: string;
  stateReason?: string;
  stateReasonData?: string;
  /** Carries `autopilot:managed=true`: created by the orchestrator, so it may delete it. */
  managed: boolean;
}
