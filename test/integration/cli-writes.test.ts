/**
 * A CLI that changes only what it says it will (issue 11), through the real `autopilot` process against
 * moto. On a fresh account (nothing deployed): `validate`, `prices`, `plan --event` and `cleanup --mode
 * report` leave the account exactly as it was — its tables, topics, subscriptions, published messages,
 * alarms and queues listed before and after — and every request they send is a read (a proxy in front
 * of moto sees each one); `--notify` fails naming the topic and the deploy command. Then `apply` creates
 * the stage's table and topics and names each of them on stderr; once they exist nothing is created and
 * nothing said, and `--notify` e-mails each read-only command's result to the notifications topic.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AwsClients } from '../../lib/aws/clients';
import { call } from '../../lib/aws/call';
import { resourceNames } from '../../lib/aws/deployment';
import { fireAlarm } from '../../lib/local/alarm-event';
import { createGroup, desiredCapacity } from '../../lib/local/fleet';
import { sentMessages } from '../../lib/local/moto';
import { SEED_POLICY } from '../support/builders';
import { autopilot, autopilotAsync } from '../support/cli';
import { startFaultProxy, type FaultProxy } from '../support/fault-proxy';
import { REGION, useMoto } from '../support/moto';

const dir = mkdtempSync(join(tmpdir(), 'autopilot-cli-writes-'));
const config = join(dir, 'autopilot.yml');
const names = resourceNames('dev');
const ACCOUNT = '123456789012';
const alarmTopic = `arn:aws:sns:${REGION}:${ACCOUNT}:${names.alarmTopic}`;
const notifyTopic = `arn:aws:sns:${REGION}:${ACCOUNT}:${names.notifyTopic}`;

/** Every request a read: Describe…, List…, Get… (GetItem, GetQueueUrl, GetMetricData…). */
const READ = /^(Describe|List|Get|BatchGet)/;

let endpoint: string;
let aws: AwsClients;
let proxy: FaultProxy;
let eventFile: string;

/** What a command could have written, listed. */
async function account() {
  const ddb = await aws.dynamoDb();
  const sns = await aws.sns();
  const cw = await aws.cloudWatch();
  const sqs = await aws.sqs();
  const tables = await call('ListTables', () => ddb.client.send(new ddb.sdk.ListTablesCommand({})));
  const topics = await call('ListTopics', () => sns.client.send(new sns.sdk.ListTopicsCommand({})));
  const subscriptions = await call('ListSubscriptions', () =>
    sns.client.send(new sns.sdk.ListSubscriptionsCommand({})),
  );
  const alarms = await call('DescribeAlarms', () => cw.client.send(new cw.sdk.DescribeAlarmsCommand({})));
  const queues = await call('ListQueues', () => sqs.client.send(new sqs.sdk.ListQueuesCommand({})));
  return {
    tables: tables.TableNames ?? [],
    topics: (topics.Topics ?? []).map((t) => t.TopicArn),
    subscriptions: (subscriptions.Subscriptions ?? []).map((s) => s.SubscriptionArn),
    messages: (await sentMessages(endpoint)).map((m) => m.messageId),
    alarms: (alarms.MetricAlarms ?? []).map((a) => [a.AlarmName, a.StateValue]),
    queues: queues.QueueUrls ?? [],
    desired: await desiredCapacity(aws, 'web-asg'),
  };
}

/** The command through the proxy, which records every request it makes. */
async function traced(args: string[]) {
  proxy.log.length = 0;
  const run = await autopilotAsync([...args, '--config', config], { endpoint: proxy.endpoint });
  return { ...run, operations: proxy.log.map((l) => l.operation) };
}

