/**
 * No lost events (issue 11): an on-event invocation that fails for good leaves its event in the stage's
 * failed-events queue, and `autopilot redrive` feeds it back through the same use case, once.
 *
 * The scene: the seed policy deployed as stage `test`, web-asg at 1, its high alarm delivered to the
 * real on-event handler while Auto Scaling drops every SetDesiredCapacity (a fault proxy in front of
 * moto). The handler fails retryably on each of Lambda's three attempts; Lambda would then send the
 * invocation record to the on-failure destination, which the test does, as Lambda words it. Then, through
 * the real `autopilot` process: a dry run plans and deletes nothing; a redrive while the fault lasts
 * fails again and leaves the message; once Auto Scaling answers, a redrive scales 1 → 3 with one e-mail
 * and empties the queue; a second redrive does nothing; a duplicate record of the same event is
 * recognised as handled and deleted without acting; a message redrive cannot handle stays.
 */
import type { Context } from 'aws-lambda';
import { handler } from '../../functions/on-event';
import type { AwsClients } from '../../lib/aws/clients';
import { call } from '../../lib/aws/call';
import { resourceNames } from '../../lib/aws/deployment';
import { StateStore } from '../../lib/aws/state-store';
import { parseEvent } from '../../lib/events/parse-event';
import { resetLambdaRuntime } from '../../lib/lambda/runtime';
import { fireAlarm } from '../../lib/local/alarm-event';
import { createGroup, desiredCapacity } from '../../lib/local/fleet';
import { sentMessages } from '../../lib/local/moto';
import { eventKey } from '../../lib/plan/route';
import { SEED_POLICY } from '../support/builders';
import { autopilot, autopilotAsync } from '../support/cli';
import { startFaultProxy, type FaultProxy } from '../support/fault-proxy';
import { deploy, lambdaContext, type Deployed } from '../support/fleet';
import { REGION, useMoto } from '../support/moto';

const STAGE = 'test';
const FUNCTION_ARN = `arn:aws:lambda:${REGION}:123456789012:function:ec2-autopilot-${STAGE}-onEvent:$LATEST`;

let endpoint: string;
let proxy: FaultProxy;
let env: Deployed;
let aws: AwsClients;
let queueUrl: string;
let event: Record<string, unknown>;
let record: string;

const invoke = (e: unknown) => handler(e, lambdaContext as Context as Parameters<typeof handler>[1]);
const args = (...more: string[]) => ['redrive', '--stage', STAGE, '--config', env.policyFile, ...more];
const redrive = (...more: string[]) => autopilot(args(...more), { endpoint });

/** The record Lambda sends to an on-failure destination when an event's attempts are spent. */
const invocationRecord = (payload: unknown, error: Error, requestId: string) =>
  JSON.stringify({
    version: '1.0',
    timestamp: new Date().toISOString(),
    requestContext: {
      requestId,
      functionArn: FUNCTION_ARN,
      condition: 'RetriesExhausted',
      approximateInvokeCount: 3,
    },
    requestPayload: payload,
    responseContext: { statusCode: 200, executedVersion: '$LATEST', functionError: 'Unhandled' },
    responsePayload: { errorType: error.name, errorMessage: error.message, trace: [] },
  });

async function send(body: string): Promise<void> {
  const { client, sdk } = await aws.sqs();
  await call('SendMessage', () =>
    client.send(new sdk.SendMessageCommand({ QueueUrl: queueUrl, MessageBody: body })),
  );
}

/** Messages in the queue, visible or not (one being handled counts). */
async function depth(): Promise<number> {
  const { client, sdk } = await aws.sqs();
  const out = await call('GetQueueAttributes', () =>
    client.send(
      new sdk.GetQueueAttributesCommand({
        QueueUrl: queueUrl,
        AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
      }),
    ),
  );
  return (
    Number(out.Attributes?.ApproximateNumberOfMessages ?? 0) +
    Number(out.Attributes?.ApproximateNumberOfMessagesNotVisible ?? 0)
  );
}

