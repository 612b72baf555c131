/**
 * Where the orchestrator's own resources are: the state table, the alarm topic (alarms → orchestrator)
 * and the notifications topic (orchestrator → people). A deployed function gets them from environment
 * variables set by serverless.yml; the CLI derives them from the stage's names (`ec2-autopilot-<stage>-…`,
 * the same names serverless.yml uses) and, in commands that change things, creates what is missing so
 * that it also works in an account where nothing was deployed.
 */
import { call, isAwsCode, viaCall } from './call';
import type { AwsClients } from './clients';

export interface Deployment {
  stage: string;
  stateTable: string;
  alarmTopicArn: string;
  notifyTopicArn: string;
}

export const SERVICE = 'ec2-autopilot';

export const resourceNames = (stage: string) => ({
  stateTable: `${SERVICE}-${stage}-state`,
  alarmTopic: `${SERVICE}-${stage}-alarms`,
  notifyTopic: `${SERVICE}-${stage}-notifications`,
});

export const stageOf = (flag: string | undefined, env: NodeJS.ProcessEnv = process.env) =>
  flag ?? env.AUTOPILOT_STAGE ?? 'dev';

/** The deployment as a Lambda sees it; undefined if the variables are not all set (e.g. in the CLI). */
export function deploymentFromEnv(env: NodeJS.ProcessEnv = process.env): Deployment | undefined {
  const { AUTOPILOT_STATE_TABLE, AUTOPILOT_ALARM_TOPIC_ARN, AUTOPILOT_NOTIFY_TOPIC_ARN } = env;
  if (!AUTOPILOT_STATE_TABLE || !AUTOPILOT_ALARM_TOPIC_ARN || !AUTOPILOT_NOTIFY_TOPIC_ARN) return undefined;
  return {
    stage: env.AUTOPILOT_STAGE ?? 'dev',
    stateTable: AUTOPILOT_STATE_TABLE,
    alarmTopicArn: AUTOPILOT_ALARM_TOPIC_ARN,
    notifyTopicArn: AUTOPILOT_NOTIFY_TOPIC_ARN,
  };
}

/** The state table's name without any AWS call: what a read-only command (`plan`) needs. */
export const stateTableName = (stage: string, env: NodeJS.ProcessEnv = process.env): string =>
  env.AUTOPILOT_STATE_TABLE ?? resourceNames(stage).stateTable;

/**
 * The stage's resources, creating the missing ones (CreateTopic is idempotent; the table is created on
 * demand). Used by commands that change things; a deployed function gets everything from its environment.
 */
export async function ensureDeployment(aws: AwsClients, stage: string): Promise<Deployment> {
  const fromEnv = deploymentFromEnv();
  if (fromEnv) return fromEnv;
  const names = resourceNames(stage);
  const { client, sdk } = await aws.sns();
  const topic = async (Name: string) =>
    (await call('CreateTopic', () => client.send(new sdk.CreateTopicCommand({ Name })))).TopicArn!;
  await ensureStateTable(aws, names.stateTable);
  return {
    stage,
    stateTable: names.stateTable,
    alarmTopicArn: await topic(names.alarmTopic),
    notifyTopicArn: await topic(names.notifyTopic),
  };
}

/** The same table as `resources/state-table.yml`: on-demand billing, `pk` key, TTL on `expiresAt`. */
export async function ensureStateTable(aws: AwsClients, table: string): Promise<void> {
  const { client, sdk } = await aws.dynamoDb();
  try {
    await call('DescribeTable', () => client.send(new sdk.DescribeTableCommand({ TableName: table })));
    return;
  } catch (error) {
    if (!isAwsCode(error, 'ResourceNotFoundException')) throw error;
  }
  await call('CreateTable', () =>
    client.send(
      new sdk.CreateTableCommand({
        TableName: table,
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
        KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
      }),
    ),
  );
  await sdk.waitUntilTableExists({ client, maxWaitTime: 60 }, { TableName: table });
  await call('UpdateTimeToLive', () =>
    client.send(
      new sdk.UpdateTimeToLiveCommand({
        TableName: table,
        TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
      }),
    ),
  );
}

/** Subscribes each address to the notifications topic unless already subscribed (AWS e-mails a confirmation). */
export async function ensureEmailSubscriptions(
  aws: AwsClients,
  topicArn: string,
  emails: readonly string[],
): Promise<string[]> {
  if (emails.length === 0) return [];
  const { client, sdk } = await aws.sns();
  const existing = new Set<string>();
  const pages = sdk.paginateListSubscriptionsByTopic(
    { client: viaCall(client, 'ListSubscriptionsByTopic') },
    { TopicArn: topicArn },
  );
  for await (const out of pages)
    for (const s of out.Subscriptions ?? [])
      if (s.Protocol === 'email' && s.Endpoint) existing.add(s.Endpoint.toLowerCase());
  const added: string[] = [];
  for (const email of emails) {
    if (existing.has(email.toLowerCase())) continue;
    await call('Subscribe', () =>
      client.send(new sdk.SubscribeCommand({ TopicArn: topicArn, Protocol: 'email', Endpoint: email })),
    );
    added.push(email);
  }
  return added;
}
