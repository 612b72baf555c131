/**
 * Every incoming event, whatever its envelope, is normalised into one of these triggers.
 * Planners and the orchestrator only ever see triggers, never raw events.
 */

export type AlarmState = 'OK' | 'ALARM' | 'INSUFFICIENT_DATA';

/** Where a trigger came from; kept for the e-mail and the logs. */
export type TriggerSource =
  | 'sns' // CloudWatch alarm action → SNS topic → Lambda
  | 'eventbridge' // EventBridge "CloudWatch Alarm State Change"
  | 'lambda-action' // alarm action that invokes the Lambda function directly
  | 'reconcile' // re-check of an alarm that stayed in ALARM
  | 'cli';

/** One metric an alarm watches. Dimension names and values are kept exactly as AWS sent them. */
export interface AlarmMetric {
  namespace: string;
  name: string;
  dimensions: Record<string, string>;
  /** `Average`, `Maximum`, … or an extended statistic such as `p90`; upper-case `AVERAGE` from SNS is normalised. */
  statistic?: string;
  periodSeconds?: number;
  unit?: string;
}

export interface AlarmTrigger {
  kind: 'alarm';
  source: TriggerSource;
  alarmName: string;
  alarmArn?: string;
  /**
   * The SNS topic that delivered it (`Records[].Sns.TopicArn`), only on an SNS delivery: the guard
   * compares it with the deployment's alarm topic. Other envelopes come from no topic.
   */
  topicArn?: string;
  /** AWS region code (`eu-west-1`), resolved from the ARN, the display name or the delivering topic. */
  region?: string;
  account?: string;
  state: AlarmState;
  previousState?: AlarmState;
  /** ISO-8601 time of the state change; with the alarm name it identifies the event (idempotency key). */
  stateChangeTime: string;
  reason: string;
  /** The single metric of a metric alarm; absent for metric-math, anomaly-detection and composite alarms. */
  metric?: AlarmMetric;
  /** Metrics of a metric-math alarm (`Trigger.Metrics` / `configuration.metrics` with expressions). */
  metricMath?: { id: string; expression?: string; metric?: AlarmMetric; returnData: boolean }[];
  /** True for a composite alarm (an `AlarmRule` over other alarms). */
  composite?: boolean;
  threshold?: number;
  comparison?: string;
  evaluationPeriods?: number;
  /** The datapoints that caused the state change, newest first, when the event carries them. */
  datapoints: number[];
}

export interface AutoScalingNotificationTrigger {
  kind: 'autoscaling-notification';
  /** e.g. `autoscaling:EC2_INSTANCE_LAUNCH`, `autoscaling:EC2_INSTANCE_TERMINATE_ERROR`, `autoscaling:TEST_NOTIFICATION`. */
  event: string;
  autoScalingGroupName: string;
  region?: string;
  account?: string;
  instanceId?: string;
  time: string;
  /** `InProgress`, `Successful`, `Failed`, … */
  statusCode?: string;
  cause?: string;
  description?: string;
}

export interface InstanceStateChangeTrigger {
  kind: 'instance-state-change';
  instanceId: string;
  /** `pending`, `running`, `stopping`, `stopped`, `shutting-down`, `terminated`. */
  state: string;
  region?: string;
  account?: string;
  time: string;
}

/**
 * Reconcile found a failover target not served: its address is on an instance that is gone or not
 * running, or on nothing (AWS disassociates the address of a terminated instance).
 */
export interface FailoverCheckTrigger {
  kind: 'failover-check';
  target: string;
  /** The instance that served the target, when reconcile can tell. */
  instanceId?: string;
  /** What reconcile saw, in words: `terminated`, `stopped`, `the address is on nothing`. */
  seen: string;
  time: string;
  region?: string;
}

export interface ScheduleTrigger {
  kind: 'schedule';
  time: string;
  region?: string;
  account?: string;
  /** The rule or schedule that fired, when the event names it. */
  ruleArn?: string;
}

/** The commands a person or CI may publish to the deployment's alarm topic. */
export const COMMANDS = ['refresh-image'] as const;
export type CommandName = (typeof COMMANDS)[number];

/**
 * A command published to the alarm topic (`{"autopilot": "refresh-image", "target": "web"}`), asking
 * for an operation on demand, as the CLI would run it.
 */
export interface CommandTrigger {
  kind: 'command';
  command: CommandName;
  /** The policy target it names, as written (the router checks it is one). */
  target: string;
  /** Why, in the publisher's words, for the e-mail and the logs. */
  reason?: string;
  /** The SNS message's id: a duplicate delivery carries the same one, so it is the idempotency key. */
  messageId: string;
  /** The SNS topic that delivered it: the guard compares it with the deployment's alarm topic. */
  topicArn?: string;
  region?: string;
  account?: string;
  /** ISO-8601 time SNS accepted the message (`Records[].Sns.Timestamp`), when the record says. */
  time?: string;
}

export type Trigger =
  | AlarmTrigger
  | AutoScalingNotificationTrigger
  | InstanceStateChangeTrigger
  | ScheduleTrigger
  | CommandTrigger
  | FailoverCheckTrigger;
