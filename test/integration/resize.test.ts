/**
 * Vertical scaling against moto, through the real on-event handler: a high alarm on the `blog` target
 * resizes `Name=wordpress` one rung up, keeping its Elastic IP — blue-green (image → launch → check →
 * move the address → retire the old) or in place (stop → change → start). The state machine runs in
 * this process (aws-local-stepfunctions) with the waits shortened; moto's instances change state at once.
 */
import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import type { Context } from 'aws-lambda';
import { handler } from '../../functions/on-event';
import { fireAlarm } from '../../lib/local/alarm-event';
import { createServer, type Server } from '../../lib/local/fleet';
import { sentMessages } from '../../lib/local/moto';
import { deploy, lambdaContext, type Deployed } from '../support/fleet';
import {
  addressHolder,
  alarmDimensions,
  describeInstance,
  imagesTagged,
  instancesTagged,
  tagsOf,
} from '../support/ec2';
import { useMoto } from '../support/moto';
import { blogPolicy } from '../support/builders';

const invoke = (event: unknown) => handler(event, lambdaContext as Context as Parameters<typeof handler>[1]);

const policy = blogPolicy;
const BLUE_GREEN = '      ladder: [t2.micro, t2.small, t2.medium, t2.large]\n      strategy: blue-green';
const IN_PLACE = '      ladder: [t2.micro, t2.small, t2.medium, t2.large]\n      strategy: in-place';

async function setUp(scaleUp: string): Promise<{ endpoint: string; env: Deployed; server: Server }> {
  const endpoint = await useMoto();
  const { AwsClients } = await import('../../lib/aws/clients');
  const server = await createServer(new AwsClients({ region: 'us-east-1' }), {
    tags: { Name: 'wordpress', Team: 'web' },
    instanceType: 't2.micro',
    elasticIp: true,
  });
  const env = await deploy(policy(scaleUp));
  return { endpoint, env, server };
}

describe('blue-green: t2.micro → t2.small, keeping the Elastic IP', () => {
  let endpoint: string;
  let env: Deployed;
  let server: Server;
  let result: Awaited<ReturnType<typeof invoke>>;

  beforeAll(async () => {
    ({ endpoint, env, server } = await setUp(BLUE_GREEN));
    expect(await alarmDimensions(env.aws, 'autopilot-blog-high')).toEqual({ InstanceId: server.instanceId });
    const event = await fireAlarm(
      env.aws,
      'autopilot-blog-high',
      [85, 88, 91, 86, 87],
      env.deployment.alarmTopicArn,
    );
    result = await invoke(event);
  });

  it('reports the resize and its steps as done', () => {
    expect(result.actions).toEqual([
      { type: 'resize-instance', target: 'blog', status: 'applied' },
      { type: 'move-address', target: 'blog', status: 'applied' },
      { type: 'update-alarm', target: 'blog', status: 'applied' },
      { type: 'update-alarm', target: 'blog', status: 'applied' },
    ]);
  });

  it('puts the Elastic IP on a running t2.small made from an image of the old instance', async () => {
    const holder = await addressHolder(env.aws, server.allocationId!);
    expect(holder).not.toBe(server.instanceId);
    const fresh = await describeInstance(env.aws, holder!);
    expect(fresh).toMatchObject({ InstanceType: 't2.small', State: { Name: 'running' } });
    const images = await imagesTagged(env.aws, 'autopilot:operation');
    expect(images).toHaveLength(1);
    expect(fresh.ImageId).toBe(images[0]!.ImageId);
    expect(Object.fromEntries(images[0]!.Tags!.map((t) => [t.Key, t.Value]))).toMatchObject({
      'autopilot:source-instance': server.instanceId,
      'autopilot:lineage': 'blog',
      'autopilot:managed': 'true',
    });
  });

  it("gives the new instance the old one's tags, subnet and security groups", async () => {
    const fresh = await describeInstance(env.aws, (await addressHolder(env.aws, server.allocationId!))!);
    expect(tagsOf(fresh)).toMatchObject({
      Name: 'wordpress',
      Team: 'web',
      'autopilot:replaces': server.instanceId,
    });
    expect(fresh.SubnetId).toBe(server.subnetId);
    expect(fresh.SecurityGroups?.map((g) => g.GroupId)).toEqual([server.securityGroupId]);
  });

  it('stops the old instance and tags it autopilot:replaced-by', async () => {
    const old = await describeInstance(env.aws, server.instanceId);
    const holder = await addressHolder(env.aws, server.allocationId!);
    expect(old.State?.Name).toBe('stopped');
    expect(old.InstanceType).toBe('t2.micro');
    expect(tagsOf(old)['autopilot:replaced-by']).toBe(holder);
  });

  it("re-points the target's alarms to the new instance", async () => {
    const holder = await addressHolder(env.aws, server.allocationId!);
    expect(await alarmDimensions(env.aws, 'autopilot-blog-high')).toEqual({ InstanceId: holder });
    expect(await alarmDimensions(env.aws, 'autopilot-blog-low')).toEqual({ InstanceId: holder });
  });

  it('publishes exactly one e-mail, with before → after, cost and the time the address moved', async () => {
    const mails = await sentMessages(endpoint, env.deployment.notifyTopicArn);
    expect(mails).toHaveLength(1);
    const holder = await addressHolder(env.aws, server.allocationId!);
    expect(mails[0]!.subject).toBe(
      `[ec2-autopilot] blog: resized ${server.instanceId} t2.micro → t2.small (now ${holder})`,
    );
    expect(mails[0]!.attributes).toEqual({ target: 'blog', action: 'resize-instance', outcome: 'applied' });
    expect(mails[0]!.message).toContain('+$8.32/month (t2.micro → t2.small');
    expect(mails[0]!.message).toMatch(/Unreachable for [\d.]+ s \(the address move\)/);
    expect(mails[0]!.message).toContain(`Elastic IP ${server.publicIp} is on ${holder}`);
  });

  it('finds the new instance as the target afterwards (the old one keeps its tags but is replaced)', async () => {
    const wordpress = (await instancesTagged(env.aws, 'Name', 'wordpress')).filter(
      (i) => i.State?.Name !== 'terminated',
    );
    expect(wordpress).toHaveLength(2);
    const event = await fireAlarm(env.aws, 'autopilot-blog-high', [95], env.deployment.alarmTopicArn);
    const again = await invoke(event);
    // Within the 15-minute cooldown: recorded, not acted on.
    expect(again.actions).toEqual([]);
    expect(again.ignored[0]).toContain('cooling down');
  });
});

