/**
 * How a failover is set off, against moto: a status-check alarm on an impaired instance (moto keeps every
 * status check `ok`, so DescribeInstanceStatus is stubbed for that one instance, and only there), and
 * reconcile noticing the address on an instance that is not running; and what holds it back: an
 * operation holding the target (a resize stopping its instance on purpose), and `replaceFrom: none`
 * without a healthy standby (nothing changes; a person is told).
 */
import { applyTrigger } from '../../lib/app/handle-trigger';
import { reconcile } from '../../lib/app/reconcile';
import { createRuntime, type Runtime } from '../../lib/app/runtime';
import { AwsClients } from '../../lib/aws/clients';
import { parseEvent } from '../../lib/events/parse-event';
import { fireAlarm } from '../../lib/local/alarm-event';
import type { Server } from '../../lib/local/fleet';
import { sentMessages } from '../../lib/local/moto';
import { silentLogger } from '../../lib/log';
import { parsePolicy } from '../../lib/policy/load';
import { localFailoverStarter } from '../../lib/workflows/failover-starter';
import { addressHolder, describeInstance, instancesTagged, tagsOf } from '../support/ec2';
import {
  failoverPolicy,
  lineageImage,
  liveInstances,
  NO_STANDBY,
  stateChangeEvent,
  stop,
  terminate,
  wordpress,
} from '../support/failover-fleet';
import { deploy, type Deployed } from '../support/fleet';
import { useMoto } from '../support/moto';

interface Scene {
  endpoint: string;
  env: Deployed;
  server: Server;
  rt: Runtime;
}

/** moto answers every status check `ok`: the one instance made impaired here, every other call to moto. */
function impair(aws: AwsClients, instanceId: string, check: 'system' | 'instance'): void {
  void aws.ec2().then(({ client }) =>
    client.middlewareStack.add(
      (next, context) => async (args) => {
        const input = args.input as { InstanceIds?: string[] };
        if (context.commandName !== 'DescribeInstanceStatusCommand' || input.InstanceIds?.[0] !== instanceId)
          return next(args);
        const status = (c: string) => ({ Status: c === check ? 'impaired' : 'ok' });
        return {
          output: {
            $metadata: { httpStatusCode: 200 },
            InstanceStatuses: [
              {
                InstanceId: instanceId,
                InstanceState: { Code: 16, Name: 'running' },
                SystemStatus: status('system'),
                InstanceStatus: status('instance'),
              },
            ],
          },
          response: {},
        } as never;
      },
      { step: 'initialize', name: 'impairedStatus' },
    ),
  );
}

async function scene(failover: string, options: { image?: boolean } = {}): Promise<Scene> {
  const endpoint = await useMoto();
  const aws = new AwsClients({ region: 'us-east-1' });
  const server = await wordpress(aws);
  if (options.image ?? true) await lineageImage(aws, server.instanceId, 'blog-image');
  const text = failoverPolicy(failover);
  const env = await deploy(text);
  const rt = createRuntime({
    policy: parsePolicy(text),
    stateTable: env.deployment.stateTable,
    notifyTopicArn: env.deployment.notifyTopicArn,
    alarmTopicArn: env.deployment.alarmTopicArn,
    failovers: (runtime) => localFailoverStarter(runtime, 0),
    log: silentLogger,
  });
  return { endpoint, env, server, rt };
}

describe('a system status check that fails on a running instance', () => {
  let s: Scene;

  beforeAll(async () => {
    s = await scene(NO_STANDBY);
    impair(s.rt.aws, s.server.instanceId, 'system');
    const event = await fireAlarm(
      s.env.aws,
      'autopilot-blog-system-check',
      [1, 1],
      s.env.deployment.alarmTopicArn,
    );
    await applyTrigger(s.rt, parseEvent(event)[0]!);
  });

  it('moves the address to a replacement and leaves the impaired instance stopped and tagged', async () => {
    const holder = await addressHolder(s.env.aws, s.server.allocationId!);
    expect(holder).not.toBe(s.server.instanceId);
    expect((await describeInstance(s.env.aws, holder!)).State?.Name).toBe('running');
    const failed = await describeInstance(s.env.aws, s.server.instanceId);
    expect(failed.State?.Name).toBe('stopped');
    expect(tagsOf(failed)['autopilot:failed-over-to']).toBe(holder);
  });

  it('says how it was detected', async () => {
    const [mail] = await sentMessages(s.endpoint, s.env.deployment.notifyTopicArn);
    expect(mail!.message).toContain(
      'Detected: alarm autopilot-blog-system-check (StatusCheckFailed_System for 2 min)',
    );
    expect(mail!.message).toContain(`running but failing the system status check`);
  });
});

