/**
 * Exactly once through a network that loses answers, drops connections and hangs: a fault-injecting
 * proxy (test/support/fault-proxy.ts) stands between the product's clients and moto. For each fault,
 * the same alarm event is delivered 5 times (as SNS redelivers and Lambda retries), and the group must
 * end changed exactly once, 1 → 3, with one e-mail.
 */
import type { Context } from 'aws-lambda';
import { handler } from '../../functions/on-event';
import { resetLambdaRuntime } from '../../lib/lambda/runtime';
import { fireAlarm } from '../../lib/local/alarm-event';
import { createGroup, desiredCapacity } from '../../lib/local/fleet';
import { sentMessages } from '../../lib/local/moto';
import { AwsClients } from '../../lib/aws/clients';
import { createServer } from '../../lib/local/fleet';
import { blogPolicy, SEED_POLICY } from '../support/builders';
import { addressHolder, describeInstance, imagesTagged, instancesTagged } from '../support/ec2';
import { startFaultProxy, type FaultProxy, type FaultRule } from '../support/fault-proxy';
import { deploy, lambdaContext, type Deployed } from '../support/fleet';
import { autopilotAsync } from '../support/cli';
import { useMoto } from '../support/moto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const invoke = (event: unknown) => handler(event, lambdaContext as Context as Parameters<typeof handler>[1]);

let endpoint: string;
let proxy: FaultProxy;

beforeAll(async () => {
  endpoint = await useMoto();
  proxy = await startFaultProxy(endpoint);
});

afterAll(async () => {
  process.env.AWS_ENDPOINT_URL = endpoint;
  await proxy.close();
});

/** A fresh account with web-asg at 1, and the event of its high alarm. */
async function fleet(): Promise<{ env: Deployed; event: Record<string, unknown> }> {
  // A fresh account: moto reset, and no deployment left in the environment by the case before.
  await useMoto();
  const env = await deploy(SEED_POLICY);
  await createGroup(env.aws, { name: 'web-asg', min: 1, max: 5, desired: 1 });
  const event = await fireAlarm(
    env.aws,
    'autopilot-web-high',
    [85, 88, 90, 79, 81],
    env.deployment.alarmTopicArn,
  );
  return { env, event };
}

/** A fresh account with the seed's blog server (its Elastic IP), resized blue-green by the policy. */
async function blog() {
  await useMoto();
  const server = await createServer(new AwsClients({ region: 'us-east-1' }), {
    tags: { Name: 'wordpress' },
    instanceType: 't2.micro',
    elasticIp: true,
  });
  const env = await deploy(
    blogPolicy('      ladder: [t2.micro, t2.small, t2.medium, t2.large]\n      strategy: blue-green'),
  );
  return { server, env };
}

/** The high alarm's event again (the alarm is already in ALARM: its notification as SNS would send it). */
const fleetEvent = (env: Deployed) =>
  fireAlarm(env.aws, 'autopilot-web-high', [85, 88, 90, 79, 81], env.deployment.alarmTopicArn);

/** Delivers `event` `times` times through the proxy with `rules`; a failed delivery is retried, as Lambda does. */
async function deliver(
  event: unknown,
  rules: FaultRule[],
  times = 5,
  env: Record<string, string> = {},
): Promise<{ failures: string[] }> {
  proxy.rules.splice(0, proxy.rules.length, ...rules);
  proxy.log.length = 0;
  const saved = { ...process.env };
  Object.assign(process.env, env, { AWS_ENDPOINT_URL: proxy.endpoint });
  resetLambdaRuntime();
  const failures: string[] = [];
  try {
    for (let i = 0; i < times; i += 1)
      await invoke(event).catch((e: Error) => failures.push(`${e.name}: ${e.message}`));
  } finally {
    for (const key of Object.keys(env)) delete process.env[key];
    Object.assign(process.env, saved);
    resetLambdaRuntime();
  }
  return { failures };
}

describe.each<[string, FaultRule[]]>([
  ['a lost answer to the event claim', [{ operation: 'PutItem', body: '"event#', mode: 'lose-answer' }]],
  ['a lost answer to the target record', [{ operation: 'PutItem', body: '"target#', mode: 'lose-answer' }]],
  ['a lost answer to SetDesiredCapacity', [{ operation: 'SetDesiredCapacity', mode: 'lose-answer' }]],
  ['a dropped connection on SetDesiredCapacity', [{ operation: 'SetDesiredCapacity', mode: 'drop' }]],
  ['a dropped connection on the claim', [{ operation: 'PutItem', body: '"event#', mode: 'drop' }]],
  ['a lost answer to the e-mail', [{ operation: 'Publish', mode: 'lose-answer' }]],
  ['a lost answer to closing the event', [{ operation: 'UpdateItem', mode: 'lose-answer' }]],
])('%s', (_, rules) => {
  it('changes the group exactly once over 5 deliveries, and e-mails the change', async () => {
    const { env, event } = await fleet();
    await deliver(event, rules);
    expect(proxy.log.some((l) => l.fault)).toBe(true);
    expect(await desiredCapacity(env.aws, 'web-asg')).toBe(3);
    const mails = await sentMessages(endpoint, env.deployment.notifyTopicArn);
    const scaled = mails.filter((m) => (m.subject ?? '').includes('scaled web-asg out 1 → 3'));
    // A lost answer to Publish may send the e-mail twice (SNS has no idempotency token); never zero.
    expect(scaled.length).toBeGreaterThanOrEqual(1);
    expect(mails.every((m) => !/3 → 5/.test(m.subject ?? ''))).toBe(true);
  }, 60_000);
});

