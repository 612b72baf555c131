/**
 * reconcile against moto: it repairs alarms edited by hand, deletes its own alarms for rules that are
 * gone, re-checks an alarm that stayed in ALARM, acting again only after the cooldown, once, and adopts
 * an instance target with its Elastic IP.
 */
import { applyTrigger } from '../../lib/app/handle-trigger';
import { reconcile } from '../../lib/app/reconcile';
import { createRuntime, type Runtime } from '../../lib/app/runtime';
import { silentLogger } from '../../lib/log';
import { memoryTelemetry } from '../../lib/telemetry/telemetry';
import { call } from '../../lib/aws/call';
import { Notifier } from '../../lib/aws/notifier';
import type { AlarmTrigger } from '../../lib/events/trigger';
import { parseEvent } from '../../lib/events/parse-event';
import { fireAlarm } from '../../lib/local/alarm-event';
import { AwsClients } from '../../lib/aws/clients';
import { createGroup, createServer, desiredCapacity } from '../../lib/local/fleet';
import { tagMap } from '../../lib/model/tags';
import { sentMessages } from '../../lib/local/moto';
import { parsePolicy } from '../../lib/policy/load';
import { blogPolicy, SEED_POLICY } from '../support/builders';
import { describeInstance, tagsOf } from '../support/ec2';
import { deploy, type Deployed } from '../support/fleet';
import { useMoto } from '../support/moto';

const T0 = new Date('2026-11-27T12:00:00.000Z');
const minutes = (n: number) => new Date(T0.getTime() + n * 60_000);

function runtime(env: Deployed, now: Date, policyText = SEED_POLICY): Runtime {
  return createRuntime({
    policy: parsePolicy(policyText),
    stateTable: env.deployment.stateTable,
    notifyTopicArn: env.deployment.notifyTopicArn,
    log: silentLogger,
    now: () => now,
  });
}

async function alarm(env: Deployed, name: string) {
  const cw = await env.aws.cloudWatch();
  const out = await call('DescribeAlarms', () =>
    cw.client.send(new cw.sdk.DescribeAlarmsCommand({ AlarmNames: [name] })),
  );
  return out.MetricAlarms?.[0];
}

describe('alarms as the policy says', () => {
  let env: Deployed;
  beforeAll(async () => {
    await useMoto();
    env = await deploy(SEED_POLICY);
  });

  it('restores an alarm edited by hand', async () => {
    const cw = await env.aws.cloudWatch();
    const edited = await alarm(env, 'autopilot-web-high');
    await call('PutMetricAlarm', () =>
      cw.client.send(
        new cw.sdk.PutMetricAlarmCommand({
          ...edited!,
          AlarmName: 'autopilot-web-high',
          Threshold: 95,
          ActionsEnabled: false,
        } as never),
      ),
    );
    const result = await reconcile(runtime(env, T0), env.deployment.alarmTopicArn);
    expect(result.alarms.actions).toEqual([
      expect.objectContaining({
        type: 'update-alarm',
        change: 'update',
        drift: ['Threshold', 'ActionsEnabled'],
      }),
    ]);
    expect(await alarm(env, 'autopilot-web-high')).toMatchObject({
      Threshold: 70,
      ActionsEnabled: true,
      AlarmActions: [env.deployment.alarmTopicArn],
    });
    const again = await reconcile(runtime(env, T0), env.deployment.alarmTopicArn);
    expect(again.alarms.actions).toEqual([]);
  });

  it('deletes its own alarm when the rule leaves the policy, and leaves others alone', async () => {
    const cw = await env.aws.cloudWatch();
    await call('PutMetricAlarm', () =>
      cw.client.send(
        new cw.sdk.PutMetricAlarmCommand({
          AlarmName: 'autopilot-hand-made',
          Namespace: 'AWS/EC2',
          MetricName: 'CPUUtilization',
          Statistic: 'Average',
          Period: 60,
          EvaluationPeriods: 1,
          Threshold: 1,
          ComparisonOperator: 'GreaterThanThreshold',
        }),
      ),
    );
    const withoutScaleIn = SEED_POLICY.replace(/\n\s+scaleIn:.*\n/, '\n');
    const result = await reconcile(runtime(env, T0, withoutScaleIn), env.deployment.alarmTopicArn);
    expect(result.alarms.actions).toEqual([
      expect.objectContaining({ type: 'delete-alarm', alarmName: 'autopilot-web-low' }),
    ]);
    expect(await alarm(env, 'autopilot-web-low')).toBeUndefined();
    expect(await alarm(env, 'autopilot-hand-made')).toBeDefined();
  });
});