beforeAll(async () => {
  endpoint = await useMoto();
  aws = new AwsClients({ region: REGION });
  writeFileSync(config, SEED_POLICY);
  await createGroup(aws, { name: 'web-asg', min: 1, max: 5, desired: 1 });
  // The high alarm, made by hand (reconcile would create the stage's topics), and its notification as
  // the deployed alarm topic would deliver it.
  const cw = await aws.cloudWatch();
  await call('PutMetricAlarm', () =>
    cw.client.send(
      new cw.sdk.PutMetricAlarmCommand({
        AlarmName: 'autopilot-web-high',
        Namespace: 'AWS/EC2',
        MetricName: 'CPUUtilization',
        Dimensions: [{ Name: 'AutoScalingGroupName', Value: 'web-asg' }],
        Statistic: 'Average',
        Period: 60,
        EvaluationPeriods: 5,
        Threshold: 70,
        ComparisonOperator: 'GreaterThanThreshold',
        AlarmActions: [alarmTopic],
      }),
    ),
  );
  const event = await fireAlarm(aws, 'autopilot-web-high', [85, 86, 90, 88, 87], alarmTopic);
  eventFile = join(dir, 'event.json');
  writeFileSync(eventFile, JSON.stringify(event));
  proxy = await startFaultProxy(endpoint);
}, 60_000);

afterAll(() => proxy.close());

describe('on a fresh account, the read-only commands', () => {
  let before: Awaited<ReturnType<typeof account>>;
  beforeAll(async () => {
    before = await account();
    expect(before.tables).toEqual([]);
    expect(before.topics).toEqual([]);
  });

  it('validate makes no AWS call at all', async () => {
    const run = await traced(['validate']);
    expect(run.code).toBe(0);
    expect(run.stderr).toBe('');
    expect(run.stdout).toContain('web: Auto Scaling group web-asg');
    expect(run.operations).toEqual([]);
  });

  it('prices makes no AWS call at all', async () => {
    const run = await traced(['prices', 't2.micro']);
    expect(run.code).toBe(0);
    expect(run.stderr).toBe('');
    expect(run.operations).toEqual([]);
  });

  it('plan --event plans 1 → 3 with reads only, and creates no table', async () => {
    const run = await traced(['plan', '--event', eventFile, '--format', 'json']);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.json().actions).toMatchObject([{ type: 'set-desired-capacity', from: 1, to: 3 }]);
    expect(run.json().notification).toBeUndefined();
    // It looked for the state table (duplicate detection) and the alarm topic, and created neither.
    expect(run.operations).toEqual(expect.arrayContaining(['DescribeTable', 'ListTopics']));
    expect(run.operations.filter((op) => !READ.test(op))).toEqual([]);
  });

  it('cleanup --mode report reports with reads only, and e-mails nothing', async () => {
    const run = await traced(['cleanup', '--mode', 'report', '--format', 'json']);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.json()).toMatchObject({ mode: 'report', regions: [REGION] });
    expect(run.json().notification).toBeUndefined();
    expect(run.operations.length).toBeGreaterThan(0);
    expect(run.operations.filter((op) => !READ.test(op))).toEqual([]);
  });

  it('cleanup in the policy’s mode (report by default) is the same', async () => {
    const run = await traced(['cleanup']);
    expect(run.code).toBe(0);
    expect(run.stdout).not.toContain('E-mailed');
    expect(run.operations.filter((op) => !READ.test(op))).toEqual([]);
  });

  it.each([
    [['validate', '--notify']],
    [['prices', '--notify']],
    [['plan', '--event', 'EVENT', '--notify']],
    [['cleanup', '--notify']],
  ])('%j fails with exit 2, naming the topic and the deploy command', async (args) => {
    const run = await traced(args.map((a) => (a === 'EVENT' ? eventFile : a)));
    expect(run.code).toBe(2);
    expect(run.stderr.trim()).toBe(
      `autopilot: --notify: stage dev is not deployed in ${REGION}: there is no SNS topic ${names.notifyTopic} to e-mail to (deploy it first: npx serverless deploy --stage dev)`,
    );
    expect(run.operations.filter((op) => !READ.test(op))).toEqual([]);
  });

  // Last of them: after all the commands above (Jest runs a file's tests in order).
  it('leave the account exactly as it was: tables, topics, subscriptions, messages, alarms, queues, capacity', async () => {
    expect(await account()).toEqual(before);
  });
});