const subjects = async () =>
  (await sentMessages(endpoint, env.deployment.notifyTopicArn)).map((m) => m.subject ?? '');

beforeAll(async () => {
  endpoint = await useMoto();
  env = await deploy(SEED_POLICY, STAGE);
  aws = env.aws;
  await createGroup(aws, { name: 'web-asg', min: 1, max: 5, desired: 1 });
  // The on-failure destination serverless.yml deploys with the stage.
  const { client, sdk } = await aws.sqs();
  queueUrl = (
    await call('CreateQueue', () =>
      client.send(
        new sdk.CreateQueueCommand({
          QueueName: resourceNames(STAGE).failedEventsQueue,
          Attributes: { MessageRetentionPeriod: String(14 * 24 * 3600) },
        }),
      ),
    )
  ).QueueUrl!;
  event = await fireAlarm(aws, 'autopilot-web-high', [85, 88, 90, 79, 81], env.deployment.alarmTopicArn);
  proxy = await startFaultProxy(endpoint, [{ operation: 'SetDesiredCapacity', mode: 'drop', times: 1e9 }]);
}, 60_000);

afterAll(async () => {
  process.env.AWS_ENDPOINT_URL = endpoint;
  resetLambdaRuntime();
  await proxy.close();
});

it('an invocation that fails for good leaves its event in the queue, unapplied and unclaimed', async () => {
  process.env.AWS_ENDPOINT_URL = proxy.endpoint;
  resetLambdaRuntime();
  const errors: Error[] = [];
  try {
    // Lambda's three attempts of an asynchronous invocation.
    for (let attempt = 0; attempt < 3; attempt += 1)
      errors.push(
        await invoke(event).then(
          () => new Error('succeeded'),
          (e: Error) => e,
        ),
      );
  } finally {
    process.env.AWS_ENDPOINT_URL = endpoint;
    resetLambdaRuntime();
  }
  for (const error of errors) expect(error).toMatchObject({ name: 'RetryableFailureError', retryable: true });
  expect(proxy.count('SetDesiredCapacity')).toBeGreaterThanOrEqual(3);
  expect(await desiredCapacity(aws, 'web-asg')).toBe(1);
  // Each failed attempt gave the event's claim back, so that a retry (or a redrive) can act on it.
  const key = eventKey(parseEvent(event)[0]!)!;
  expect(await new StateStore(aws, env.deployment.stateTable).readEvent(key)).toBeUndefined();
  record = invocationRecord(event, errors[2]!, 'failed-request');
  await send(record);
  expect(await depth()).toBe(1);
}, 90_000);

it('--dry-run plans the event and deletes nothing', async () => {
  const before = await subjects();
  const run = redrive('--dry-run', '--format', 'json');
  expect(run.code).toBe(0);
  const doc = run.json();
  expect(doc).toMatchObject({
    queue: resourceNames(STAGE).failedEventsQueue,
    stage: STAGE,
    dryRun: true,
    totals: { received: 1, redriven: 0, failed: 0 },
  });
  expect(doc.messages).toEqual([
    expect.objectContaining({
      status: 'would-redrive',
      function: `ec2-autopilot-${STAGE}-onEvent`,
      kind: 'onEvent',
      condition: 'RetriesExhausted',
      approximateInvokeCount: 3,
      originalError: expect.stringMatching(/^RetryableFailureError: /),
      result: {
        actions: [{ type: 'set-desired-capacity', target: 'web', status: 'would' }],
        ignored: [],
        notifications: [],
      },
    }),
  ]);
  expect(await desiredCapacity(aws, 'web-asg')).toBe(1);
  expect(await subjects()).toEqual(before);
  // Read, and made visible again at once: still there for the real redrive.
  expect(await depth()).toBe(1);
});

