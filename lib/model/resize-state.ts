/**
 * The data a resize carries from step to step (the state machine's JSON), and what it records in the
 * state table as it goes. The input is the planned `resize-instance` action plus what the steps need.
 */

export interface HealthCheck {
  path: string;
  port: number;
  expectStatus: number;
  timeoutSeconds: number;
  /** Where to send the request: the new instance's private or public IP, or a fixed host. */
  host: 'private-ip' | 'public-ip' | string;
}

export interface ResizeInput {
  /** The operation's key: the triggering event's, or the CLI run's. Names the execution and tags what it makes. */
  key: string;
  target: string;
  region: string;
  instanceId: string;
  from: string;
  to: string;
  strategy: 'in-place' | 'blue-green';
  direction: 'up' | 'down';
  reason: string;
  monthlyCostDeltaUsd?: number;
  /** Reboot for a file-system-consistent image (blue-green). */
  reboot: boolean;
  /** What becomes of the old instance after a blue-green move. */
  retire: 'stop' | 'terminate';
  healthCheck?: HealthCheck;
  /** The alarm topic the target's alarms point at (needed to re-point them). */
  alarmTopicArn?: string;
  /** What set it off, for the e-mail. */
  trigger: string;
}

export interface ResizeState extends ResizeInput {
  /** Set by Lock when another operation holds the target. */
  busy?: boolean;
  /** Set by Inspect when a previous run already finished the work. */
  done?: boolean;
  /** Set by the Check* steps: the awaited condition holds. */
  ready?: boolean;
  polls?: number;
  /** When the current instance was first seen running, for the health check's time limit. */
  checkingSince?: string;
  allocationId?: string;
  publicIp?: string;
  imageId?: string;
  newInstanceId?: string;
  notes?: string[];
  /** Set by a Catch: the error that sent the execution to Rollback/Failed. */
  error?: { Error?: string; Cause?: string };
}

/** Progress kept in the state table (`op#<key>`), so a re-run knows what happened before the crash. */
export interface OperationRecord {
  allocationId?: string;
  publicIp?: string;
  stopRequestedAt?: string;
  runningAt?: string;
  moveStartedAt?: string;
  moveDoneAt?: string;
  recorded?: boolean;
  notified?: boolean;
  rollback?: string;
  finishedAt?: string;
}

/** How starting a resize went. */
export interface StartResult {
  status: 'started' | 'applied' | 'dropped' | 'failed';
  detail?: string;
  /** The finished state, when the workflow ran here. */
  state?: ResizeState;
}