describe('in place: the same instance id now runs t2.small with the same Elastic IP', () => {
  it('stops, changes the type, starts, and keeps the address', async () => {
    const { endpoint, env, server } = await setUp(IN_PLACE);
    const event = await fireAlarm(
      env.aws,
      'autopilot-blog-high',
      [85, 88, 91, 86, 87],
      env.deployment.alarmTopicArn,
    );
    const result = await invoke(event);
    expect(result.actions).toEqual([{ type: 'resize-instance', target: 'blog', status: 'applied' }]);
    const same = await describeInstance(env.aws, server.instanceId);
    expect(same).toMatchObject({ InstanceType: 't2.small', State: { Name: 'running' } });
    expect(await addressHolder(env.aws, server.allocationId!)).toBe(server.instanceId);
    expect(await instancesTagged(env.aws, 'autopilot:operation')).toHaveLength(0);
    const mails = await sentMessages(endpoint, env.deployment.notifyTopicArn);
    expect(mails.map((m) => m.subject)).toEqual([
      `[ec2-autopilot] blog: resized ${server.instanceId} t2.micro → t2.small`,
    ]);
    expect(mails[0]!.message).toMatch(/Unreachable for [\d.]+ s \(stop → running\)/);
  });
});

describe('refusals change nothing and the e-mail says why', () => {
  it('refuses an arm64 type for an x86_64 instance', async () => {
    const { endpoint, env, server } = await setUp(
      '      ladder: [t2.micro, t4g.small]\n      strategy: blue-green',
    );
    const event = await fireAlarm(env.aws, 'autopilot-blog-high', [90], env.deployment.alarmTopicArn);
    const result = await invoke(event);
    expect(result.actions).toEqual([]);
    expect(result.ignored[0]).toContain('t2.micro → t4g.small refused');
    expect(result.ignored[0]).toContain('supports only arm64');
    expect(await describeInstance(env.aws, server.instanceId)).toMatchObject({
      InstanceType: 't2.micro',
      State: { Name: 'running' },
    });
    expect(await addressHolder(env.aws, server.allocationId!)).toBe(server.instanceId);
    expect(await imagesTagged(env.aws, 'autopilot:operation')).toHaveLength(0);
    const mails = await sentMessages(endpoint, env.deployment.notifyTopicArn);
    expect(mails).toHaveLength(1);
    expect(mails[0]!.attributes.outcome).toBe('refused');
    expect(mails[0]!.message).toContain('supports only arm64');
  });
});