it('a redrive while Auto Scaling still fails leaves the message in the queue and says why (exit 1)', async () => {
  const run = await autopilotAsync(args('--format', 'json'), { endpoint: proxy.endpoint });
  expect(run.code).toBe(1);
  const [message] = run.json().messages;
  expect(message).toMatchObject({ status: 'failed', detail: expect.stringContaining('SetDesiredCapacity') });
  expect(run.stderr).toContain(
    `autopilot: message ${message.messageId} (ec2-autopilot-${STAGE}-onEvent) not redriven:`,
  );
  expect(await desiredCapacity(aws, 'web-asg')).toBe(1);
  expect(await depth()).toBe(1);
}, 90_000);

it('once Auto Scaling answers, a redrive applies it once, e-mails once, and empties the queue', async () => {
  proxy.rules.splice(0);
  const before = (await subjects()).length;
  const run = redrive('--format', 'json');
  expect(run.stderr).toBe('');
  expect(run.code).toBe(0);
  expect(run.json().totals).toEqual({ received: 1, redriven: 1, failed: 0, actionsFailed: 0 });
  expect(run.json().messages[0]).toMatchObject({
    status: 'redriven',
    deleted: true,
    result: {
      actions: [{ type: 'set-desired-capacity', target: 'web', status: 'applied' }],
      notifications: ['[ec2-autopilot] web: scaled web-asg out 1 → 3'],
    },
  });
  expect(await desiredCapacity(aws, 'web-asg')).toBe(3);
  expect((await subjects()).slice(before)).toEqual(['[ec2-autopilot] web: scaled web-asg out 1 → 3']);
  expect(await depth()).toBe(0);
});

it('a second redrive has nothing to do', async () => {
  const before = (await subjects()).length;
  const run = redrive();
  expect(run.code).toBe(0);
  expect(run.stdout).toBe(
    `Redrive of ${resourceNames(STAGE).failedEventsQueue}: 0 messages, nothing to do\n`,
  );
  expect(await desiredCapacity(aws, 'web-asg')).toBe(3);
  expect(await subjects()).toHaveLength(before);
});

it('a second record of the same event is recognised as handled, does nothing, and is deleted', async () => {
  await send(record);
  const before = (await subjects()).length;
  const run = redrive();
  expect(run.code).toBe(0);
  expect(run.stdout).toContain('redriven');
  expect(run.stdout).toMatch(/ignored: this event was already handled at .*duplicate delivery ignored/);
  expect(await desiredCapacity(aws, 'web-asg')).toBe(3);
  expect(await subjects()).toHaveLength(before);
  expect(await depth()).toBe(0);
});

it('a message it cannot handle stays in the queue, reported (exit 1)', async () => {
  await send('{"not": "an invocation record"}');
  const task = JSON.parse(record) as { requestContext: { functionArn: string } };
  task.requestContext.functionArn = FUNCTION_ARN.replace('-onEvent', '-resizeTask');
  await send(JSON.stringify(task));
  const run = redrive('--format', 'json');
  expect(run.code).toBe(1);
  const details = (run.json().messages as { status: string; detail: string }[]).map((m) => [
    m.status,
    m.detail,
  ]);
  expect(details).toEqual(
    expect.arrayContaining([
      ['failed', 'not a Lambda invocation record: requestContext: required'],
      [
        'failed',
        expect.stringContaining(
          `ec2-autopilot-${STAGE}-resizeTask is not one of stage ${STAGE}'s asynchronously invoked functions`,
        ),
      ],
    ]),
  );
  expect(await depth()).toBe(2);
  expect(await desiredCapacity(aws, 'web-asg')).toBe(3);
});

it('a stage without the queue is not deployed: exit 2, naming the queue and the deploy command', () => {
  const run = autopilot(['redrive', '--stage', 'nowhere', '--config', env.policyFile], { endpoint });
  expect(run.code).toBe(2);
  expect(run.stderr.trim()).toBe(
    `autopilot: --stage: stage nowhere is not deployed in ${REGION}: there is no SQS queue ec2-autopilot-nowhere-failed-events (deploy it: npx serverless deploy --stage nowhere)`,
  );
});
