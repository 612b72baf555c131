/**
 * Where the orchestrator's own resources are: the state table, the alarm topic (alarms → orchestrator),
 * the notifications topic (orchestrator → people) and the failed-events queue (Lambda's on-failure
 * destination). A deployed function gets them from environment variables set by serverless.yml; the CLI
 * derives them from the stage's names (`ec2-autopilot-<stage>-…`, the names serverless.yml gives them).
 *
 * Two ways to look, so that a command changes only what it says it will: `findDeployment` only reads
 * (DescribeTable, ListTopics) and is what the read-only commands use; `provisionDeployment` finds and
 * then creates what is missing, saying what it created, for the commands that change the fleet in an
 * account where the stage was never deployed.
 */
import { SERVICE } from '../model/stack';
import { call, isAwsCode, viaCall } from './call';
import type { AwsClients } from './clients';

export interface Deployment {
  stage: string;
  stateTable: string;
  alarmTopicArn: string;
  notifyTopicArn: string;
}

export const resourceNames = (stage: string) => ({
  stateTable: `${SERVICE}-${stage}-state`,
  alarmTopic: `${SERVICE}-${stage}-alarms`,
  notifyTopic: `${SERVICE}-${stage}-notifications`,
  failedEventsQueue: `${SERVICE}-${stage}-failed-events`,
});

/** The command that creates, and owns, a stage's resources. */
export const deployCommand = (stage: string) => `npx serverless deploy --stage ${stage}`;

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

/** The state table's name without any AWS call. */
export const stateTableName = (stage: string, env: NodeJS.ProcessEnv = process.env): string =>
  env.AUTOPILOT_STATE_TABLE ?? resourceNames(stage).stateTable;

/** What exists of a stage; a topic absent here does not exist (or is not visible to these credentials). */
export interface FoundDeployment {
  stage: string;
  /** The table's name, whether or not it exists. */
  stateTable: string;
  stateTableExists: boolean;
  alarmTopicArn?: string;
  notifyTopicArn?: string;
}

/** One resource a command created because the stage was not deployed. */
export interface CreatedResource {
  kind: 'DynamoDB table' | 'SNS topic';
  name: string;
  arn?: string;
}

/**
 * The stage's resources as they are, creating nothing: DescribeTable for the table and ListTopics for
 * the topics (a topic's ARN names the account, which only a listing tells without STS). The environment
 * of a deployed function, when set, is taken as it is.
 */
export async function findDeployment(
  aws: AwsClients,
  stage: string,
  env: NodeJS.ProcessEnv = process.env,
): Promise<FoundDeployment> {
  const fromEnv = deploymentFromEnv(env);
  if (fromEnv) return { ...fromEnv, stateTableExists: true };
  const names = resourceNames(stage);
  const stateTable = stateTableName(stage, env);
  const alarmTopicArn = env.AUTOPILOT_ALARM_TOPIC_ARN;
  const notifyTopicArn = env.AUTOPILOT_NOTIFY_TOPIC_ARN;
  const wanted = [
    ...(alarmTopicArn ? [] : [names.alarmTopic]),
    ...(notifyTopicArn ? [] : [names.notifyTopic]),
  ];
  const [stateTableExists, topics] = await Promise.all([
    tableExists(aws, stateTable),
    findTopics(aws, wanted),
  ]);
  const alarm = alarmTopicArn ?? topics.get(names.alarmTopic);
  const notify = notifyTopicArn ?? topics.get(names.notifyTopic);
  return {
    stage,
    stateTable,
    stateTableExists,
    ...(alarm ? { alarmTopicArn: alarm } : {}),
    ...(notify ? { notifyTopicArn: notify } : {}),
  };
}

async function tableExists(aws: AwsClients, table: string): Promise<boolean> {
  const { client, sdk } = await aws.dynamoDb();
  try {
    await call('DescribeTable', () => client.send(new sdk.DescribeTableCommand({ TableName: table })));
    return true;
  } catch (error) {
    if (isAwsCode(error, 'ResourceNotFoundException')) return false;
    throw error;
  }
}

/** The ARNs of the topics of these names in the client's region (name → ARN), by listing them. */
async function findTopics(aws: AwsClients, names: readonly string[]): Promise<Map<string, string>> {
  const found = new Map<string, string>();
  if (names.length === 0) return found;
  const { client, sdk } = await aws.sns();
  const pages = sdk.paginateListTopics({ client: viaCall(client, 'ListTopics') }, {});
  for await (const page of pages) {
    for (const { TopicArn } of page.Topics ?? []) {
      const name = TopicArn?.slice(TopicArn.lastIndexOf(':') + 1);
      if (TopicArn && name && names.includes(name)) found.set(name, TopicArn);
    }
    if (found.size === names.length) break;
  }
  return found;
}

/**
 * The stage's resources, creating the missing ones, and what was created. For the commands that change
 * the fleet: in an account where the stage was never deployed they still have a table for their claims
 * and topics to e-mail through. Nothing is created that exists (`found` first), so `created` is exact.
 */
export async function provisionDeployment(
  aws: AwsClients,
  stage: string,
  env: NodeJS.ProcessEnv = process.env,
): Promise<{ deployment: Deployment; created: CreatedResource[] }> {
  const found = await findDeployment(aws, stage, env);
  const names = resourceNames(stage);
  const created: CreatedResource[] = [];
  if (!found.stateTableExists && (await ensureStateTable(aws, found.stateTable)))
    created.push({ kind: 'DynamoDB table', name: found.stateTable });
  const topic = async (arn: string | undefined, name: string): Promise<string> => {
    if (arn) return arn;
    const { client, sdk } = await aws.sns();
    const made = (await call('CreateTopic', () => client.send(new sdk.CreateTopicCommand({ Name: name }))))
      .TopicArn!;
    created.push({ kind: 'SNS topic', name, arn: made });
    return made;
  };
  const alarmTopicArn = await topic(found.alarmTopicArn, names.alarmTopic);
  const notifyTopicArn = await topic(found.notifyTopicArn, names.notifyTopic);
  return {
    deployment: { stage, stateTable: found.stateTable, alarmTopicArn, notifyTopicArn },
    created,
  };
}

/** The stage's resources, creating the missing ones (tests, the sandbox, the bench). */
export async function ensureDeployment(aws: AwsClients, stage: string): Promise<Deployment> {
  return (await provisionDeployment(aws, stage)).deployment;
}

/**
 * The same table as `resources/state-table.yml`: on-demand billing, `pk` key, TTL on `expiresAt`.
 * True when this call created it; false when it existed (or another process created it meanwhile).
 */
export async function ensureStateTable(aws: AwsClients, table: string): Promise<boolean> {
  const { client, sdk } = await aws.dynamoDb();
  if (await tableExists(aws, table)) return false;
  try {
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
  } catch (error) {
    // Another command created it between our look and our create: theirs is the same table.
    if (!isAwsCode(error, 'ResourceInUseException')) throw error;
    await sdk.waitUntilTableExists({ client, maxWaitTime: 60 }, { TableName: table });
    return false;
  }
  await sdk.waitUntilTableExists({ client, maxWaitTime: 60 }, { TableName: table });
  await call('UpdateTimeToLive', () =>
    client.send(
      new sdk.UpdateTimeToLiveCommand({
        TableName: table,
        TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
      }),
    ),
  );
  return true;
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
