/**
 * Deployed, on-event hands a resize to AWS Step Functions: one execution per event, named after it, with
 * the resize's input. moto stores executions without running them (LOCAL-AWS.md), which is all this
 * checks; the state machine itself runs locally in resize.test.ts and resize-crash.test.ts.
 */
import type { Context } from 'aws-lambda';
import { handler } from '../../functions/on-event';
import { AwsClients } from '../../lib/aws/clients';
import { resetLambdaRuntime } from '../../lib/lambda/runtime';
import { fireAlarm } from '../../lib/local/alarm-event';
import { createServer } from '../../lib/local/fleet';
import { sentMessages } from '../../lib/local/moto';
import { executionName } from '../../lib/workflows/starter';
import { deploy, lambdaContext } from '../support/fleet';
import { describeInstance } from '../support/ec2';
import { createMotoStateMachine, executionsOf } from '../support/state-machines';
import { useMoto } from '../support/moto';

const invoke = (event: unknown) => handler(event, lambdaContext as Context as Parameters<typeof handler>[1]);

it('starts one execution per alarm event, and nothing more on a duplicate delivery', async () => {
  const endpoint = await useMoto();
  const aws = new AwsClients({ region: 'us-east-1' });
  const server = await createServer(aws, {
    tags: { Name: 'wordpress' },
    instanceType: 't2.micro',
    elasticIp: true,
  });
  const env = await deploy(`
version: 1
targets:
  - name: blog
    instance: { tags: { Name: wordpress } }
    scaleUp:
      when: { above: 70, forMinutes: 5 }
      ladder: [t2.micro, t2.small]
`);
  const machine = {
    stateMachineArn: await createMotoStateMachine(aws, 'resize', 'resizeTask', 'ec2-autopilot-test-resize'),
  };
  process.env.AUTOPILOT_RESIZE_STATE_MACHINE_ARN = machine.stateMachineArn;
  resetLambdaRuntime();
  try {
    const event = await fireAlarm(env.aws, 'autopilot-blog-high', [90], env.deployment.alarmTopicArn);
    const first = await invoke(event);
    expect(first.actions).toEqual([
      { type: 'resize-instance', target: 'blog', status: 'started' },
      { type: 'move-address', target: 'blog', status: 'started' },
      { type: 'update-alarm', target: 'blog', status: 'started' },
    ]);
    const second = await invoke(event);
    expect(second.actions).toEqual([]);
    expect(second.ignored[0]).toContain('duplicate delivery ignored');

    const executions = await executionsOf(env.aws, machine.stateMachineArn);
    expect(executions).toHaveLength(1);
    const { name, input } = executions[0]!;
    expect(name).toBe(executionName(input.key as string));
    expect(input).toMatchObject({
      target: 'blog',
      instanceId: server.instanceId,
      from: 't2.micro',
      to: 't2.small',
      strategy: 'blue-green',
      alarmTopicArn: env.deployment.alarmTopicArn,
    });
    // Nothing changed yet, and the e-mail is the workflow's to send when it ends.
    expect(await describeInstance(aws, server.instanceId)).toMatchObject({
      InstanceType: 't2.micro',
      State: { Name: 'running' },
    });
    expect(await sentMessages(endpoint, env.deployment.notifyTopicArn)).toHaveLength(0);
  } finally {
    delete process.env.AUTOPILOT_RESIZE_STATE_MACHINE_ARN;
    resetLambdaRuntime();
  }
});
