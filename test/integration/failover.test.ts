/**
 * Failover against moto (issue 10): the `blog` target's instance `Name=wordpress` fails, and its Elastic
 * IP moves to a running replacement launched from the newest image of its lineage, or to its warm
 * standby; a high-CPU alarm or the orchestrator's own stop does nothing of the kind. The workflow runs in
 * this process (aws-local-stepfunctions) with the waits shortened. moto keeps status checks `ok` and
 * keeps an address on a terminated instance (AWS takes it off): the code checks the instance's state.
 */
import type { Context } from 'aws-lambda';
import { handler } from '../../functions/on-event';
import { fireAlarm } from '../../lib/local/alarm-event';
import type { Server } from '../../lib/local/fleet';
import { sentMessages } from '../../lib/local/moto';
import { autopilot } from '../support/cli';
import { addressHolder, alarmDimensions, describeInstance, instancesTagged, tagsOf } from '../support/ec2';
import {
  failoverPolicy,
  lineageImage,
  liveInstances,
  NO_STANDBY,
  stateChangeEvent,
  stop,
  terminate,
  WITH_STANDBY,
  wordpress,
} from '../support/failover-fleet';
import { deploy, lambdaContext, type Deployed } from '../support/fleet';
import { useMoto } from '../support/moto';

const invoke = (event: unknown) => handler(event, lambdaContext as Context as Parameters<typeof handler>[1]);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('an instance terminated outside the orchestrator: `autopilot apply --event` with its state change', () => {
  let endpoint: string;
  let env: Deployed;
  let server: Server;
  let older: string;
  let newest: string;
  let run: ReturnType<typeof autopilot>;

  beforeAll(async () => {
    endpoint = await useMoto();
    const { AwsClients } = await import('../../lib/aws/clients');
    const aws = new AwsClients({ region: 'us-east-1' });
    server = await wordpress(aws, 'server', { tags: { Team: 'web' } });
    older = await lineageImage(aws, server.instanceId, 'blog-older');
    // CreationDate has a resolution of a second: the newest must be later.
    await sleep(1100);
    newest = await lineageImage(aws, server.instanceId, 'blog-newest');
    env = await deploy(failoverPolicy(NO_STANDBY), 'dev');
    await terminate(env.aws, server.instanceId);
    const { file } = stateChangeEvent(server.instanceId, 'terminated');
    run = autopilot(['apply', '--event', file, '--format', 'json', '--config', env.policyFile], {
      endpoint,
      env: { AUTOPILOT_LOCAL_WAIT_MS: '0' },
    });
  });

  it('plans one fail-over to a replacement from the newest image and applies it', () => {
    expect(run.stderr).not.toMatch(/error/i);
    expect(run.code).toBe(0);
    const { actions, outcomes } = run.json() as {
      actions: { type: string; via: string; imageId: string }[];
      outcomes: { action: { type: string }; status: string }[];
    };
    expect(actions).toMatchObject([{ type: 'fail-over', via: 'replacement', imageId: newest }]);
    expect(outcomes.map((o) => [o.action.type, o.status])).toEqual([['fail-over', 'applied']]);
  });

  it('puts the Elastic IP on a running replacement made from the newest image of the lineage', async () => {
    const holder = await addressHolder(env.aws, server.allocationId!);
    expect(holder).toBeDefined();
    expect(holder).not.toBe(server.instanceId);
    const fresh = await describeInstance(env.aws, holder!);
    expect(fresh.State?.Name).toBe('running');
    expect(fresh.ImageId).toBe(newest);
    expect(fresh.ImageId).not.toBe(older);
  });

  it("gives the replacement the old instance's type, tags, subnet and security groups", async () => {
    const fresh = await describeInstance(env.aws, (await addressHolder(env.aws, server.allocationId!))!);
    expect(fresh.InstanceType).toBe('t3.small');
    expect(tagsOf(fresh)).toMatchObject({
      Name: 'wordpress',
      Team: 'web',
      'autopilot:replaces': server.instanceId,
      'autopilot:managed': 'true',
    });
    expect(fresh.SubnetId).toBe(server.subnetId);
    expect(fresh.SecurityGroups?.map((g) => g.GroupId)).toEqual([server.securityGroupId]);
  });

  it('re-points the status-check alarms to the replacement', async () => {
    const holder = await addressHolder(env.aws, server.allocationId!);
    expect(await alarmDimensions(env.aws, 'autopilot-blog-system-check')).toEqual({ InstanceId: holder });
    expect(await alarmDimensions(env.aws, 'autopilot-blog-instance-check')).toEqual({ InstanceId: holder });
  });

  it('e-mails once: what failed and how, how long until the address answered, where it is, what is left', async () => {
    const mails = await sentMessages(endpoint, env.deployment.notifyTopicArn);
    expect(mails).toHaveLength(1);
    const holder = await addressHolder(env.aws, server.allocationId!);
    expect(mails[0]!.subject).toBe(
      `[ec2-autopilot] blog: failed over ${server.instanceId} → ${holder} (replacement)`,
    );
    expect(mails[0]!.attributes).toEqual({ target: 'blog', action: 'fail-over', outcome: 'applied' });
    const body = mails[0]!.message;
    expect(body).toContain(`Detected: EC2 reported ${server.instanceId} terminated at`);
    expect(body).toMatch(/It answered again \d+ s after the failure was detected\./);
    expect(body).toContain(`${server.publicIp} is on ${holder} (launched from ${newest})`);
    expect(body).toContain('Left for a person');
  });

  it('does nothing more when the same event is applied again', async () => {
    const before = await liveInstances(env.aws);
    const { file } = stateChangeEvent(server.instanceId, 'terminated');
    const again = autopilot(['apply', '--event', file, '--format', 'json', '--config', env.policyFile], {
      endpoint,
      env: { AUTOPILOT_LOCAL_WAIT_MS: '0' },
    });
    expect(again.code).toBe(0);
    expect(again.json().actions).toEqual([]);
    expect((await liveInstances(env.aws)).sort()).toEqual(before.sort());
    expect(await sentMessages(endpoint, env.deployment.notifyTopicArn)).toHaveLength(1);
  });
});