describe('20 % random faults on every call, over 20 seeds', () => {
  const SEEDS = Array.from({ length: 20 }, (_, i) => i + 1);

  it('converges on exactly one change, or fails loudly and converges on the next delivery', async () => {
    const tally = { first: 0, afterRetry: 0, loudFailures: 0, faults: 0 };
    const modes = [
      ['drop', 0.075],
      ['lose-answer', 0.075 / 0.925],
      ['hang', 0.05 / 0.85],
    ] as const;

    for (const seed of SEEDS) {
      const { env, event } = await fleet();
      // One request in five meets a fault: 7.5 % dropped, 7.5 % answer lost, 5 % never answered.
      const rules: FaultRule[] = modes.map(([mode, chance]) => ({
        operation: /.*/,
        mode,
        chance,
        times: 1e9,
      }));
      proxy.reseed(seed);
      // A hung request ends at the client's request timeout: short here, so the 20 seeds stay quick.
      const { failures } = await deliver(event, rules, 5, { AUTOPILOT_REQUEST_TIMEOUT_MS: '300' });
      tally.faults += proxy.log.filter((l) => l.fault).length;
      tally.loudFailures += failures.length;
      if ((await desiredCapacity(env.aws, 'web-asg')) === 3) tally.first += 1;
      else {
        // Failed loudly (a thrown, retryable error, as Lambda would retry it): the next delivery converges.
        expect(failures.length).toBeGreaterThan(0);
        await deliver(event, [], 1);
        tally.afterRetry += 1;
      }
      expect({ seed, desired: await desiredCapacity(env.aws, 'web-asg') }).toEqual({ seed, desired: 3 });
    }
    console.log(`random faults over ${SEEDS.length} seeds: ${JSON.stringify(tally)}`);
    expect(tally.first + tally.afterRetry).toBe(SEEDS.length);
    expect(tally.faults).toBeGreaterThan(SEEDS.length);
  }, 240_000);
});

describe('a silent endpoint (accepts the connection, never answers)', () => {
  let env: Deployed;
  let dir: string;

  beforeAll(async () => {
    ({ env } = await fleet());
    dir = mkdtempSync(join(tmpdir(), 'autopilot-silent-'));
    writeFileSync(join(dir, 'event.json'), JSON.stringify(await fleetEvent(env)));
    proxy.rules.splice(0, proxy.rules.length, { operation: /.*/, mode: 'hang', times: 1e9 });
  });

  afterAll(() => void proxy.rules.splice(0));

  const commands: [string, string[]][] = [
    ['plan', ['plan', '--event', 'EVENT']],
    ['reconcile', ['reconcile']],
    ['resize', ['resize', 'i-0123456789abcdef0', '--to', 't2.small']],
    ['cleanup', ['cleanup', '--mode', 'report']],
  ];

  it.each(commands)(
    'makes %s fail with the call and the timeout, within the client timeouts',
    async (_, args) => {
      const run = await autopilotAsync(
        args.map((a) => (a === 'EVENT' ? join(dir, 'event.json') : a)),
        {
          endpoint: proxy.endpoint,
          env: { AUTOPILOT_CONFIG: env.policyFile, AUTOPILOT_REQUEST_TIMEOUT_MS: '1000' },
        },
      );
      expect(run.code).toBe(1);
      expect(run.stderr).toMatch(/autopilot: .*[A-Z]\w+ failed: .*(Timeout|timed out|time)/i);
      expect(run.ms).toBeLessThan(30_000);
    },
    60_000,
  );

  it('makes apply fail with a reason in under 60 s with the default timeouts', async () => {
    const run = await autopilotAsync(['apply', '--event', join(dir, 'event.json')], {
      endpoint: proxy.endpoint,
      env: { AUTOPILOT_CONFIG: env.policyFile },
    });
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/autopilot: [A-Z]\w+ failed: TimeoutError: .*10000 ms/);
    expect(run.ms).toBeLessThan(60_000);
  }, 90_000);
});

