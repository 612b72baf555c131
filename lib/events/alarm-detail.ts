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
import { z } from 'zod';
import type { AlarmMetric, AlarmTrigger, TriggerSource } from './trigger';
import { breachingDatapoints, reasonDataSchema } from './datapoints';
import { alarmState, isoTimestamp, jsonString, nonEmptyString } from './fields';

const metricStatSchema = z.object({
  metric: z.object({
    namespace: z.string(),
    name: z.string(),
    dimensions: z.record(z.string(), z.string()).optional(),
  }),
  period: z.number().optional(),
  stat: z.string().optional(),
  unit: z.string().nullish(),
});

const metricQuerySchema = z
  .object({
    id: z.string(),
    metricStat: metricStatSchema.optional(),
    expression: z.string().optional(),
    label: z.string().optional(),
    returnData: z.boolean().optional(),
  })
  .superRefine((query, ctx) => {
    if (query.metricStat === undefined && query.expression === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['metricStat'],
        message: 'required (or expression)',
        input: query,
      });
    }
  });

const stateSchema = z.object({
  value: alarmState,
  reason: z.string(),
  reasonData: jsonString(reasonDataSchema).optional(),
  timestamp: isoTimestamp,
});

export const alarmDetailSchema = z.object({
  alarmName: nonEmptyString,
  state: stateSchema,
  previousState: z.object({ value: alarmState }).optional(),
  configuration: z
    .object({
      description: z.string().nullish(),
      metrics: z.array(metricQuerySchema).optional(),
      alarmRule: z.string().optional(),
      // Not in AWS's samples; read when present so that a richer payload is not thrown away.
      threshold: z.number().optional(),
      comparisonOperator: z.string().optional(),
      evaluationPeriods: z.number().int().optional(),
    })
    .optional(),
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
