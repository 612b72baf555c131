/**
 * A CloudWatch alarm notification published to SNS: the record's `Message` is this JSON document
 * (AWS doc "Notifying users on alarm changes", schemas for metric and composite alarms).
 *
 * Quirks handled here:
 * - `Trigger.Statistic` is upper-case (`AVERAGE`, `SAMPLE_COUNT`), unlike every API (`Average`).
 * - `StatisticType: "ExtendedStatistic"` puts a percentile such as `p90` in `ExtendedStatistic`.
 * - Dimension keys are lower-case `name`/`value`, not the API's `Name`/`Value`.
 * - `Region` is a display name (`EU (Ireland)`), never a code; `AlarmArn` is missing on old alarms.
 * - `Unit`, `AlarmDescription` can be null.
 * - Metric-math and anomaly-detection alarms have `Trigger.Metrics` instead of `MetricName`;
 *   anomaly detection has `ThresholdMetricId` instead of `Threshold`.
 * - Composite alarms have `AlarmRule`/`TriggeringChildren` and no `Trigger`.
 * - No `reasonData`: the datapoints come from the reason text.
 */
import * as z from 'zod/mini';
import type { AlarmMetric, AlarmTrigger } from './trigger';
import { breachingDatapoints } from './datapoints';
import { alarmState, isoTimestamp, nonEmptyString } from './fields';
import { accountFromArn, regionFromArn, regionFromDisplayName } from './regions';

const dimensionSchema = z.object({ name: z.string(), value: z.string() });

const metricQuerySchema = z
  .object({
    Id: z.string(),
    Expression: z.optional(z.string()),
    Label: z.optional(z.string()),
    MetricStat: z.optional(
      z.object({
        Metric: z.object({
          Dimensions: z.nullish(z.array(dimensionSchema)),
          MetricName: z.string(),
          Namespace: z.string(),
        }),
        Period: z.optional(z.number()),
        Stat: z.optional(z.string()),
        Unit: z.nullish(z.string()),
      }),
    ),
    ReturnData: z.optional(z.boolean()),
  })
  .check(
    z.superRefine((query, ctx) => {
      if (query.MetricStat === undefined && query.Expression === undefined) {
        ctx.addIssue({
          code: 'custom',
          path: ['MetricStat'],
          message: 'required (or Expression)',
          input: query,
        });
      }
    }),
  );

const triggerSchema = z
  .object({
    MetricName: z.optional(z.string()),
    Namespace: z.optional(z.string()),
    StatisticType: z.optional(z.string()),
    Statistic: z.nullish(z.string()),
    ExtendedStatistic: z.nullish(z.string()),
    Unit: z.nullish(z.string()),
    Dimensions: z.nullish(z.array(dimensionSchema)),
    // CloudWatch takes a period of 10, 20, 30 s or a multiple of 60, and at least one evaluation period.
    Period: z.optional(z.number().check(z.positive({ error: 'expected a positive number of seconds' }))),
    EvaluationPeriods: z.optional(
      z.number().check(z.int(), z.positive({ error: 'expected a whole number ≥ 1' })),
    ),
    ComparisonOperator: z.optional(z.string()),
    Threshold: z.nullish(z.number()),
    ThresholdMetricId: z.optional(z.string()),
    Metrics: z.optional(z.array(metricQuerySchema)),
  })
  .check(
    z.superRefine((trigger, ctx) => {
      if (trigger.MetricName === undefined && trigger.Metrics === undefined) {
        ctx.addIssue({
          code: 'custom',
          path: ['MetricName'],
          message: 'required (or Metrics for a metric-math alarm)',
          input: trigger,
        });
      } else if (trigger.MetricName !== undefined && trigger.Namespace === undefined) {
        ctx.addIssue({ code: 'custom', path: ['Namespace'], message: 'required', input: trigger });
      }
    }),
  );

export const snsAlarmMessageSchema = z.object({
  AlarmName: nonEmptyString,
  AlarmDescription: z.nullish(z.string()),
  AWSAccountId: z.optional(z.string()),
  NewStateValue: alarmState,
  NewStateReason: z.string(),
  StateChangeTime: isoTimestamp,
  Region: z.nullish(z.string()),
  AlarmArn: z.optional(z.string()),
  OldStateValue: z.optional(alarmState),
  Trigger: z.optional(triggerSchema),
  AlarmRule: z.optional(z.string()),
});

