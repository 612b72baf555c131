/** Reads a metric's recent value when an event did not carry its datapoints (e.g. an SNS test message). */
import type { Condition } from '../policy/policy';
import { call } from './call';
import type { AwsClients } from './clients';

export class MetricsAdapter {
  constructor(private readonly aws: AwsClients) {}

  /** The highest datapoint of the rule's statistic over its evaluation window, or undefined if none. */
  async recentValue(
    condition: Condition,
    dimensions: Record<string, string>,
    now: Date,
  ): Promise<number | undefined> {
    const { client, sdk } = await this.aws.cloudWatch();
    const window = Math.max(condition.forMinutes * 60, condition.periodSeconds * 2);
    const out = await call('GetMetricStatistics', () =>
      client.send(
        new sdk.GetMetricStatisticsCommand({
          Namespace: condition.namespace,
          MetricName: condition.metric,
          Dimensions: Object.entries(dimensions).map(([Name, Value]) => ({ Name, Value })),
          StartTime: new Date(now.getTime() - window * 1000),
          EndTime: now,
          Period: condition.periodSeconds,
          Statistics: [condition.statistic],
        }),
      ),
    );
    const values = (out.Datapoints ?? [])
      .map((d) => d[condition.statistic])
      .filter((v): v is number => typeof v === 'number');
    return values.length > 0 ? Math.max(...values) : undefined;
  }
}