describe('escalation: an alarm that stays in ALARM', () => {
  let endpoint: string;
  let env: Deployed;

  beforeAll(async () => {
    endpoint = await useMoto();
    env = await deploy(SEED_POLICY);
    await createGroup(env.aws, { name: 'web-asg', min: 1, max: 5, desired: 1 });
    const event = await fireAlarm(
      env.aws,
      'autopilot-web-high',
      [92, 90, 91, 89, 95],
      env.deployment.alarmTopicArn,
    );
    const [trigger] = parseEvent(event);
    // The run's clock is T0, so the alarm changed state then (an event from later would be from the future).
    await applyTrigger(runtime(env, T0), { ...(trigger as AlarmTrigger), stateChangeTime: T0.toISOString() });
    expect(await desiredCapacity(env.aws, 'web-asg')).toBe(3);
  });

  it('is held back during the cooldown', async () => {
    const result = await reconcile(runtime(env, minutes(2)), env.deployment.alarmTopicArn);
    expect(result.rechecks).toHaveLength(1);
    expect(result.rechecks[0]!.actions).toEqual([]);
    expect(result.rechecks[0]!.ignored[0]!.reason).toContain('cooling down until 2026-11-27 12:05 UTC');
    expect(await desiredCapacity(env.aws, 'web-asg')).toBe(3);
  });

  it('acts again once the cooldown has passed, once even when two runs race, and says why', async () => {
    const before = (await sentMessages(endpoint, env.deployment.notifyTopicArn)).length;
    const [a, b] = await Promise.all([
      reconcile(runtime(env, minutes(6)), env.deployment.alarmTopicArn),
      reconcile(runtime(env, minutes(6)), env.deployment.alarmTopicArn),
    ]);
    const statuses = [...a.rechecks, ...b.rechecks].flatMap((e) => e.outcomes.map((o) => o.status));
    expect(statuses.filter((s) => s === 'applied')).toHaveLength(1);
    expect(await desiredCapacity(env.aws, 'web-asg')).toBe(5);
    const mails = (await sentMessages(endpoint, env.deployment.notifyTopicArn)).slice(before);
    expect(mails.map((m) => m.subject)).toEqual(['[ec2-autopilot] web: scaled web-asg out 3 → 5']);
    expect(mails[0]!.message).toContain('still in ALARM (re-checked by reconcile)');
  });

  it('stops at the maximum and says so once it is reached', async () => {
    const rt = runtime(env, minutes(12));
    const result = await reconcile(rt, env.deployment.alarmTopicArn);
    expect(result.rechecks[0]!.ignored[0]).toMatchObject({
      severity: 'warning',
      reason: expect.stringContaining('already at its maximum (5)'),
    });
    expect(await desiredCapacity(env.aws, 'web-asg')).toBe(5);
  });
});

describe('the notifier', () => {
  it('publishes the message attributes subscribers filter on', async () => {
    const endpoint = await useMoto();
    const env = await deploy(SEED_POLICY);
    await new Notifier(env.aws, env.deployment.notifyTopicArn).publish({
      subject: 's',
      body: 'b',
      attributes: { target: 'web', action: 'set-desired-capacity', outcome: 'failed' },
    });
    expect((await sentMessages(endpoint, env.deployment.notifyTopicArn))[0]!.attributes).toEqual({
      target: 'web',
      action: 'set-desired-capacity',
      outcome: 'failed',
    });
  });
});

describe('adopting an instance target', () => {
  it('tags the instance and its Elastic IP managed (the only ones the resize role may act on and move)', async () => {
    await useMoto();
    const aws = new AwsClients({ region: 'us-east-1' });
    const server = await createServer(aws, {
      tags: { Name: 'wordpress' },
      instanceType: 't2.micro',
      elasticIp: true,
    });
    // deploy() runs reconcile once, as the first scheduled run would.
    const env = await deploy(blogPolicy('      ladder: [t2.micro, t2.small]\n      strategy: blue-green'));
    const { client, sdk } = await env.aws.ec2();
    const out = await call('DescribeAddresses', () =>
      client.send(new sdk.DescribeAddressesCommand({ AllocationIds: [server.allocationId!] })),
    );
    const adopted = { 'autopilot:managed': 'true', 'autopilot:target': 'blog' };
    expect(tagMap(out.Addresses![0]!.Tags)).toMatchObject(adopted);
    expect(tagsOf(await describeInstance(env.aws, server.instanceId))).toMatchObject(adopted);

    // Each run records the type the target runs as (the dashboard's instance-type line).
    const telemetry = memoryTelemetry();
    const policy = parsePolicy(blogPolicy('      ladder: [t2.micro, t2.small]\n      strategy: blue-green'));
    await reconcile(
      createRuntime({ policy, stateTable: env.deployment.stateTable, log: silentLogger, telemetry }),
      env.deployment.alarmTopicArn,
    );
    expect(telemetry.recorded.filter((r) => r.name === 'InstanceTypeInUse')).toEqual([
      { name: 'InstanceTypeInUse', value: 1, dimensions: { target: 'blog', type: 't2.micro' } },
    ]);
  });
});
