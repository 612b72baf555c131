/**
 * The CLI on a deployed stage (its failed-events queue exists, as only the stack makes it): a resize it
 * decides runs on the stack's resize state machine, as the functions start it, not in the CLI process;
 * on a stage that is not deployed it runs in the process, as before. moto stores executions without
 * running them (LOCAL-AWS.md), which is all the first case needs.
 */
import { call } from '../../lib/aws/call';
import { resourceNames } from '../../lib/aws/deployment';
import { createServer } from '../../lib/local/fleet';
import { blogPolicy } from '../support/builders';
import { autopilot } from '../support/cli';
import { describeInstance } from '../support/ec2';
import { deploy, type Deployed } from '../support/fleet';
import { useMoto } from '../support/moto';
import { createMotoStateMachine, executionsOf } from '../support/state-machines';

let endpoint: string;
let env: Deployed;
let instanceId: string;

const resize = (to: string) =>
  autopilot(
    [
      'resize',
      instanceId,
      '--to',
      to,
      '--strategy',
      'in-place',
      '--stage',
      'test',
      '--config',
      env.policyFile,
      '--format',
      'json',
    ],
    {
      endpoint,
    },
  );

beforeAll(async () => {
  endpoint = await useMoto();
  env = await deploy(blogPolicy('      ladder: [t2.micro, t2.small, t2.medium]'));
  const server = await createServer(env.aws, {
    tags: { Name: 'wordpress' },
    instanceType: 't2.micro',
    elasticIp: true,
  });
  instanceId = server.instanceId;
});

it('on a stage that is not deployed, runs the resize in the process', async () => {
  const run = resize('t2.small');
  expect(run.code).toBe(0);
  expect((await describeInstance(env.aws, instanceId)).InstanceType).toBe('t2.small');
});

it('on a deployed stage, starts it on the stack’s state machine and changes nothing itself', async () => {
  const sqs = await env.aws.sqs();
  await call('CreateQueue', () =>
    sqs.client.send(new sqs.sdk.CreateQueueCommand({ QueueName: resourceNames('test').failedEventsQueue })),
  );
  const machine = await createMotoStateMachine(env.aws, 'resize', 'resizeTask', 'ec2-autopilot-test-resize');
  const run = resize('t2.medium');
  expect(run.code).toBe(0);
  expect(JSON.stringify(run.json())).toContain('started');
  const executions = await executionsOf(env.aws, machine);
  expect(executions).toHaveLength(1);
  expect(executions[0]!.input).toMatchObject({ target: 'blog', to: 't2.medium' });
  // Step Functions has it; the CLI did not stop the instance.
  expect((await describeInstance(env.aws, instanceId)).InstanceType).toBe('t2.small');
});
