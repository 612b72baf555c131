/**
 * The stack's own alarms (lib/plan/self-alarms.ts) as CloudFormation resources, each dimension a
 * reference to what it watches. `resources/from-policy.js` bundles this file at package time.
 *
 * They are named `<service>-<stage>-…`, outside the policy's `<alarmPrefix>-` and without the
 * `autopilot:managed` tag: reconcile restores them but never deletes them; cleanup's dead-alarm rule
 * has no reason to report them (their dimensions are a queue, functions and state machines, never an
 * instance, group or volume, and missing data is "not breaching", so they sit in OK rather than
 * INSUFFICIENT_DATA while nothing runs), and its roles are denied tagging or deleting them
 * (lib/deploy/cleanup-role.ts).
 */
import { SELF_ALARM_SHAPE, selfAlarmSpecs, type Watched } from '../plan/self-alarms';
import { FAILED_EVENTS_QUEUE, functionLogicalId, type StackNames } from './stack';

/** Every alarm the stack watches itself with: the queue's first, then each function's, each machine's. */
export const selfAlarms = (names: StackNames) => selfAlarmSpecs(names.stage, names.service);

const reference = (w: Watched): unknown => {
  if (w.kind === 'queue') return { 'Fn::GetAtt': [FAILED_EVENTS_QUEUE, 'QueueName'] };
  if (w.kind === 'function') return { Ref: functionLogicalId(w.fn) };
  return { Ref: w.machine.id };
};

/** The alarms as CloudFormation resources: > 0 over 5 minutes, missing data not breaching. */
export function selfAlarmResources(names: StackNames): Record<string, unknown> {
  const s = SELF_ALARM_SHAPE;
  return Object.fromEntries(
    selfAlarms(names).map((a) => [
      a.id,
      {
        Type: 'AWS::CloudWatch::Alarm',
        Properties: {
          AlarmName: a.name,
          AlarmDescription: a.description,
          Namespace: a.namespace,
          MetricName: a.metric,
          Dimensions: [{ Name: a.dimension, Value: reference(a.watches) }],
          Statistic: a.statistic,
          Period: s.periodSeconds,
          EvaluationPeriods: s.evaluationPeriods,
          DatapointsToAlarm: s.datapointsToAlarm,
          Threshold: s.threshold,
          ComparisonOperator: s.comparison,
          TreatMissingData: s.treatMissingData,
          AlarmActions: [{ Ref: 'NotifyTopic' }],
        },
      },
    ]),
  );
}