describe('the HTTP health check decides before the address moves', () => {
  let http: HttpServer;
  let status = 200;
  let port = 0;

  beforeAll(async () => {
    http = createHttpServer((req, res) => {
      res.statusCode = req.url === '/health' ? status : 404;
      res.end();
    });
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
    port = (http.address() as { port: number }).port;
  });
  afterAll(() => new Promise<void>((resolve) => http.close(() => resolve())));

  const check = () =>
    `${BLUE_GREEN}\n      healthCheck: { path: /health, port: ${port}, expectStatus: 200, timeoutSeconds: 10, host: 127.0.0.1 }`;

  it('moves the address once the new instance answers 200', async () => {
    status = 200;
    const { env, server } = await setUp(check());
    const result = await invoke(
      await fireAlarm(env.aws, 'autopilot-blog-high', [90], env.deployment.alarmTopicArn),
    );
    expect(result.actions[0]).toEqual({ type: 'resize-instance', target: 'blog', status: 'applied' });
    expect(await addressHolder(env.aws, server.allocationId!)).not.toBe(server.instanceId);
  });

  it('rolls back when it never answers 200: the new instance is terminated, the old one untouched', async () => {
    status = 503;
    const { endpoint, env, server } = await setUp(check());
    const result = await invoke(
      await fireAlarm(env.aws, 'autopilot-blog-high', [90], env.deployment.alarmTopicArn),
    );
    expect(result.actions[0]).toEqual({ type: 'resize-instance', target: 'blog', status: 'failed' });
    expect(await addressHolder(env.aws, server.allocationId!)).toBe(server.instanceId);
    expect(await describeInstance(env.aws, server.instanceId)).toMatchObject({
      InstanceType: 't2.micro',
      State: { Name: 'running' },
    });
    const made = await instancesTagged(env.aws, 'autopilot:operation');
    expect(made.map((i) => i.State?.Name)).toEqual(['terminated']);
    const mails = await sentMessages(endpoint, env.deployment.notifyTopicArn);
    expect(mails).toHaveLength(1);
    expect(mails[0]!.subject).toContain('FAILED to resize');
    expect(mails[0]!.message).toContain('answered 503 instead of 200');
    expect(mails[0]!.message).toMatch(/Rollback\n {2}replacement i-\w+ terminated/);
  }, 30_000);
});

describe('autopilot resize, by hand', () => {
  it('blue-green on a live instance, printing what it did', async () => {
    const { autopilot } = await import('../support/cli');
    const { mkdtempSync, writeFileSync } = await import('node:fs');
    const { join } = await import('node:path');
    const { tmpdir } = await import('node:os');
    const endpoint = await useMoto();
    const { AwsClients } = await import('../../lib/aws/clients');
    const aws = new AwsClients({ region: 'us-east-1' });
    // The stage deployed: the command finds its table and topics (on a fresh account it would create
    // them and say so on stderr).
    const { ensureDeployment } = await import('../../lib/aws/deployment');
    await ensureDeployment(aws, 'dev');
    const server = await createServer(aws, {
      tags: { Name: 'lone' },
      instanceType: 't2.micro',
      elasticIp: true,
    });
    const config = join(mkdtempSync(join(tmpdir(), 'autopilot-resize-')), 'autopilot.yml');
    writeFileSync(config, 'version: 1\n');
    const env = { AUTOPILOT_LOCAL_WAIT_MS: '0' };
    const run = autopilot(['resize', server.instanceId, '--to', 't2.small', '--config', config], {
      endpoint,
      env,
    });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const holder = await addressHolder(aws, server.allocationId!);
    expect(holder).not.toBe(server.instanceId);
    expect(run.stdout).toContain(`Resize ${server.instanceId} (t2.micro) → t2.small`);
    expect(run.stdout).toContain(
      `resize-instance  ${server.instanceId}  ${server.instanceId} t2.micro → t2.small (blue-green)  +$8.32/month  [applied]`,
    );
    expect(run.stdout).toContain(`Now: ${holder} t2.small running with ${server.publicIp}`);

    const inPlace = autopilot(
      [
        'resize',
        holder!,
        '--to',
        't2.medium',
        '--strategy',
        'in-place',
        '--config',
        config,
        '--format',
        'json',
      ],
      { endpoint, env },
    );
    expect(inPlace.code).toBe(0);
    expect(inPlace.json().outcomes[0]).toMatchObject({
      status: 'applied',
      action: { type: 'resize-instance', from: 't2.small', to: 't2.medium', strategy: 'in-place' },
    });
    expect(await describeInstance(aws, holder!)).toMatchObject({
      InstanceType: 't2.medium',
      State: { Name: 'running' },
    });
    expect(await addressHolder(aws, server.allocationId!)).toBe(holder);

    const refused = autopilot(['resize', holder!, '--to', 't4g.small', '--config', config], {
      endpoint,
      env,
    });
    expect(refused.code).toBe(1);
    expect(refused.stdout).toContain('supports only arm64');
    expect(await describeInstance(aws, holder!)).toMatchObject({
      InstanceType: 't2.medium',
      State: { Name: 'running' },
    });

    const bad = autopilot(['resize', holder!, '--config', config], { endpoint, env });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--to: required by resize');
  }, 60_000);
});
