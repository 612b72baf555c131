/**
 * An image refresh asked for on demand: `{"autopilot": "refresh-image", "target": "web"}` published to
 * the deployment's alarm topic and delivered by SNS to the real on-event handler, against moto with the
 * real SDK clients. The command refreshes the image once (a new default launch-template version with a
 * new image, one StartInstanceRefresh); a second delivery of the same SNS message starts nothing more; a
 * command naming an unknown target changes nothing and says why; one from another topic is ignored.
 * Deployed (AUTOPILOT_REFRESH_STATE_MACHINE_ARN set), it starts one Step Functions execution named after
 * the SNS message.
 *
 * The handler builds its own runtime, so the instance-refresh calls moto lacks cannot be stubbed in its
 * SDK clients: AWS_ENDPOINT_URL points at a fault proxy in front of moto, which answers, as AWS does,
 * exactly StartInstanceRefresh and DescribeInstanceRefreshes (mode `answer`); every other call is moto's.
 */
import type { Context } from 'aws-lambda';
import { handler } from '../../functions/on-event';
import { call } from '../../lib/aws/call';
import { AwsClients } from '../../lib/aws/clients';
import { ValidationError } from '../../lib/errors';
import { resetLambdaRuntime } from '../../lib/lambda/runtime';
import { snsEvent } from '../../lib/local/alarm-event';
import { executionName } from '../../lib/workflows/starter';
import { deploy, lambdaContext, type Deployed } from '../support/fleet';
import { createMotoStateMachine, executionsOf } from '../support/state-machines';
import { startFaultProxy, type FaultProxy } from '../support/fault-proxy';
import { queryResult } from '../support/instance-refresh-stub';
import { REGION, useMoto } from '../support/moto';
import { defaultVersion, refreshFleet, refreshPolicy, type RefreshFleet } from '../support/refresh-fleet';

const invoke = (event: unknown) => handler(event, lambdaContext as Context as Parameters<typeof handler>[1]);

const command = (topicArn: string, body: Record<string, unknown>) =>
  snsEvent(topicArn, body, 'ec2-autopilot command');

interface World {
  env: Deployed;
  fleet: RefreshFleet;
  /** Straight to moto, not through the proxy: the test's own reads are not counted. */
  aws: AwsClients;
  proxy: FaultProxy;
}

/** The refresh fleet in a fresh moto, and the handler's AWS endpoint moved to a proxy in front of it. */
async function world(): Promise<World> {
  const endpoint = await useMoto();
  const env = await deploy(refreshPolicy());
  const aws = new AwsClients({ region: REGION, endpoint });
  const fleet = await refreshFleet(aws);
  const refresh = { InstanceRefreshId: 'r-sns', AutoScalingGroupName: 'web-asg', StartTime: new Date() };
  const answer = (operation: string, result: Record<string, unknown>) => {
    const { response } = queryResult(operation, result);
    return { statusCode: response.statusCode, headers: response.headers, body: response.body };
  };
  const proxy = await startFaultProxy(endpoint, [
    {
      operation: 'StartInstanceRefresh',
      mode: 'answer',
      times: 1e9,
      answer: answer('StartInstanceRefresh', { InstanceRefreshId: 'r-sns' }),
    },
    {
      operation: 'DescribeInstanceRefreshes',
      mode: 'answer',
      times: 1e9,
      // Not active before the start (a finished one), Successful after it: one refresh, done.
      answer: answer('DescribeInstanceRefreshes', {
        InstanceRefreshes: [{ ...refresh, Status: 'Successful', PercentageComplete: 100 }],
      }),
    },
  ]);
  process.env.AWS_ENDPOINT_URL = proxy.endpoint;
  resetLambdaRuntime();
  return { env, fleet, aws, proxy };
}

