/**
 * reconcile against moto with a policy target whose Auto Scaling group or instance does not exist: it is
 * warned about on every run and e-mailed once per disappearance — also when two runs overlap, when the
 * claim's answer is lost, and after a failed publish — nothing is done to it, and its alarms stay.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { reconcile, type ReconcileResult } from '../../lib/app/reconcile';
import { createRuntime, type Runtime } from '../../lib/app/runtime';
import { call } from '../../lib/aws/call';
import { fireAlarm } from '../../lib/local/alarm-event';
import { createGroup, createServer } from '../../lib/local/fleet';
import { sentMessages } from '../../lib/local/moto';
import { silentLogger } from '../../lib/log';
import { parsePolicy } from '../../lib/policy/load';
import { blogPolicy, SEED_POLICY } from '../support/builders';
import { autopilot } from '../support/cli';
import { startFaultProxy } from '../support/fault-proxy';
import { deploy, type Deployed } from '../support/fleet';
import { useMoto } from '../support/moto';

const T0 = new Date('2026-11-27T12:00:00.000Z');
const minutes = (n: number) => new Date(T0.getTime() + n * 60_000);
const BLOG = blogPolicy('      ladder: [t2.micro, t2.small]');

function runtime(
  env: Deployed,
  now: Date,
  o: { policy?: string; notifyTopicArn?: string; endpoint?: string; dryRun?: boolean } = {},
): Runtime {
  return createRuntime({
    policy: parsePolicy(o.policy ?? SEED_POLICY),
    stateTable: env.deployment.stateTable,
    notifyTopicArn: o.notifyTopicArn ?? env.deployment.notifyTopicArn,
    log: silentLogger,
    now: () => now,
    ...(o.dryRun ? { dryRun: true } : {}),
    ...(o.endpoint ? { client: { endpoint: o.endpoint } } : {}),
  });
}

const run = (env: Deployed, now: Date, o: Parameters<typeof runtime>[2] = {}) =>
  reconcile(runtime(env, now, o), env.deployment.alarmTopicArn);

/** The e-mails about missing targets published to the notifications topic so far. */
async function missingMails(endpoint: string, env: Deployed) {
  const all = await sentMessages(endpoint, env.deployment.notifyTopicArn);
  return all.filter((m) => m.attributes.outcome === 'missing-target');
}

async function record(env: Deployed, key: string) {
  const db = await env.aws.dynamoDb();
  const out = await call('GetItem', () =>
    db.client.send(
      new db.sdk.GetItemCommand({
        TableName: env.deployment.stateTable,
        Key: { pk: { S: `missing#${key}` } },
        ConsistentRead: true,
      }),
    ),
  );
  return out.Item ? { status: out.Item.status?.S, missing: out.Item.missing?.S } : undefined;
}

async function deleteGroup(env: Deployed, name: string) {
  const asg = await env.aws.autoScaling();
  await call('DeleteAutoScalingGroup', () =>
    asg.client.send(
      new asg.sdk.DeleteAutoScalingGroupCommand({ AutoScalingGroupName: name, ForceDelete: true }),
    ),
  );
  const ec2 = await env.aws.ec2();
  // createGroup makes a launch template of the group's name; a group made again makes it again.
  await call('DeleteLaunchTemplate', () =>
    ec2.client.send(new ec2.sdk.DeleteLaunchTemplateCommand({ LaunchTemplateName: `${name}-template` })),
  );
}

async function alarmNames(env: Deployed): Promise<string[]> {
  const cw = await env.aws.cloudWatch();
  const out = await call('DescribeAlarms', () =>
    cw.client.send(new cw.sdk.DescribeAlarmsCommand({ AlarmNamePrefix: 'autopilot-' })),
  );
  return (out.MetricAlarms ?? []).map((a) => a.AlarmName ?? '').sort();
}

const emailStatus = (r: ReconcileResult) => r.missingTargets.map((m) => [m.target, m.email.status]);

