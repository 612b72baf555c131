/** Reads and writes the CloudWatch alarms the orchestrator owns. */
import type { MetricAlarm } from '@aws-sdk/client-cloudwatch';
import type { AlarmDefinition } from '../model/action';
import type { Deleted } from '../model/deleted';
import { deletion } from './deletion';
import type { ObservedAlarm } from '../model/snapshot';
import { TAGS } from '../model/tags';
import { call, viaCall } from './call';
import type { AwsClients } from './clients';

function observed(a: MetricAlarm, managed: boolean): ObservedAlarm {
  const state = a.StateValue === 'ALARM' || a.StateValue === 'OK' ? a.StateValue : 'INSUFFICIENT_DATA';
  return {
    name: a.AlarmName ?? '',
    ...(a.AlarmArn ? { arn: a.AlarmArn } : {}),
    ...(a.AlarmDescription !== undefined ? { description: a.AlarmDescription } : {}),
    ...(a.Namespace ? { namespace: a.Namespace } : {}),
    ...(a.MetricName ? { metric: a.MetricName } : {}),
    dimensions: Object.fromEntries((a.Dimensions ?? []).map((d) => [d.Name ?? '', d.Value ?? ''])),
    ...(a.Statistic
      ? { statistic: a.Statistic }
      : a.ExtendedStatistic
        ? { statistic: a.ExtendedStatistic }
        : {}),
    ...(a.Period !== undefined ? { periodSeconds: a.Period } : {}),
    ...(a.EvaluationPeriods !== undefined ? { evaluationPeriods: a.EvaluationPeriods } : {}),
    ...(a.DatapointsToAlarm !== undefined ? { datapointsToAlarm: a.DatapointsToAlarm } : {}),
    ...(a.Threshold !== undefined ? { threshold: a.Threshold } : {}),
    ...(a.ComparisonOperator ? { comparison: a.ComparisonOperator } : {}),
    ...(a.TreatMissingData ? { treatMissingData: a.TreatMissingData } : {}),
    alarmActions: a.AlarmActions ?? [],
    actionsEnabled: a.ActionsEnabled ?? true,
    state,
    ...(a.StateUpdatedTimestamp ? { stateUpdatedAt: a.StateUpdatedTimestamp.toISOString() } : {}),
    ...(a.StateReason ? { stateReason: a.StateReason } : {}),
    ...(a.StateReasonData ? { stateReasonData: a.StateReasonData } : {}),
    managed,
  };
}

export class AlarmsAdapter {
  constructor(private readonly aws: AwsClients) {}

  /**
   * Every metric alarm whose name starts with `prefix`, with `managed` read from its tags. Tags cost one
   * call per alarm, so they are read only for the alarms the caller may delete (`tagsFor`).
   */
  async describeByPrefix(
    prefix: string,
    tagsFor: (name: string) => boolean = () => true,
  ): Promise<ObservedAlarm[]> {
    const { client, sdk } = await this.aws.cloudWatch();
    const alarms: MetricAlarm[] = [];
    const pages = sdk.paginateDescribeAlarms(
      { client: viaCall(client, 'DescribeAlarms') },
      { AlarmNamePrefix: prefix, AlarmTypes: ['MetricAlarm'], MaxRecords: 100 },
    );
    for await (const out of pages) alarms.push(...(out.MetricAlarms ?? []));
    const result: ObservedAlarm[] = [];
    for (const a of alarms) {
      let managed = false;
      if (a.AlarmArn && tagsFor(a.AlarmName ?? '')) {
        const tags = await call('ListTagsForResource', () =>
          client.send(new sdk.ListTagsForResourceCommand({ ResourceARN: a.AlarmArn })),
        );
        managed = (tags.Tags ?? []).some((t) => t.Key === TAGS.managed && t.Value === 'true');
      }
      result.push(observed(a, managed));
    }
    return result;
  }

  /** Creates or overwrites the alarm; `existingArn` is given when it already exists. */
  async put(alarm: AlarmDefinition, existingArn?: string): Promise<void> {
    const { client, sdk } = await this.aws.cloudWatch();
    const tags = Object.entries(alarm.tags).map(([Key, Value]) => ({ Key, Value }));
    await call('PutMetricAlarm', () =>
      client.send(
        new sdk.PutMetricAlarmCommand({
          AlarmName: alarm.name,
          AlarmDescription: alarm.description,
          Namespace: alarm.namespace,
          MetricName: alarm.metric,
          Dimensions: Object.entries(alarm.dimensions).map(([Name, Value]) => ({ Name, Value })),
          Statistic: alarm.statistic as 'Average',
          Period: alarm.periodSeconds,
          EvaluationPeriods: alarm.evaluationPeriods,
          DatapointsToAlarm: alarm.datapointsToAlarm,
          Threshold: alarm.threshold,
          ComparisonOperator: alarm.comparison,
          TreatMissingData: alarm.treatMissingData,
          ActionsEnabled: true,
          AlarmActions: alarm.alarmActions,
          // None for the stack's own alarms: an empty list would still ask for cloudwatch:TagResource.
          ...(tags.length > 0 ? { Tags: tags } : {}),
        }),
      ),
    );
    // PutMetricAlarm ignores Tags when the alarm already exists: tag a repaired alarm explicitly.
    if (existingArn && tags.length > 0) {
      await call('TagResource', () =>
        client.send(new sdk.TagResourceCommand({ ResourceARN: existingArn, Tags: tags })),
      );
    }
  }

  async deleteAlarm(name: string): Promise<Deleted> {
    const { client, sdk } = await this.aws.cloudWatch();
    return deletion(() =>
      call('DeleteAlarms', () => client.send(new sdk.DeleteAlarmsCommand({ AlarmNames: [name] }))),
    );
  }
}
