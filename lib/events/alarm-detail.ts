/**
 * The camel-case alarm body that CloudWatch puts both in an EventBridge "CloudWatch Alarm State Change"
 * event (`detail`) and in the payload of a Lambda alarm action (`alarmData`): `alarmName`, `state`,
 * `previousState` and `configuration`. Only the envelopes differ, so both parsers share this schema.
 *
 * - `configuration.metrics` lists metric-data queries: one `metricStat` for a plain metric alarm,
 *   `expression`s plus `metricStat`s for metric math and anomaly detection (`ANOMALY_DETECTION_BAND`).
 * - A composite alarm has `configuration.alarmRule` and no metrics; its `reasonData` names the
 *   triggering child alarms.
 * - The configuration carries no threshold; `reasonData.threshold` does, for metric alarms.
 */
import * as z from 'zod/mini';
import type { AlarmMetric, AlarmTrigger, TriggerSource } from './trigger';
import { breachingDatapoints, reasonDataSchema } from './datapoints';
import { alarmState, isoTimestamp, jsonString, nonEmptyString } from './fields';

const metricStatSchema = z.object({
  metric: z.object({
    namespace: z.string(),
    name: z.string(),
    dimensions: z.optional(z.record(z.string(), z.string())),
  }),
  period: z.optional(z.number()),
  stat: z.optional(z.string()),
  unit: z.nullish(z.string()),
});

const metricQuerySchema = z
  .object({
    id: z.string(),
    metricStat: z.optional(metricStatSchema),
    expression: z.optional(z.string()),
    label: z.optional(z.string()),
    returnData: z.optional(z.boolean()),
  })
  .check(
    z.superRefine((query, ctx) => {
      if (query.metricStat === undefined && query.expression === undefined) {
        ctx.addIssue({
          code: 'custom',
          path: ['metricStat'],
          message: 'required (or expression)',
          input: query,
        });
      }
    }),
  );

const stateSchema = z.object({
  value: alarmState,
  reason: z.string(),
  reasonData: z.optional(jsonString(reasonDataSchema)),
  timestamp: isoTimestamp,
});

export const alarmDetailSchema = z.object({
  alarmName: nonEmptyString,
  state: stateSchema,
  previousState: z.optional(z.object({ value: alarmState })),
  configuration: z.optional(
    z.object({
      description: z.nullish(z.string()),
      metrics: z.optional(z.array(metricQuerySchema)),
      alarmRule: z.optional(z.string()),
      // Not in AWS's samples; read when present so that a richer payload is not thrown away.
      threshold: z.optional(z.number()),
      comparisonOperator: z.optional(z.string()),
      evaluationPeriods: z.optional(
        z.number().check(z.int(), z.positive({ error: 'expected a whole number ≥ 1' })),
      ),
    }),
  ),
});

export type AlarmDetail = z.output<typeof alarmDetailSchema>;

type MetricStat = z.output<typeof metricStatSchema>;

export interface AlarmEnvelope {
  source: TriggerSource;
  alarmArn?: string;
  region?: string;
  account?: string;
}

export function alarmTriggerFromDetail(detail: AlarmDetail, envelope: AlarmEnvelope): AlarmTrigger {
  const { state, configuration } = detail;
  const queries = configuration?.metrics ?? [];
  const single =
    queries.length === 1 && queries[0]?.metricStat && queries[0].expression === undefined
      ? queries[0].metricStat
      : undefined;
  return {
    kind: 'alarm',
    source: envelope.source,
    alarmName: detail.alarmName,
    alarmArn: envelope.alarmArn,
    region: envelope.region,
    account: envelope.account,
    state: state.value,
    previousState: detail.previousState?.value,
    stateChangeTime: state.timestamp,
    reason: state.reason,
    metric: single ? toMetric(single) : undefined,
    metricMath:
      single || queries.length === 0
        ? undefined
        : queries.map((q) => ({
            id: q.id,
            expression: q.expression,
            metric: q.metricStat ? toMetric(q.metricStat) : undefined,
            // MetricDataQuery.ReturnData defaults to true when omitted.
            returnData: q.returnData ?? true,
          })),
    composite: configuration?.alarmRule !== undefined ? true : undefined,
    threshold: configuration?.threshold ?? state.reasonData?.threshold,
    comparison: configuration?.comparisonOperator,
    evaluationPeriods: configuration?.evaluationPeriods,
    datapoints: breachingDatapoints(state.reason, state.reasonData),
  };
}

function toMetric(stat: MetricStat): AlarmMetric {
  return {
    namespace: stat.metric.namespace,
    name: stat.metric.name,
    dimensions: stat.metric.dimensions ?? {},
    statistic: stat.stat,
    periodSeconds: stat.period,
    unit: stat.unit ?? undefined,
  };
}