describe('a policy naming an Auto Scaling group that does not exist', () => {
  let endpoint: string;
  let env: Deployed;

  beforeAll(async () => {
    endpoint = await useMoto();
    // The deployment's own first reconcile has no notifications topic: it reports, records nothing.
    env = await deploy(SEED_POLICY);
  });

  it('warns, and e-mails once across two runs', async () => {
    const first = await run(env, T0);
    expect(first.missingTargets).toEqual([
      expect.objectContaining({
        target: 'web',
        kind: 'auto-scaling-group',
        missing: 'Auto Scaling group web-asg',
        severity: 'warning',
        since: T0.toISOString(),
        email: expect.objectContaining({
          status: 'sent',
          subject: '[ec2-autopilot] web: Auto Scaling group web-asg is missing',
        }),
      }),
    ]);
    const second = await run(env, minutes(5));
    expect(second.missingTargets).toEqual([
      expect.objectContaining({
        target: 'web',
        since: T0.toISOString(),
        email: { status: 'sent-earlier', at: T0.toISOString() },
      }),
    ]);
    const mails = await missingMails(endpoint, env);
    expect(mails).toHaveLength(1);
    expect(mails[0]!.attributes).toEqual({ target: 'web', action: 'none', outcome: 'missing-target' });
    expect(mails[0]!.message).toContain('No alarm is deleted');
    expect(await record(env, 'web')).toEqual({ status: 'sent', missing: 'Auto Scaling group web-asg' });
  });

  it('keeps its alarms but does not act on one that is in ALARM', async () => {
    expect(await alarmNames(env)).toEqual(['autopilot-web-high', 'autopilot-web-low']);
    await fireAlarm(env.aws, 'autopilot-web-high', [90, 91, 92, 93, 94], env.deployment.alarmTopicArn);
    const result = await run(env, minutes(10));
    expect(result.rechecks).toEqual([]);
    expect(result.alarms.actions).toEqual([]);
    expect(await alarmNames(env)).toEqual(['autopilot-web-high', 'autopilot-web-low']);
  });

  it('clears the record once the group exists, and re-checks its alarm again', async () => {
    await createGroup(env.aws, { name: 'web-asg', min: 1, max: 5, desired: 1 });
    const result = await run(env, minutes(15));
    expect(result.missingTargets).toEqual([]);
    expect(result.foundAgain).toEqual([
      { target: 'web', missing: 'Auto Scaling group web-asg', since: T0.toISOString() },
    ]);
    expect(await record(env, 'web')).toBeUndefined();
    expect(result.rechecks).toHaveLength(1);
    expect(await missingMails(endpoint, env)).toHaveLength(1);
  });

  it('warns again when the group is deleted again', async () => {
    await deleteGroup(env, 'web-asg');
    const result = await run(env, minutes(20));
    expect(emailStatus(result)).toEqual([['web', 'sent']]);
    expect(result.missingTargets[0]!.since).toBe(minutes(20).toISOString());
    expect(await missingMails(endpoint, env)).toHaveLength(2);
    expect(emailStatus(await run(env, minutes(25)))).toEqual([['web', 'sent-earlier']]);
    expect(await missingMails(endpoint, env)).toHaveLength(2);
  });
});

describe('an instance target whose instance does not exist', () => {
  let endpoint: string;
  let env: Deployed;

  beforeAll(async () => {
    endpoint = await useMoto();
    env = await deploy(BLOG);
  });

  it('warns, e-mails once across two runs, and places no alarm', async () => {
    const first = await run(env, T0, { policy: BLOG });
    expect(first.missingTargets).toEqual([
      expect.objectContaining({
        target: 'blog',
        kind: 'instance',
        missing: 'instance tagged Name=wordpress',
        email: expect.objectContaining({ status: 'sent' }),
      }),
    ]);
    // Told once, by the missing-target e-mail, and not again by every run's alarm report.
    expect(first.alarms.ignored).toEqual([]);
    expect(first.alarms.notification).toBeUndefined();
    const second = await run(env, minutes(5), { policy: BLOG });
    expect(emailStatus(second)).toEqual([['blog', 'sent-earlier']]);
    expect(await missingMails(endpoint, env)).toHaveLength(1);
    expect(await sentMessages(endpoint, env.deployment.notifyTopicArn)).toHaveLength(1);
    expect(await alarmNames(env)).toEqual([]);
  });

  it('clears the record once the instance exists (and places its alarms)', async () => {
    const server = await createServer(env.aws, {
      tags: { Name: 'wordpress' },
      instanceType: 't2.micro',
      elasticIp: false,
    });
    const result = await run(env, minutes(10), { policy: BLOG });
    expect(result.missingTargets).toEqual([]);
    expect(result.foundAgain.map((f) => f.target)).toEqual(['blog']);
    expect(await record(env, 'blog')).toBeUndefined();
    expect(await alarmNames(env)).toEqual(['autopilot-blog-high', 'autopilot-blog-low']);

    const ec2 = await env.aws.ec2();
    await call('TerminateInstances', () =>
      ec2.client.send(new ec2.sdk.TerminateInstancesCommand({ InstanceIds: [server.instanceId] })),
    );
    const gone = await run(env, minutes(15), { policy: BLOG });
    expect(emailStatus(gone)).toEqual([['blog', 'sent']]);
    expect(await missingMails(endpoint, env)).toHaveLength(2);
    // Its alarms stay, with their history, watching the instance they watched.
    expect(await alarmNames(env)).toEqual(['autopilot-blog-high', 'autopilot-blog-low']);
    expect(gone.alarms.actions).toEqual([]);
  });
});

