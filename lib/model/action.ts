/**
 * Actions are values: a plan is a list of them, each saying what would change and why. Executing them
 * is the adapters' job (`lib/aws/execute.ts`). The `type` strings are a public contract (DESIGN §3).
 */

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

/** Steps a resize workflow performs, listed in the plan so people see them; the workflow carries them out. */
interface WorkflowStep {
  partOf: 'resize-instance';
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

export type Action =
  SetDesiredCapacityAction | ResizeInstanceAction | MoveAddressAction | UpdateAlarmAction | DeleteAlarmAction;
export type ActionType = Action['type'];

/** Something the planner looked at and decided not to act on, with why. */
export interface Ignored {
  reason: string;
  target?: string;
  /** `warning`: a person should look (it is e-mailed); `info`: routine, logged only. */
  severity: 'info' | 'warning';
}