export type SnsAlarmMessage = z.output<typeof snsAlarmMessageSchema>;

/**
 * Where the SNS record came from: its topic is kept on the trigger (the guard compares it with the
 * alarm topic); its ARNs are the last clue to the region.
 */
export interface SnsDelivery {
  topicArn?: string;
  subscriptionArn?: string;
  defaultRegion?: string;
}

/** True when a decoded SNS message is (meant to be) a CloudWatch alarm notification. */
export function isSnsAlarmMessage(message: Record<string, unknown>): boolean {
  return ['AlarmName', 'NewStateValue', 'AlarmArn', 'Trigger', 'AlarmRule'].some((key) => key in message);
}

export function alarmTriggerFromSnsMessage(message: SnsAlarmMessage, delivery: SnsDelivery): AlarmTrigger {
  const trigger = message.Trigger;
  return {
    kind: 'alarm',
    source: 'sns',
    alarmName: message.AlarmName,
    alarmArn: message.AlarmArn,
    topicArn: delivery.topicArn,
    region:
      regionFromArn(message.AlarmArn) ??
      regionFromDisplayName(message.Region) ??
      regionFromArn(delivery.topicArn) ??
      regionFromArn(delivery.subscriptionArn) ??
      delivery.defaultRegion,
    account: message.AWSAccountId ?? accountFromArn(message.AlarmArn),
    state: message.NewStateValue,
    previousState: message.OldStateValue,
    stateChangeTime: message.StateChangeTime,
    reason: message.NewStateReason,
    metric: trigger?.MetricName !== undefined ? singleMetric(trigger) : undefined,
    metricMath: trigger?.Metrics?.map((q) => ({
      id: q.Id,
      expression: q.Expression,
      metric: q.MetricStat
        ? {
            namespace: q.MetricStat.Metric.Namespace,
            name: q.MetricStat.Metric.MetricName,
            dimensions: dimensionMap(q.MetricStat.Metric.Dimensions),
            statistic: normaliseStatistic(q.MetricStat.Stat),
            periodSeconds: q.MetricStat.Period,
            unit: q.MetricStat.Unit ?? undefined,
          }
        : undefined,
      // MetricDataQuery.ReturnData defaults to true when omitted.
      returnData: q.ReturnData ?? true,
    })),
    composite: message.AlarmRule !== undefined ? true : undefined,
    threshold: trigger?.Threshold ?? undefined,
    comparison: trigger?.ComparisonOperator,
    evaluationPeriods: trigger?.EvaluationPeriods,
    datapoints: breachingDatapoints(message.NewStateReason),
  };
}

type SnsTrigger = z.output<typeof triggerSchema>;

function singleMetric(trigger: SnsTrigger): AlarmMetric {
  const statistic =
    trigger.StatisticType === 'ExtendedStatistic' ? trigger.ExtendedStatistic : trigger.Statistic;
  // The trigger schema guarantees MetricName and Namespace here; the fallbacks only satisfy the types.
  return {
    namespace: trigger.Namespace ?? '',
    name: trigger.MetricName ?? '',
    dimensions: dimensionMap(trigger.Dimensions),
    statistic: normaliseStatistic(statistic ?? trigger.Statistic ?? trigger.ExtendedStatistic),
    periodSeconds: trigger.Period,
    unit: trigger.Unit ?? undefined,
  };
}

function dimensionMap(
  dimensions: readonly { name: string; value: string }[] | null | undefined,
): Record<string, string> {
  return Object.fromEntries((dimensions ?? []).map((d) => [d.name, d.value]));
}

/** SNS spells the standard statistics in upper snake case; the API and the policy use `SampleCount`. */
const STATISTIC_NAMES: Record<string, string> = {
  AVERAGE: 'Average',
  SUM: 'Sum',
  MINIMUM: 'Minimum',
  MAXIMUM: 'Maximum',
  SAMPLE_COUNT: 'SampleCount',
};

/** Standard statistics normalised; extended ones (`p90`, `TM(10%:90%)`, `IQM`) kept as written. */
export function normaliseStatistic(statistic: string | null | undefined): string | undefined {
  if (statistic === null || statistic === undefined || statistic === '') return undefined;
  return STATISTIC_NAMES[statistic] ?? statistic;
}