describe('the e-mail is sent once, whatever the network and the timing', () => {
  let endpoint: string;
  let env: Deployed;

  beforeEach(async () => {
    endpoint = await useMoto();
    env = await deploy(SEED_POLICY);
  });

  it('two overlapping runs: one e-mails, the other says so', async () => {
    const [a, b] = await Promise.all([run(env, T0), run(env, T0)]);
    const statuses = [...emailStatus(a), ...emailStatus(b)].map(([, s]) => s).sort();
    expect(statuses[0]).toMatch(/^(another-run|sent-earlier)$/);
    expect(statuses[1]).toBe('sent');
    expect(await missingMails(endpoint, env)).toHaveLength(1);
  });

  it('a lost answer to the claim: the retry knows its own claim and e-mails', async () => {
    const proxy = await startFaultProxy(endpoint, [
      { operation: 'PutItem', body: '"missing#', mode: 'lose-answer' },
    ]);
    try {
      const result = await run(env, T0, { endpoint: proxy.endpoint });
      expect(proxy.log.filter((l) => l.fault === 'lose-answer')).toHaveLength(1);
      expect(emailStatus(result)).toEqual([['web', 'sent']]);
    } finally {
      await proxy.close();
    }
    expect(await missingMails(endpoint, env)).toHaveLength(1);
    expect(await record(env, 'web')).toEqual({ status: 'sent', missing: 'Auto Scaling group web-asg' });
  });

  it('a failed publish records nothing as sent, and the next run sends it', async () => {
    const nowhere = env.deployment.notifyTopicArn.replace(/[^:]+$/, 'no-such-topic');
    const failed = await run(env, T0, { notifyTopicArn: nowhere });
    expect(failed.missingTargets[0]!.email).toEqual({
      status: 'failed',
      detail: expect.stringContaining('Publish failed'),
    });
    expect(await record(env, 'web')).toBeUndefined();
    const retried = await run(env, minutes(5));
    expect(emailStatus(retried)).toEqual([['web', 'sent']]);
    expect(await missingMails(endpoint, env)).toHaveLength(1);
  });

  it('a dry run keeps its own record: a real run afterwards still e-mails', async () => {
    expect(emailStatus(await run(env, T0, { dryRun: true }))).toEqual([['web', 'sent']]);
    expect(emailStatus(await run(env, T0, { dryRun: true }))).toEqual([['web', 'sent-earlier']]);
    expect(emailStatus(await run(env, minutes(5)))).toEqual([['web', 'sent']]);
    expect(await missingMails(endpoint, env)).toHaveLength(2);
  });
});

describe('autopilot reconcile with a missing group', () => {
  let endpoint: string;
  let config: string;

  beforeAll(async () => {
    endpoint = await useMoto();
    config = join(mkdtempSync(join(tmpdir(), 'autopilot-missing-')), 'autopilot.yml');
    writeFileSync(config, SEED_POLICY);
  });

  it('prints the warning in JSON, then in the table format as already e-mailed', () => {
    const json = autopilot(['reconcile', '--config', config, '--format', 'json'], { endpoint });
    expect(json.code).toBe(0);
    expect(json.json().missingTargets).toEqual([
      expect.objectContaining({
        target: 'web',
        kind: 'auto-scaling-group',
        missing: 'Auto Scaling group web-asg',
        severity: 'warning',
        reason: expect.stringContaining('does not exist'),
        email: expect.objectContaining({ status: 'sent' }),
      }),
    ]);
    expect(json.json().foundAgain).toEqual([]);
    const table = autopilot(['reconcile', '--config', config], { endpoint });
    expect(table.code).toBe(0);
    expect(table.stdout).toContain(
      "Missing targets:\n  - (!) web's Auto Scaling group web-asg does not exist",
    );
    expect(table.stdout).toMatch(/e-mailed at \S+; not again while it stays missing/);
  });
});