describe('with a running standby: the instance is stopped outside the orchestrator', () => {
  let endpoint: string;
  let env: Deployed;
  let server: Server;
  let standby: Server;
  let result: Awaited<ReturnType<typeof invoke>>;
  let before: string[];

  beforeAll(async () => {
    endpoint = await useMoto();
    const { AwsClients } = await import('../../lib/aws/clients');
    const aws = new AwsClients({ region: 'us-east-1' });
    server = await wordpress(aws, 'server', { tags: { Team: 'web' } });
    standby = await wordpress(aws, 'standby');
    await lineageImage(aws, server.instanceId, 'blog-image');
    env = await deploy(failoverPolicy(WITH_STANDBY));
    await stop(env.aws, server.instanceId);
    before = await liveInstances(env.aws);
    result = await invoke(stateChangeEvent(server.instanceId, 'stopped').event);
  });

  it('moves the address to the standby and launches nothing', async () => {
    expect(result.actions).toEqual([{ type: 'fail-over', target: 'blog', status: 'applied' }]);
    expect(await addressHolder(env.aws, server.allocationId!)).toBe(standby.instanceId);
    expect((await liveInstances(env.aws)).sort()).toEqual(before.sort());
  });

  it('leaves the failed instance stopped and tagged autopilot:failed-over-to, and the standby serving the target', async () => {
    const failed = await describeInstance(env.aws, server.instanceId);
    expect(failed.State?.Name).toBe('stopped');
    expect(tagsOf(failed)['autopilot:failed-over-to']).toBe(standby.instanceId);
    expect(tagsOf(await describeInstance(env.aws, standby.instanceId))).toMatchObject({
      'autopilot:target': 'blog',
      'autopilot:managed': 'true',
    });
    expect(await alarmDimensions(env.aws, 'autopilot-blog-system-check')).toEqual({
      InstanceId: standby.instanceId,
    });
  });

  it('e-mails once, saying no standby is left', async () => {
    const mails = await sentMessages(endpoint, env.deployment.notifyTopicArn);
    expect(mails).toHaveLength(1);
    expect(mails[0]!.subject).toContain(`→ ${standby.instanceId} (standby)`);
    expect(mails[0]!.message).toContain('has no warm standby');
  });
});