describe('a command that changes the fleet', () => {
  const cli = (...args: string[]) => autopilot([...args, '--config', config], { endpoint });

  it('apply on a fresh account creates the table and topics it needs, and names each on stderr', async () => {
    const run = cli('apply', '--event', eventFile, '--format', 'json');
    expect(run.code).toBe(0);
    expect(run.json().outcomes).toMatchObject([{ status: 'applied' }]);
    expect(await desiredCapacity(aws, 'web-asg')).toBe(3);
    expect(run.stderr.trim().split('\n')).toEqual([
      `autopilot: stage dev is not deployed in ${REGION}; this command created what it needs:`,
      `autopilot:   DynamoDB table ${names.stateTable}`,
      `autopilot:   SNS topic ${names.alarmTopic} (${alarmTopic})`,
      `autopilot:   SNS topic ${names.notifyTopic} (${notifyTopic})`,
      'autopilot: they are the resources `npx serverless deploy --stage dev` creates and owns; delete them before deploying that stage (CloudFormation does not take over a table that exists)',
    ]);
    const now = await account();
    expect(now.tables).toEqual([names.stateTable]);
    expect(now.topics.sort()).toEqual([alarmTopic, notifyTopic]);
  });

  it('once they exist, creates nothing and says nothing', async () => {
    const run = cli('apply', '--event', eventFile);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('duplicate delivery ignored');
    expect(run.stderr).toBe('');
  });
});

describe('--notify, on the deployed stage', () => {
  let before: Awaited<ReturnType<typeof account>>;
  beforeAll(async () => {
    before = await account();
  });

  /** The e-mails the command published, and nothing else changed. */
  async function mailed(): Promise<string[]> {
    const now = await account();
    expect({ ...now, messages: [] }).toEqual({ ...before, messages: [] });
    const mails = (await sentMessages(endpoint, notifyTopic)).filter(
      (m) => !before.messages.includes(m.messageId),
    );
    before = now;
    return mails.map((m) => m.subject ?? '');
  }

  it('validate --notify e-mails the verdict', async () => {
    const run = await traced(['validate', '--notify']);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('E-mailed: [ec2-autopilot] validate: Policy is valid: 1 target(s).');
    expect(run.operations.filter((op) => !READ.test(op))).toEqual(['Publish']);
    expect(await mailed()).toEqual(['[ec2-autopilot] validate: Policy is valid: 1 target(s).']);
  });

  it('prices --notify e-mails the table', async () => {
    const run = await traced(['prices', 't2.micro', 't2.small', '--notify', '--format', 'json']);
    expect(run.code).toBe(0);
    expect(run.json().notification.subject).toMatch(/^\[ec2-autopilot\] prices: 2 instance types, table of /);
    expect(await mailed()).toEqual([run.json().notification.subject]);
  });

  it('plan --notify e-mails what it would do', async () => {
    // A new state change of the alarm: the first one was applied.
    const event = join(dir, 'event-2.json');
    writeFileSync(event, JSON.stringify(await fireAlarm(aws, 'autopilot-web-high', [95], alarmTopic)));
    const run = await traced(['plan', '--event', event, '--notify', '--format', 'json']);
    expect(run.code).toBe(0);
    expect(run.operations.filter((op) => !READ.test(op))).toEqual(['Publish']);
    const subjects = await mailed();
    expect(subjects).toEqual([run.json().notification.subject]);
    expect(subjects[0]).toMatch(/^\[ec2-autopilot\] /);
  });

  it('cleanup --mode report --notify e-mails the report, even with nothing found', async () => {
    const run = await traced(['cleanup', '--notify', '--format', 'json']);
    expect(run.code).toBe(0);
    expect(run.operations.filter((op) => !READ.test(op))).toEqual(['Publish']);
    expect(await mailed()).toEqual([run.json().notification.subject]);
  });

  it('is refused by a command that e-mails anyway', () => {
    const run = autopilot(['apply', '--event', eventFile, '--notify', '--config', config], { endpoint });
    expect(run.code).toBe(2);
    expect(run.stderr.trim()).toBe(
      'autopilot: --notify: only validate, plan, prices, cleanup take it: apply e-mails what it does anyway',
    );
  });
});
