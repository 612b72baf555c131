/**
 * What CloudWatch sends when an alarm's action publishes to SNS, and what SNS then hands to Lambda,
 * built from the alarm as CloudWatch describes it. Moto's alarms never fire, so the sandbox and the
 * tests put an alarm in ALARM themselves (SetAlarmState) and deliver its notification with this.
 */
import { randomUUID } from 'node:crypto';
import type { MetricAlarm } from '@aws-sdk/client-cloudwatch';
import { call } from '../aws/call';
import type { AwsClients } from '../aws/clients';
import { regionDisplayName } from '../events/regions';

/** CloudWatch's SNS timestamps: `2015-06-03T17:43:27.123+0000`. */
const snsTime = (d: Date) => d.toISOString().replace('Z', '+0000');

const STATISTIC_UPPER: Record<string, string> = { SampleCount: 'SAMPLE_COUNT' };

export function alarmSnsMessage(
  alarm: MetricAlarm,
  region: string,
  account = '123456789012',
): Record<string, unknown> {
  const statistic = alarm.Statistic ?? 'Average';
  return {
    AlarmName: alarm.AlarmName,
    AlarmDescription: alarm.AlarmDescription ?? null,
    AWSAccountId: account,
    AlarmConfigurationUpdatedTimestamp: snsTime(alarm.AlarmConfigurationUpdatedTimestamp ?? new Date()),
    NewStateValue: alarm.StateValue,
    NewStateReason: alarm.StateReason,
    StateChangeTime: snsTime(alarm.StateUpdatedTimestamp ?? new Date()),
    Region: regionDisplayName(region) ?? region,
    AlarmArn: alarm.AlarmArn,
    OldStateValue: 'OK',
    OKActions: alarm.OKActions ?? [],
    AlarmActions: alarm.AlarmActions ?? [],
    InsufficientDataActions: alarm.InsufficientDataActions ?? [],
    Trigger: {
      MetricName: alarm.MetricName,
      Namespace: alarm.Namespace,
      StatisticType: 'Statistic',
      Statistic: STATISTIC_UPPER[statistic] ?? statistic.toUpperCase(),
      Unit: alarm.Unit ?? null,
      Dimensions: (alarm.Dimensions ?? []).map((d) => ({ value: d.Value, name: d.Name })),
      Period: alarm.Period,
      EvaluationPeriods: alarm.EvaluationPeriods,
      DatapointsToAlarm: alarm.DatapointsToAlarm,
      ComparisonOperator: alarm.ComparisonOperator,
      Threshold: alarm.Threshold,
      TreatMissingData: alarm.TreatMissingData ?? 'missing',
      EvaluateLowSampleCountPercentile: '',
    },
  };
}

/** The Lambda event of an SNS delivery of `message` from `topicArn`. */
export function snsEvent(
  topicArn: string,
  message: Record<string, unknown>,
  subject: string,
): Record<string, unknown> {
  const id = randomUUID();
  return {
    Records: [
      {
        EventSource: 'aws:sns',
        EventVersion: '1.0',
        EventSubscriptionArn: `${topicArn}:${randomUUID()}`,
        Sns: {
          Type: 'Notification',
          MessageId: id,
          TopicArn: topicArn,
          Subject: subject.slice(0, 100),
          Message: JSON.stringify(message),
          Timestamp: new Date().toISOString(),
          SignatureVersion: '1',
          Signature: 'EXAMPLE',
          SigningCertUrl: 'EXAMPLE',
          UnsubscribeUrl: 'EXAMPLE',
          MessageAttributes: {},
        },
      },
    ],
  };
}

/** A breach reason as CloudWatch words it, with the datapoints newest first. */
export function breachReason(
  values: number[],
  threshold: number,
  above: boolean,
  at = new Date(),
): { reason: string; reasonData: string } {
  const stamp = (i: number) => {
    const d = new Date(at.getTime() - i * 60_000);
    const p = (n: number) => String(n).padStart(2, '0');
    return `${p(d.getUTCDate())}/${p(d.getUTCMonth() + 1)}/${String(d.getUTCFullYear()).slice(2)} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:00`;
  };
  const points = values.map((v, i) => `${v} (${stamp(i)})`).join(', ');
  const reason =
    `Threshold Crossed: ${values.length} out of the last ${values.length} datapoints [${points}] was ` +
    `${above ? 'greater' : 'less'} than the threshold (${threshold.toFixed(1)}) (minimum ${values.length} datapoint for OK -> ALARM transition).`;
  const reasonData = JSON.stringify({
    version: '1.0',
    queryDate: at.toISOString().replace('Z', '+0000'),
    startDate: new Date(at.getTime() - values.length * 60_000).toISOString().replace('Z', '+0000'),
    statistic: 'Average',
    period: 60,
    recentDatapoints: [...values].reverse(),
    threshold,
  });
  return { reason, reasonData };
}

/**
 * Puts an alarm in ALARM as CloudWatch would after `values` breached it (newest first), and returns the
 * Lambda event of its SNS notification: what the orchestrator receives in AWS when the alarm fires.
 */
export async function fireAlarm(
  aws: AwsClients,
  name: string,
  values: number[],
  topicArn: string,
): Promise<Record<string, unknown>> {
  const cw = await aws.cloudWatch();
  const before = await call('DescribeAlarms', () =>
    cw.client.send(new cw.sdk.DescribeAlarmsCommand({ AlarmNames: [name] })),
  );
  const current = before.MetricAlarms?.[0];
  if (!current) throw new Error(`alarm ${name} does not exist`);
  const above = current.ComparisonOperator?.startsWith('Greater') ?? true;
  const { reason, reasonData } = breachReason(values, current.Threshold ?? 0, above);
  await call('SetAlarmState', () =>
    cw.client.send(
      new cw.sdk.SetAlarmStateCommand({
        AlarmName: name,
        StateValue: 'ALARM',
        StateReason: reason,
        StateReasonData: reasonData,
      }),
    ),
  );
  const after = await call('DescribeAlarms', () =>
    cw.client.send(new cw.sdk.DescribeAlarmsCommand({ AlarmNames: [name] })),
  );
  const alarm = after.MetricAlarms![0]!;
  return snsEvent(
    topicArn,
    alarmSnsMessage(alarm, aws.region),
    `ALARM: "${name}" in ${regionDisplayName(aws.region) ?? aws.region}`,
  );
}
