/**
 * A workflow's definition created as a state machine in moto, its Task resources made a plain Lambda
 * ARN (moto stores executions without running them: a test checks what is started).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { call } from '../../lib/aws/call';
import type { AwsClients } from '../../lib/aws/clients';

export async function createMotoStateMachine(
  aws: AwsClients,
  workflow: 'resize' | 'refresh-image' | 'failover',
  task: 'resizeTask' | 'refreshTask',
  name: string,
): Promise<string> {
  const sfn = await aws.stepFunctions();
  const definition = readFileSync(
    join(__dirname, '..', '..', 'resources', 'workflows', `${workflow}.asl.json`),
    'utf8',
  ).replace(
    new RegExp(`\\{\\s*"Fn::GetAtt": \\[\\s*"${task}",\\s*"Arn"\\s*\\]\\s*\\}`, 'g'),
    `"arn:aws:lambda:us-east-1:123456789012:function:${task}"`,
  );
  const machine = await call('CreateStateMachine', () =>
    sfn.client.send(
      new sfn.sdk.CreateStateMachineCommand({
        name,
        definition,
        roleArn: 'arn:aws:iam::123456789012:role/sfn',
      }),
    ),
  );
  return machine.stateMachineArn!;
}

/** The executions started on a state machine, each with its name and parsed input. */
export async function executionsOf(
  aws: AwsClients,
  stateMachineArn: string,
): Promise<{ name: string; input: Record<string, unknown> }[]> {
  const sfn = await aws.stepFunctions();
  const listed = await call('ListExecutions', () =>
    sfn.client.send(new sfn.sdk.ListExecutionsCommand({ stateMachineArn })),
  );
  return Promise.all(
    (listed.executions ?? []).map(async (e) => {
      const described = await call('DescribeExecution', () =>
        sfn.client.send(new sfn.sdk.DescribeExecutionCommand({ executionArn: e.executionArn })),
      );
      return { name: e.name ?? '', input: JSON.parse(described.input ?? '{}') as Record<string, unknown> };
    }),
  );
}