describe('reconcile finds the address on a terminated instance (no event arrived)', () => {
  let s: Scene;
  let failovers: Awaited<ReturnType<typeof reconcile>>['failovers'];

  beforeAll(async () => {
    s = await scene(NO_STANDBY);
    await terminate(s.env.aws, s.server.instanceId);
    ({ failovers } = await reconcile(s.rt, s.env.deployment.alarmTopicArn));
  });

  it('fails the target over, as for the event', async () => {
    expect(failovers.flatMap((e) => e.outcomes.map((o) => [o.action.type, o.status]))).toEqual([
      ['fail-over', 'applied'],
    ]);
    const holder = await addressHolder(s.env.aws, s.server.allocationId!);
    expect(holder).not.toBe(s.server.instanceId);
    expect((await describeInstance(s.env.aws, holder!)).State?.Name).toBe('running');
  });

  it('finds nothing to do on the next run', async () => {
    const again = await reconcile(s.rt, s.env.deployment.alarmTopicArn);
    expect(again.failovers).toEqual([]);
    expect(await sentMessages(s.endpoint, s.env.deployment.notifyTopicArn)).toHaveLength(1);
  });
});

describe('an operation holds the target: the stop is a resize on purpose', () => {
  it('does not fail over, and tells why', async () => {
    const s = await scene(NO_STANDBY);
    await s.rt.store.acquireLock('blog', 'resize-op-1', new Date(), 3600);
    await stop(s.env.aws, s.server.instanceId);
    const before = await liveInstances(s.env.aws);
    const execution = await applyTrigger(
      s.rt,
      parseEvent(stateChangeEvent(s.server.instanceId, 'stopped').event)[0]!,
    );
    expect(execution.actions).toEqual([]);
    expect(execution.ignored[0]!.reason).toMatch(/held by operation resize-op-1 .*not failed over/);
    expect(await liveInstances(s.env.aws)).toEqual(before);
    expect(await addressHolder(s.env.aws, s.server.allocationId!)).toBe(s.server.instanceId);
  });
});

describe('replaceFrom: none and no standby', () => {
  it('changes nothing and e-mails a warning for a person', async () => {
    const s = await scene('      replaceFrom: none');
    await terminate(s.env.aws, s.server.instanceId);
    const execution = await applyTrigger(
      s.rt,
      parseEvent(stateChangeEvent(s.server.instanceId, 'terminated').event)[0]!,
    );
    expect(execution.actions).toEqual([]);
    expect(execution.ignored[0]).toMatchObject({ severity: 'warning', target: 'blog' });
    expect(execution.ignored[0]!.reason).toContain('replaceFrom is none');
    expect(await liveInstances(s.env.aws)).toEqual([]);
    expect(await instancesTagged(s.env.aws, 'autopilot:failed-over-to')).toEqual([]);
    expect(await sentMessages(s.endpoint, s.env.deployment.notifyTopicArn)).toHaveLength(1);
    // Reconcile sees the same situation and says so once, not on every run.
    const first = await reconcile(s.rt, s.env.deployment.alarmTopicArn);
    expect(first.failovers.flatMap((e) => e.ignored.map((i) => i.severity))).toEqual(['warning']);
    const sent = (await sentMessages(s.endpoint, s.env.deployment.notifyTopicArn)).length;
    const second = await reconcile(s.rt, s.env.deployment.alarmTopicArn);
    expect(second.failovers.flatMap((e) => e.ignored.map((i) => i.reason))).toEqual([
      expect.stringMatching(/already handled/),
    ]);
    expect(await sentMessages(s.endpoint, s.env.deployment.notifyTopicArn)).toHaveLength(sent);
  });
});

describe('no image of the lineage and the instance terminated', () => {
  it('changes nothing and says there is nothing to launch from', async () => {
    const s = await scene(NO_STANDBY, { image: false });
    await terminate(s.env.aws, s.server.instanceId);
    const execution = await applyTrigger(
      s.rt,
      parseEvent(stateChangeEvent(s.server.instanceId, 'terminated').event)[0]!,
    );
    expect(execution.actions).toEqual([]);
    expect(execution.ignored[0]!.reason).toContain('no image of its lineage to launch from');
    expect(await liveInstances(s.env.aws)).toEqual([]);
  });
});
