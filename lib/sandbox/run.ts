/**
 * `npm start`: the whole path of the seed's Auto Scaling lesson, on a local AWS, in a few seconds.
 * Starts moto on a free loopback port, builds the policy's group and web server (with its Elastic IP),
 * lets `reconcile` create the alarms, puts the scale-out alarm in ALARM as CloudWatch would, delivers its
 * SNS notification to the real `on-event` handler and shows the group's new capacity; then does the same
 * for the server's scale-up alarm, which resizes it blue-green keeping its address. Every e-mail is shown.
 *
 * The sandbox never talks to a real account: it points every client at its own moto with dummy keys.
 */
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Context } from 'aws-lambda';
import { reconcile } from '../app/reconcile';
import { createRuntime } from '../app/runtime';
import { jsonLogger } from '../log';
import { AwsClients } from '../aws/clients';
import { ensureDeployment, ensureEmailSubscriptions } from '../aws/deployment';
import { fireAlarm } from '../local/alarm-event';
import { createGroup, createServer, desiredCapacity } from '../local/fleet';
import { sentMessages, startMoto } from '../local/moto';
import { alarmName, type AutoScalingTarget, type InstanceTarget, type Policy } from '../policy/policy';
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

/** Prints the e-mails published since the last call. */
function mailPrinter(o: SandboxOptions, endpoint: string, topicArn: string) {
  let seen = 0;
  return async () => {
    const mails = (await sentMessages(endpoint, topicArn)).slice(seen);
    seen += mails.length;
    o.print(heading(`E-mail published to ${topicArn} (${mails.length})`));
    for (const m of mails)
      o.print(`Subject: ${m.subject}\nAttributes: ${JSON.stringify(m.attributes)}\n\n${m.message}`);
  };
}

async function invokeOnEvent(o: SandboxOptions, event: unknown): Promise<void> {
  const context = { awsRequestId: 'sandbox', functionName: 'on-event' } as Context;
  const result = await handler(event, context as Parameters<typeof handler>[1]);
  o.print(heading('on-event handler'));
  o.print(JSON.stringify(result, null, 2));
}

export async function runSandbox(o: SandboxOptions): Promise<number> {
  const target = o.policy.targets.find(
    (t): t is AutoScalingTarget => t.kind === 'auto-scaling-group' && t.scaleOut !== undefined,
  );
  if (!target) throw new Error('the policy has no target with scaleOut: nothing for the sandbox to show');
  const server = o.policy.targets.find(
    (t): t is InstanceTarget => t.kind === 'instance' && 'tags' in t.instance && !!t.scaleUp,
  );
  const moto = await startMoto();
  try {
    // Resizes run in this process here; moto changes instance states at once, so polls need no pause.
    Object.assign(process.env, SANDBOX_ENV, {
      AWS_ENDPOINT_URL: moto.endpoint,
      AUTOPILOT_LOCAL_WAIT_MS: '0',
    });
    delete process.env.AWS_PROFILE;
    delete process.env.AUTOPILOT_RESIZE_STATE_MACHINE_ARN;
    o.print(`Local AWS (moto) on ${moto.endpoint}`);
    const aws = new AwsClients({ region: SANDBOX_ENV.AWS_REGION });

    const min = target.bounds?.min ?? 1;
    const max = target.bounds?.max ?? 5;
    await createGroup(aws, { name: target.autoScalingGroup, min, max, desired: min });
    o.print(heading(`Auto Scaling group ${target.autoScalingGroup}: min ${min}, max ${max}, desired ${min}`));
    const built =
      server && 'tags' in server.instance
        ? await createServer(aws, {
            tags: server.instance.tags,
            instanceType: server.ladder[0]!,
            elasticIp: true,
          })
        : undefined;
    if (built)
      o.print(heading(`Server ${built.instanceId} (${server!.ladder[0]}) with Elastic IP ${built.publicIp}`));

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
    const printMails = mailPrinter(o, moto.endpoint, deployment.notifyTopicArn);
    await printMails();

    Object.assign(process.env, {
      AUTOPILOT_STATE_TABLE: deployment.stateTable,
      AUTOPILOT_ALARM_TOPIC_ARN: deployment.alarmTopicArn,
      AUTOPILOT_NOTIFY_TOPIC_ARN: deployment.notifyTopicArn,
      AUTOPILOT_CONFIG: o.policyFile,
    });
    resetLambdaRuntime();

    // CloudWatch would do this after 5 minutes above 70 %: moto's alarms never evaluate, so we do.
    const name = alarmName(o.policy, target.name, 'high');
    const values = [88.4, 91.2, 86.9, 93.5, 89.0].slice(0, target.scaleOut!.when.forMinutes);
    const event = await fireAlarm(aws, name, values, deployment.alarmTopicArn);
    const eventFile = join(tmpdir(), `autopilot-sandbox-event-${process.pid}.json`);
    writeFileSync(eventFile, JSON.stringify(event, null, 2));
    o.print(heading(`Scale out — CloudWatch: ${name} → ALARM (datapoints ${values.join(', ')})`));
    o.print(`  SNS notification saved to ${eventFile}`);
    const before = await desiredCapacity(aws, target.autoScalingGroup);
    await invokeOnEvent(o, event);
    const after = await desiredCapacity(aws, target.autoScalingGroup);
    o.print(heading(`${target.autoScalingGroup} desired capacity: ${before} → ${after}`));
    await printMails();

    let resized = true;
    if (server && built) {
      const high = alarmName(o.policy, server.name, 'high');
      o.print(heading(`Scale up — CloudWatch: ${high} → ALARM`));
      await invokeOnEvent(
        o,
        await fireAlarm(aws, high, [92.1, 95.4, 90.2, 91.8, 93.0], deployment.alarmTopicArn),
      );
      const holder = await rt.instances.addressHolder(built.allocationId!);
      const now = holder ? await rt.instances.get(holder) : undefined;
      const old = await rt.instances.get(built.instanceId);
      resized = !!now && now.id !== built.instanceId;
      o.print(
        heading(
          `Elastic IP ${built.publicIp}: ${built.instanceId} (${old?.type}, now ${old?.state}) → ${now?.id} (${now?.type}, ${now?.state})`,
        ),
      );
      await printMails();
    }

    if (o.keep) {
      o.print(heading(`moto keeps running on ${moto.endpoint}; try:`));
      o.print(
        `  AWS_ENDPOINT_URL=${moto.endpoint} AWS_REGION=us-east-1 AWS_ACCESS_KEY_ID=x AWS_SECRET_ACCESS_KEY=x npx autopilot plan --stage sandbox --event ${eventFile}`,
      );
      o.print('Press Ctrl-C to stop.');
      await new Promise<void>((resolve) => process.once('SIGINT', () => resolve()));
    }
    return after !== before && resized ? 0 : 1;
  } finally {
    await moto.stop();
  }
}
