/**
 * The SNS and CloudWatch part of the cleanup tests' seeded account: orphan topics, subscriptions and
 * alarms, and their look-alikes in use, protected or excluded (see cleanup-seed.ts).
 */
import type { SNSClient } from '@aws-sdk/client-sns';
import type { AwsClients } from '../../lib/aws/clients';
import { otherAccountCredentials } from '../../lib/local/accounts';
import type { CleanupCategory } from '../../lib/model/cleanup';
import { TAGS } from '../../lib/model/tags';

export const tags = (t: Record<string, string>) => Object.entries(t).map(([Key, Value]) => ({ Key, Value }));

export const PROTECT = { [TAGS.protect]: 'true' };

export const PROD = { Environment: 'prod' };

export const OTHER_ACCOUNT = '210987654321';

/** An SNS client of another account (see lib/local/accounts.ts). */
export async function otherAccountSns(aws: AwsClients, endpoint: string): Promise<SNSClient> {
  const { sdk } = await aws.sns();
  const credentials = await otherAccountCredentials(endpoint, OTHER_ACCOUNT);
  return new sdk.SNSClient({ region: aws.region, endpoint, credentials });
}

export interface Recorder {
  orphan(category: CleanupCategory, id: string): void;
  keep(category: CleanupCategory, id: string, why: string): void;
  protect(category: CleanupCategory, id: string): void;
}

export interface AlarmOptions {
  t?: Record<string, string>;
  description?: string;
  actions?: string[];
}

/** Seeds the topics, subscriptions and alarms; `gone` is a terminated instance, `running` a live one. */
export async function seedTopicsAndAlarms(
  aws: AwsClients,
  endpoint: string,
  { orphan, keep, protect }: Recorder,
  { running, gone }: { running: string; gone: string },
) {
  const { client: cw, sdk: c } = await aws.cloudWatch();
  const { client: sns, sdk: s } = await aws.sns();
  // Topics and subscriptions
  const topic = async (Name: string, t?: Record<string, string>) =>
    (await sns.send(new s.CreateTopicCommand({ Name, ...(t ? { Tags: tags(t) } : {}) }))).TopicArn!;
  orphan('topic', await topic('orphan-topic'));
  const used = await topic('used-topic');
  const usedSub = (
    await sns.send(new s.SubscribeCommand({ TopicArn: used, Protocol: 'email', Endpoint: 'ops@example.com' }))
  ).SubscriptionArn!;
  keep('topic', used, 'subscribed');
  keep('subscription', usedSub, 'its topic exists');
  const alarmed = await topic('alarmed-topic');
  keep('topic', alarmed, 'named by an alarm');
  protect('topic', await topic('prot-topic', PROTECT));
  keep('topic', await topic('keep-topic'), 'excluded by name');
  const other = await otherAccountSns(aws, endpoint);
  const foreignSubscription = async (Name: string) => {
    const arn = (await other.send(new s.CreateTopicCommand({ Name }))).TopicArn!;
    const sub = (
      await sns.send(
        new s.SubscribeCommand({ TopicArn: arn, Protocol: 'email', Endpoint: 'ops@example.com' }),
      )
    ).SubscriptionArn!;
    // The topic's owner deletes it; this account's subscription to it outlives it.
    await other.send(new s.DeleteTopicCommand({ TopicArn: arn }));
    return sub;
  };
  orphan('subscription', await foreignSubscription('partner-events'));
  const excludedSubscription = await foreignSubscription('partner-audit');
  keep('subscription', excludedSubscription, 'excluded by id');

  // Alarms
  const alarm = async (AlarmName: string, dims: Record<string, string>, extra: AlarmOptions = {}) =>
    cw.send(
      new c.PutMetricAlarmCommand({
        AlarmName,
        Namespace: 'AWS/EC2',
        MetricName: 'CPUUtilization',
        Statistic: 'Average',
        Period: 60,
        EvaluationPeriods: 5,
        Threshold: 70,
        ComparisonOperator: 'GreaterThanThreshold',
        Dimensions: Object.entries(dims).map(([Name, Value]) => ({ Name, Value })),
        ...(extra.description ? { AlarmDescription: extra.description } : {}),
        ...(extra.actions ? { AlarmActions: extra.actions } : {}),
        ...(extra.t ? { Tags: tags(extra.t) } : {}),
      }),
    );
  await alarm('cpu-gone', { InstanceId: gone });
  orphan('alarm', 'cpu-gone');
  await alarm('cpu-silent', { InstanceId: running });
  await cw.send(
    new c.SetAlarmStateCommand({
      AlarmName: 'cpu-silent',
      StateValue: 'INSUFFICIENT_DATA',
      StateReason: 'no data',
    }),
  );
  orphan('alarm', 'cpu-silent');
  await alarm(
    'autopilot-api-high',
    { AutoScalingGroupName: 'web-asg' },
    {
      description:
        'Managed by ec2-autopilot: scale api (api-asg) out when CPUUtilization Average is above 70 for 5 min.',
      t: { [TAGS.managed]: 'true', [TAGS.target]: 'api' },
    },
  );
  orphan('alarm', 'autopilot-api-high');
  await alarm('cpu-web-1', { InstanceId: running }, { actions: [alarmed] });
  keep('alarm', 'cpu-web-1', 'its instance runs');
  // The policy's own alarm: reconcile's, even with no data.
  await alarm('autopilot-web-high', { AutoScalingGroupName: 'web-asg' });
  await cw.send(
    new c.SetAlarmStateCommand({
      AlarmName: 'autopilot-web-high',
      StateValue: 'INSUFFICIENT_DATA',
      StateReason: 'x',
    }),
  );
  keep('alarm', 'autopilot-web-high', "the policy's");
  await alarm('cpu-protected', { InstanceId: gone }, { t: PROTECT });
  protect('alarm', 'cpu-protected');
  await alarm('cpu-prod', { InstanceId: gone }, { t: PROD });
  keep('alarm', 'cpu-prod', 'excluded by tag');

  return { excludedSubscription, alarm };
}