describe.each<[string, FaultRule[]]>([
  ['a lost answer to CreateImage', [{ operation: 'CreateImage', mode: 'lose-answer' }]],
  ['a dropped connection on CreateImage', [{ operation: 'CreateImage', mode: 'drop' }]],
  ['a lost answer to RunInstances', [{ operation: 'RunInstances', mode: 'lose-answer' }]],
  ['a lost answer to moving the address', [{ operation: 'AssociateAddress', mode: 'lose-answer' }]],
])('a blue-green resize through %s', (_, rules) => {
  it('ends with one image, one replacement, and the Elastic IP on it', async () => {
    const { server, env } = await blog();
    const event = await fireAlarm(
      env.aws,
      'autopilot-blog-high',
      [85, 88, 91, 86, 87],
      env.deployment.alarmTopicArn,
    );
    await deliver(event, rules);
    expect(proxy.log.some((l) => l.fault)).toBe(true);
    const images = await imagesTagged(env.aws, 'autopilot:operation');
    const made = await instancesTagged(env.aws, 'autopilot:replaces', server.instanceId);
    expect(images).toHaveLength(1);
    expect(made.filter((i) => i.State?.Name !== 'terminated')).toHaveLength(1);
    const holder = await addressHolder(env.aws, server.allocationId!);
    expect(holder).toBe(made[0]!.InstanceId);
    expect((await describeInstance(env.aws, holder!)).InstanceType).toBe('t2.small');
  }, 60_000);
});

describe('a CLI run whose change keeps failing', () => {
  it('apply says which action failed and the AWS error, on stderr, and exits 1', async () => {
    const { env } = await fleet();
    const dir = mkdtempSync(join(tmpdir(), 'autopilot-failing-'));
    writeFileSync(join(dir, 'event.json'), JSON.stringify(await fleetEvent(env)));
    proxy.rules.splice(0, proxy.rules.length, { operation: 'SetDesiredCapacity', mode: 'drop', times: 1e9 });
    try {
      // The event comes from the test stage's alarm topic: run as another stage, apply would ignore it.
      const run = await autopilotAsync(['apply', '--event', join(dir, 'event.json')], {
        endpoint: proxy.endpoint,
        env: { AUTOPILOT_CONFIG: env.policyFile, AUTOPILOT_STAGE: 'test' },
      });
      expect(run.code).toBe(1);
      expect(run.stderr).toMatch(
        /autopilot: set-desired-capacity of web failed: SetDesiredCapacity failed: .*socket hang up/,
      );
    } finally {
      proxy.rules.splice(0);
    }
  }, 60_000);

  it('resize says why the workflow failed, on stderr, and exits 1', async () => {
    const { server, env } = await blog();
    proxy.rules.splice(0, proxy.rules.length, { operation: 'RunInstances', mode: 'deny', times: 1e9 });
    try {
      const run = await autopilotAsync(['resize', server.instanceId, '--to', 't2.small'], {
        endpoint: proxy.endpoint,
        env: { AUTOPILOT_CONFIG: env.policyFile, AUTOPILOT_LOCAL_WAIT_MS: '0' },
      });
      expect(run.code).toBe(1);
      expect(run.stderr).toMatch(
        /autopilot: resize-instance of blog failed: RunInstances failed: UnauthorizedOperation: You are not authorized/,
      );
    } finally {
      proxy.rules.splice(0);
    }
  }, 90_000);
});

describe.each<[string, FaultRule['mode']]>([
  ['before the change is made', 'hang'],
  ['after the change is made, its answer not yet back', 'apply-then-hang'],
])('an invocation whose time runs out %s', (_, mode) => {
  it('stops before the Lambda timeout, leaves the event retryable, and the retry leaves the group changed once', async () => {
    const { env, event } = await fleet();
    proxy.rules.splice(0, proxy.rules.length, { operation: 'SetDesiredCapacity', mode });
    proxy.log.length = 0;
    const saved = process.env.AWS_ENDPOINT_URL;
    process.env.AWS_ENDPOINT_URL = proxy.endpoint;
    resetLambdaRuntime();
    try {
      // 4 s left when it starts: the deadline (less the 3 s margin) comes long before the 10 s request timeout.
      const short = { ...lambdaContext, getRemainingTimeInMillis: () => 4_000 };
      const started = Date.now();
      const error = await handler(event, short as unknown as Parameters<typeof handler>[1]).catch(
        (e: Error) => e,
      );
      expect(Date.now() - started).toBeLessThan(4_000);
      // Thrown, and retryable: Lambda retries the invocation.
      expect(error).toMatchObject({ retryable: true });
      expect((error as Error).message).toMatch(/time is nearly up/);
      // Lambda's retries, with time to spare: the recorded change is resumed, or found done.
      await invoke(event);
      await invoke(event);
    } finally {
      process.env.AWS_ENDPOINT_URL = saved;
      resetLambdaRuntime();
      proxy.rules.splice(0);
    }
    expect(await desiredCapacity(env.aws, 'web-asg')).toBe(3);
    const mails = await sentMessages(endpoint, env.deployment.notifyTopicArn);
    expect(mails.every((m) => !/3 → 5/.test(m.subject ?? ''))).toBe(true);
  }, 60_000);
});
