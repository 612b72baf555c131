/**
 * The stack's own alarms, kept by reconcile against moto like the policy's: the scheduled function
 * re-creates one that was deleted and restores one that was edited, and deletes none; the CLI does the
 * same for a stage that is deployed (its failed-events queue exists) and leaves them alone otherwise.
 */
import type { Context } from 'aws-lambda';
import { handler } from '../../functions/reconcile';
import { call } from '../../lib/aws/call';
import { resourceNames } from '../../lib/aws/deployment';
import { selfAlarmSpecs } from '../../lib/plan/self-alarms';
import { SEED_POLICY } from '../support/builders';
import { autopilot } from '../support/cli';
import { deploy, lambdaContext, type Deployed } from '../support/fleet';
import { useMoto } from '../support/moto';

const OWN = selfAlarmSpecs('test').map((s) => s.name);
let env: Deployed;
let endpoint: string;

const invoke = () => handler({}, lambdaContext as Context as Parameters<typeof handler>[1]);

async function ownAlarms() {
  const cw = await env.aws.cloudWatch();
  const out = await call('DescribeAlarms', () =>
    cw.client.send(new cw.sdk.DescribeAlarmsCommand({ AlarmNamePrefix: 'ec2-autopilot-test-' })),
  );
  return new Map((out.MetricAlarms ?? []).map((a) => [a.AlarmName!, a]));
}

const cli = () =>
  autopilot(['reconcile', '--stage', 'test', '--config', env.policyFile, '--format', 'json'], { endpoint });

beforeAll(async () => {
  endpoint = await useMoto();
  env = await deploy(SEED_POLICY);
});

describe('the CLI', () => {
  it('leaves them alone where the stage is not deployed (no failed-events queue)', async () => {
    const run = cli();
    expect(run.code).toBe(0);
    expect(run.json().alarms.actions).toEqual([]);
    expect((await ownAlarms()).size).toBe(0);
  });

  it('creates them once the stage is deployed', async () => {
    const sqs = await env.aws.sqs();
    await call('CreateQueue', () =>
      sqs.client.send(new sqs.sdk.CreateQueueCommand({ QueueName: resourceNames('test').failedEventsQueue })),
    );
    const run = cli();
    expect(run.code).toBe(0);
    expect(run.json().alarms.outcomes.map((o: { status: string }) => o.status)).toEqual(
      OWN.map(() => 'applied'),
    );
    expect([...(await ownAlarms()).keys()].sort()).toEqual([...OWN].sort());
  });
});

describe('the scheduled reconcile', () => {
  it('finds them as deployed and does nothing', async () => {
    const result = await invoke();
    expect(result.alarms).toEqual([]);
  });

  it('watches the queue, each function and each machine, telling the notifications topic alone', async () => {
    const alarms = await ownAlarms();
    expect(alarms.get('ec2-autopilot-test-failed-events-queued')).toMatchObject({
      Namespace: 'AWS/SQS',
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Dimensions: [{ Name: 'QueueName', Value: 'ec2-autopilot-test-failed-events' }],
      Threshold: 0,
      ComparisonOperator: 'GreaterThanThreshold',
      TreatMissingData: 'notBreaching',
      ActionsEnabled: true,
      AlarmActions: [env.deployment.notifyTopicArn],
    });
    expect(alarms.get('ec2-autopilot-test-onEvent-errors')!.Dimensions).toEqual([
      { Name: 'FunctionName', Value: 'ec2-autopilot-test-onEvent' },
    ]);
    expect(alarms.get('ec2-autopilot-test-failover-executions-failed')!.Dimensions).toEqual([
      {
        Name: 'StateMachineArn',
        Value: 'arn:aws:states:us-east-1:123456789012:stateMachine:ec2-autopilot-test-failover',
      },
    ]);
    // Not the policy's: no managed tag, so nothing ever takes one for an orphan of its own to delete.
    const cw = await env.aws.cloudWatch();
    const tags = await call('ListTagsForResource', () =>
      cw.client.send(
        new cw.sdk.ListTagsForResourceCommand({
          ResourceARN: alarms.get('ec2-autopilot-test-reconcile-errors')!.AlarmArn,
        }),
      ),
    );
    expect(tags.Tags ?? []).toEqual([]);
  });

  it('restores one that was disabled and re-thresholded, and re-creates one that was deleted', async () => {
    const cw = await env.aws.cloudWatch();
    const queue = (await ownAlarms()).get('ec2-autopilot-test-failed-events-queued')!;
    await call('PutMetricAlarm', () =>
      cw.client.send(
        new cw.sdk.PutMetricAlarmCommand({
          ...queue,
          AlarmName: queue.AlarmName!,
          Threshold: 50,
          ActionsEnabled: false,
          AlarmActions: [],
        } as never),
      ),
    );
    await call('DeleteAlarms', () =>
      cw.client.send(
        new cw.sdk.DeleteAlarmsCommand({ AlarmNames: ['ec2-autopilot-test-resize-executions-failed'] }),
      ),
    );

    const result = await invoke();
    expect(result.alarms).toEqual([
      {
        type: 'update-alarm',
        status: 'applied',
        reason: expect.stringMatching(
          /^the stack's own alarm ec2-autopilot-test-failed-events-queued was changed \(Threshold, AlarmActions, ActionsEnabled\)/,
        ),
      },
      {
        type: 'update-alarm',
        status: 'applied',
        reason: expect.stringMatching(
          /^the stack's own alarm ec2-autopilot-test-resize-executions-failed is missing/,
        ),
      },
    ]);
    const now = await ownAlarms();
    expect(now.get(queue.AlarmName!)).toMatchObject({
      Threshold: 0,
      ActionsEnabled: true,
      AlarmActions: [env.deployment.notifyTopicArn],
    });
    expect([...now.keys()].sort()).toEqual([...OWN].sort());
    expect(await invoke()).toMatchObject({ alarms: [] });
  });

  it('deletes none, not even one of the stack it does not know', async () => {
    const cw = await env.aws.cloudWatch();
    await call('PutMetricAlarm', () =>
      cw.client.send(
        new cw.sdk.PutMetricAlarmCommand({
          AlarmName: 'ec2-autopilot-test-made-by-hand',
          Namespace: 'AWS/Lambda',
          MetricName: 'Throttles',
          Statistic: 'Sum',
          Period: 300,
          EvaluationPeriods: 1,
          Threshold: 0,
          ComparisonOperator: 'GreaterThanThreshold',
        }),
      ),
    );
    expect((await invoke()).alarms).toEqual([]);
    expect((await ownAlarms()).has('ec2-autopilot-test-made-by-hand')).toBe(true);
  });
});