describe('what must not fail over', () => {
  let endpoint: string;
  let env: Deployed;
  let server: Server;

  // The same target also scales up: its high-CPU alarm resizes it.
  const policy = failoverPolicy(
    NO_STANDBY,
    `    scaleUp:
      when: { metric: CPUUtilization, above: 70, forMinutes: 5 }
      ladder: [t2.micro, t2.small]
      strategy: blue-green
`,
  );

  beforeAll(async () => {
    endpoint = await useMoto();
    const { AwsClients } = await import('../../lib/aws/clients');
    const aws = new AwsClients({ region: 'us-east-1' });
    server = await wordpress(aws, 'server', { instanceType: 't2.micro' });
    env = await deploy(policy);
  });

  it('a high-CPU alarm resizes the instance and fails nothing over', async () => {
    const event = await fireAlarm(
      env.aws,
      'autopilot-blog-high',
      [85, 88, 91, 86, 87],
      env.deployment.alarmTopicArn,
    );
    const result = await invoke(event);
    expect(result.actions.map((a: { type: string }) => a.type)).toContain('resize-instance');
    expect(result.actions.map((a: { type: string }) => a.type)).not.toContain('fail-over');
    const mails = await sentMessages(endpoint, env.deployment.notifyTopicArn);
    expect(mails.map((m) => m.attributes.action)).toEqual(['resize-instance']);
  });

  it("the stop of the instance the resize retired is the orchestrator's own: no failover", async () => {
    expect(tagsOf(await describeInstance(env.aws, server.instanceId))['autopilot:replaced-by']).toBeDefined();
    const before = await liveInstances(env.aws);
    const result = await invoke(stateChangeEvent(server.instanceId, 'stopped').event);
    expect(result.actions).toEqual([]);
    expect(result.ignored[0]).toMatch(/replaced by .* in a resize: not failed over|is already on/);
    expect((await liveInstances(env.aws)).sort()).toEqual(before.sort());
    expect(await sentMessages(endpoint, env.deployment.notifyTopicArn)).toHaveLength(1);
  });

  it('a state change of an instance no failover target names does nothing', async () => {
    const other = await wordpress(env.aws, 'standby', { tags: { Name: 'build-box' } });
    await stop(env.aws, other.instanceId);
    const result = await invoke(stateChangeEvent(other.instanceId, 'stopped').event);
    expect(result.actions).toEqual([]);
    expect(result.ignored).toEqual([
      `${other.instanceId} is not the instance of any failover target (blog): nothing to do`,
    ]);
  });

  it('a status-check alarm on a healthy instance does nothing, and says so', async () => {
    const holder = await addressHolder(env.aws, server.allocationId!);
    const event = await fireAlarm(
      env.aws,
      'autopilot-blog-system-check',
      [1, 1],
      env.deployment.alarmTopicArn,
    );
    const result = await invoke(event);
    expect(result.actions).toEqual([]);
    expect(result.ignored[0]).toContain('a stale or flapping alarm, nothing done');
    expect(await addressHolder(env.aws, server.allocationId!)).toBe(holder);
    expect(await instancesTagged(env.aws, 'autopilot:failed-over-to')).toHaveLength(0);
  });
});