describe('a refresh-image command on the alarm topic, run in the process', () => {
  let w: World;
  let event: Record<string, unknown>;

  beforeAll(async () => {
    w = await world();
    event = command(w.env.deployment.alarmTopicArn, {
      autopilot: 'refresh-image',
      target: 'web',
      reason: 'release 2.4.1 is on the golden instance',
    });
  }, 60_000);

  afterAll(() => w.proxy.close());

  it('refreshes the image once: a new default version with a new image, one instance refresh', async () => {
    const before = await defaultVersion(w.aws, w.fleet.templateId);
    expect(await invoke(event)).toEqual({
      triggers: 1,
      actions: [
        { type: 'refresh-image', target: 'web', status: 'applied' },
        { type: 'start-instance-refresh', target: 'web', status: 'applied' },
      ],
      ignored: [],
    });
    const now = await defaultVersion(w.aws, w.fleet.templateId);
    expect(now.version).toBeGreaterThan(before.version);
    expect(now.data.ImageId).not.toBe(before.data.ImageId);
    // The operation is named after the SNS message: its image and version say which message made them.
    const messageId = (event.Records as { Sns: { MessageId: string } }[])[0]!.Sns.MessageId;
    expect(now.description).toContain(`refresh-image-web@${messageId}`);
    expect(w.proxy.count('CreateImage')).toBe(1);
    expect(w.proxy.count('StartInstanceRefresh')).toBe(1);
    // The workflow's one e-mail (on-event itself sends none for a workflow that reports on its own).
    expect(w.proxy.count('Publish')).toBe(1);
  }, 90_000);

  it('starts nothing more on a second delivery of the same SNS message', async () => {
    const before = await defaultVersion(w.aws, w.fleet.templateId);
    const again = await invoke(event);
    expect(again.actions).toEqual([]);
    expect(again.ignored).toEqual([
      expect.stringMatching(/already handled at .*: duplicate delivery ignored/),
    ]);
    expect(await defaultVersion(w.aws, w.fleet.templateId)).toEqual(before);
    expect(w.proxy.count('CreateImage')).toBe(1);
    expect(w.proxy.count('StartInstanceRefresh')).toBe(1);
    expect(w.proxy.count('Publish')).toBe(1);
  }, 60_000);

  it('changes nothing for a target the policy does not have, and says why', async () => {
    const before = await defaultVersion(w.aws, w.fleet.templateId);
    const result = await invoke(
      command(w.env.deployment.alarmTopicArn, { autopilot: 'refresh-image', target: 'shop' }),
    );
    expect(result).toEqual({
      triggers: 1,
      actions: [],
      ignored: [
        'the refresh-image command for shop: no target shop in the policy (targets with imageRefresh: web): not acted on',
      ],
    });
    expect(await defaultVersion(w.aws, w.fleet.templateId)).toEqual(before);
    expect(w.proxy.count('CreateImage')).toBe(1);
    // A mistake a person should hear of: e-mailed, as a warning.
    expect(w.proxy.count('Publish')).toBe(2);
  }, 60_000);

  it('ignores the same command from another topic, naming both topics', async () => {
    const sns = await w.aws.sns();
    const foreign = (
      await call('CreateTopic', () =>
        sns.client.send(new sns.sdk.CreateTopicCommand({ Name: 'ec2-autopilot-staging-alarms' })),
      )
    ).TopicArn!;
    const before = await defaultVersion(w.aws, w.fleet.templateId);
    const result = await invoke(command(foreign, { autopilot: 'refresh-image', target: 'web' }));
    expect(result).toEqual({
      triggers: 1,
      actions: [],
      ignored: [
        `the refresh-image command for web was delivered by the SNS topic ${foreign}, not by this deployment's alarm topic ${w.env.deployment.alarmTopicArn}: not acted on`,
      ],
    });
    expect(await defaultVersion(w.aws, w.fleet.templateId)).toEqual(before);
    expect(w.proxy.count('CreateImage')).toBe(1);
    expect(w.proxy.count('StartInstanceRefresh')).toBe(1);
  }, 60_000);

  it('fails an unknown command as bad input naming the field, and changes nothing', async () => {
    const logged = jest.spyOn(console, 'error').mockImplementation(() => undefined);
    const failure = invoke(command(w.env.deployment.alarmTopicArn, { autopilot: 'reboot', target: 'web' }));
    await expect(failure).rejects.toBeInstanceOf(ValidationError);
    await expect(failure).rejects.toMatchObject({
      field: 'Records[0].Sns.Message.autopilot',
      message: 'Records[0].Sns.Message.autopilot: expected refresh-image',
    });
    logged.mockRestore();
    expect(w.proxy.count('CreateImage')).toBe(1);
  }, 60_000);
});

describe('a refresh-image command, deployed: on Step Functions', () => {
  let w: World;

  beforeAll(async () => {
    w = await world();
  }, 60_000);

  afterAll(async () => {
    delete process.env.AUTOPILOT_REFRESH_STATE_MACHINE_ARN;
    resetLambdaRuntime();
    await w.proxy.close();
  });

  it('starts one execution named after the SNS message, and nothing more on a duplicate', async () => {
    // moto stores executions without running them (LOCAL-AWS.md): what is checked is the start.
    const machine = {
      stateMachineArn: await createMotoStateMachine(
        w.aws,
        'refresh-image',
        'refreshTask',
        'ec2-autopilot-test-refresh-image',
      ),
    };
    process.env.AUTOPILOT_REFRESH_STATE_MACHINE_ARN = machine.stateMachineArn;
    resetLambdaRuntime();
    const before = await defaultVersion(w.aws, w.fleet.templateId);
    const event = command(w.env.deployment.alarmTopicArn, { autopilot: 'refresh-image', target: 'web' });

    expect((await invoke(event)).actions).toEqual([
      { type: 'refresh-image', target: 'web', status: 'started' },
      { type: 'start-instance-refresh', target: 'web', status: 'started' },
    ]);
    const second = await invoke(event);
    expect(second.actions).toEqual([]);
    expect(second.ignored[0]).toContain('duplicate delivery ignored');

    const executions = await executionsOf(w.aws, machine.stateMachineArn);
    expect(executions).toHaveLength(1);
    const messageId = (event.Records as { Sns: { MessageId: string } }[])[0]!.Sns.MessageId;
    const key = `refresh-image-web@${messageId}`;
    expect(executions[0]!.name).toBe(executionName(key));
    expect(executions[0]!.input).toMatchObject({
      key,
      target: 'web',
      autoScalingGroup: 'web-asg',
      sourceInstanceId: w.fleet.golden.instanceId,
      fromImageId: before.data.ImageId,
    });
    // Started, not run: on-event itself changed nothing.
    expect(await defaultVersion(w.aws, w.fleet.templateId)).toEqual(before);
    expect(w.proxy.count('CreateImage')).toBe(0);
    expect(w.proxy.count('StartInstanceRefresh')).toBe(0);
  }, 60_000);
});
