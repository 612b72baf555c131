/**
 * `npm start`: the whole path of the seed's Auto Scaling lesson, on a local AWS, in a few seconds.
 * Starts moto on a free loopback port, builds the policy's groups, lets `reconcile` create the alarms,
 * puts the first scale-out alarm in ALARM as CloudWatch would, delivers its SNS notification to the real
 * `on-event` handler, and shows the plan, the group's new capacity and the e-mail that was sent.
 *
 * The sandbox never talks to a real account: it points every client at its own moto with dummy keys.
 */
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Context } from 'aws-lambda';
import { reconcile } from '../app/reconcile';
import { createRuntime } from '../app/runtime';
import { jsonLogger } from '../app/log';
import { AwsClients } from '../aws/clients';
import { ensureDeployment, ensureEmailSubscriptions } from '../aws/deployment';
import { fireAlarm } from '../local/alarm-event';
import { createGroup, desiredCapacity } from '../local/fleet';
import { sentMessages, startMoto } from '../local/moto';
import { alarmName, type AutoScalingTarget, type Policy } from '../policy/policy';
import { resetLambdaRuntime } from '../lambda/runtime';
import { handler } from '../../functions/on-event';

export interface SandboxOptions {
  policy: Policy;
  policyFile: string;
  /** Keep moto running afterwards, for poking at it with the CLI. */
  keep: boolean;
  print: (text: string) => void;
  /** Where the structured logs of the run go. */
  log: (line: string) => void;
}

const SANDBOX_ENV = {
  AWS_REGION: 'us-east-1',
  AWS_ACCESS_KEY_ID: 'sandbox',
  AWS_SECRET_ACCESS_KEY: 'sandbox',
  AWS_MAX_ATTEMPTS: '1',
};

const heading = (text: string) => `\n== ${text}`;

export async function runSandbox(o: SandboxOptions): Promise<number> {
  const target = o.policy.targets.find(
    (t): t is AutoScalingTarget => t.kind === 'auto-scaling-group' && t.scaleOut !== undefined,
  );
  if (!target) throw new Error('the policy has no target with scaleOut: nothing for the sandbox to show');
  const moto = await startMoto();
  try {
    Object.assign(process.env, SANDBOX_ENV, { AWS_ENDPOINT_URL: moto.endpoint });
    delete process.env.AWS_PROFILE;
    o.print(`Local AWS (moto) on ${moto.endpoint}`);
    const aws = new AwsClients({ region: SANDBOX_ENV.AWS_REGION });

    const min = target.bounds?.min ?? 1;
    await createGroup(aws, {
      name: target.autoScalingGroup,
      min,
      max: target.bounds?.max ?? 5,
      desired: min,
    });
    o.print(
      heading(
        `Auto Scaling group ${target.autoScalingGroup}: min ${min}, max ${target.bounds?.max ?? 5}, desired ${min}`,
      ),
    );

    const deployment = await ensureDeployment(aws, 'sandbox');
    await ensureEmailSubscriptions(aws, deployment.notifyTopicArn, o.policy.notifications.emails);
    const rt = createRuntime({
      policy: o.policy,
      stateTable: deployment.stateTable,
      notifyTopicArn: deployment.notifyTopicArn,
      log: jsonLogger(o.log),
      client: { region: SANDBOX_ENV.AWS_REGION },
    });
    const reconciled = await reconcile(rt, deployment.alarmTopicArn);
    o.print(heading('autopilot reconcile'));
    for (const outcome of reconciled.alarms.outcomes)
      o.print(`  ${outcome.status}: ${outcome.action.reason}`);

    // CloudWatch would do this after 5 minutes above 70 %: moto's alarms never evaluate, so we do.
    const name = alarmName(o.policy, target.name, 'high');
    const values = [88.4, 91.2, 86.9, 93.5, 89.0].slice(0, target.scaleOut!.when.forMinutes);
    const event = await fireAlarm(aws, name, values, deployment.alarmTopicArn);
    const eventFile = join(tmpdir(), `autopilot-sandbox-event-${process.pid}.json`);
    writeFileSync(eventFile, JSON.stringify(event, null, 2));
    o.print(heading(`CloudWatch: ${name} → ALARM (datapoints ${values.join(', ')})`));
    o.print(`  SNS notification saved to ${eventFile}`);

    const before = await desiredCapacity(aws, target.autoScalingGroup);
    Object.assign(process.env, {
      AUTOPILOT_STATE_TABLE: deployment.stateTable,
      AUTOPILOT_ALARM_TOPIC_ARN: deployment.alarmTopicArn,
      AUTOPILOT_NOTIFY_TOPIC_ARN: deployment.notifyTopicArn,
      AUTOPILOT_CONFIG: o.policyFile,
    });
    resetLambdaRuntime();
    const context = { awsRequestId: 'sandbox', functionName: 'on-event' } as Context;
    const result = await handler(event, context as Parameters<typeof handler>[1]);
    o.print(heading('on-event handler'));
    o.print(JSON.stringify(result, null, 2));
    const after = await desiredCapacity(aws, target.autoScalingGroup);
    o.print(heading(`${target.autoScalingGroup} desired capacity: ${before} → ${after}`));

    const mails = await sentMessages(moto.endpoint, deployment.notifyTopicArn);
    o.print(heading(`E-mail published to ${deployment.notifyTopicArn} (${mails.length})`));
    for (const m of mails)
      o.print(`Subject: ${m.subject}\nAttributes: ${JSON.stringify(m.attributes)}\n\n${m.message}`);

    if (o.keep) {
      o.print(heading(`moto keeps running on ${moto.endpoint}; try:`));
      o.print(
        `  AWS_ENDPOINT_URL=${moto.endpoint} AWS_REGION=us-east-1 AWS_ACCESS_KEY_ID=x AWS_SECRET_ACCESS_KEY=x npx autopilot plan --stage sandbox --event ${eventFile}`,
      );
      o.print('Press Ctrl-C to stop.');
      await new Promise<void>((resolve) => process.once('SIGINT', () => resolve()));
    }
    return after === before ? 1 : 0;
  } finally {
    await moto.stop();
  }
}
