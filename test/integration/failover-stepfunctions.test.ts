/**
 * Deployed, on-event hands a failover to AWS Step Functions: one execution per EC2 state change, named
 * after it, with the failover's input. moto stores executions without running them (LOCAL-AWS.md), which
 * is all this checks; the failover state machine itself runs locally in failover.test.ts and
 * failover-crash.test.ts.
 */
import type { Context } from 'aws-lambda';
import { handler } from '../../functions/on-event';
import { AwsClients } from '../../lib/aws/clients';
import { resetLambdaRuntime } from '../../lib/lambda/runtime';
import { sentMessages } from '../../lib/local/moto';
import { executionName } from '../../lib/workflows/starter';
import { addressHolder } from '../support/ec2';
import {
  failoverPolicy,
  lineageImage,
  NO_STANDBY,
  stateChangeEvent,
  terminate,
  wordpress,
} from '../support/failover-fleet';
import { deploy, lambdaContext } from '../support/fleet';
import { createMotoStateMachine, executionsOf } from '../support/state-machines';
import { useMoto } from '../support/moto';

const invoke = (event: unknown) => handler(event, lambdaContext as Context as Parameters<typeof handler>[1]);

it('starts one execution per state change, and nothing more on a duplicate delivery', async () => {
  const endpoint = await useMoto();
  const aws = new AwsClients({ region: 'us-east-1' });
  const server = await wordpress(aws);
  const imageId = await lineageImage(aws, server.instanceId, 'blog-image');
  const env = await deploy(failoverPolicy(NO_STANDBY));
  const stateMachineArn = await createMotoStateMachine(
    aws,
    'failover',
    'resizeTask',
    'ec2-autopilot-test-failover',
  );
  process.env.AUTOPILOT_FAILOVER_STATE_MACHINE_ARN = stateMachineArn;
  resetLambdaRuntime();
  try {
    await terminate(aws, server.instanceId);
    const { event } = stateChangeEvent(server.instanceId, 'terminated');
    const first = await invoke(event);
    expect(first.actions).toEqual([{ type: 'fail-over', target: 'blog', status: 'started' }]);
    const second = await invoke(event);
    expect(second.actions).toEqual([]);
    expect(second.ignored[0]).toContain('duplicate delivery ignored');

    const executions = await executionsOf(aws, stateMachineArn);
    expect(executions).toHaveLength(1);
    const { name, input } = executions[0]!;
    expect(name).toBe(executionName(input.key as string));
    expect(input).toMatchObject({
      target: 'blog',
      instanceId: server.instanceId,
      via: 'replacement',
      imageId,
      allocationId: server.allocationId,
      publicIp: server.publicIp,
      mayReplace: true,
      alarmTopicArn: env.deployment.alarmTopicArn,
      failed: { type: 't3.small', subnetId: server.subnetId, securityGroupIds: [server.securityGroupId] },
    });
    // Nothing changed yet, and the e-mail is the workflow's to send when it ends.
    expect(await addressHolder(aws, server.allocationId!)).toBe(server.instanceId);
    expect(await sentMessages(endpoint, env.deployment.notifyTopicArn)).toHaveLength(0);
  } finally {
    delete process.env.AUTOPILOT_FAILOVER_STATE_MACHINE_ARN;
    resetLambdaRuntime();
  }
});
