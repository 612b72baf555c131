/**
 * Durable resizes: for every step of each strategy, the workflow is cut right after that step (as a
 * crash of the process running it would), then the same execution is run again from the start. The end
 * state must be the one a clean run gives: one image, one replacement, the Elastic IP attached at every
 * moment, one e-mail. And two alarms racing for one target give one resize.
 */
import { applyTrigger } from '../../lib/app/handle-trigger';
import { createRuntime, type Runtime } from '../../lib/app/runtime';
import { silentLogger } from '../../lib/log';
import { AwsClients } from '../../lib/aws/clients';
import { parseEvent } from '../../lib/events/parse-event';
import { fireAlarm } from '../../lib/local/alarm-event';
import { createServer, type Server } from '../../lib/local/fleet';
import { sentMessages } from '../../lib/local/moto';
import { parsePolicy } from '../../lib/policy/load';
import { runResizeLocally } from '../../lib/workflows/local-runner';
import type { ResizeState } from '../../lib/model/resize-state';
import { localStarter, resizeDeps, type ResizeStarter } from '../../lib/workflows/starter';
import { deploy, type Deployed } from '../support/fleet';
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

const policyText = (strategy: string) =>
  blogPolicy(`      ladder: [t2.micro, t2.small, t2.medium]\n      strategy: ${strategy}`);

const STEPS = {
  'blue-green': [
    'Lock',
    'Inspect',
    'CreateImage',
    'CheckImage',
    'Launch',
    'CheckLaunched',
    'MoveAddress',
    'VerifyAddress',
    'RepointAlarms',
    'RetireOld',
    'Finish',
  ],
  'in-place': [
    'Lock',
    'Inspect',
    'Stop',
    'CheckStopped',
    'ModifyType',
    'Start',
    'CheckRunning',
    'VerifyAddress',
    'RepointAlarms',
    'RetireOld',
    'Finish',
  ],
} as const;

interface Scene {
  endpoint: string;
  env: Deployed;
  server: Server;
  text: string;
}

async function scene(strategy: string): Promise<Scene> {
  const endpoint = await useMoto();
  const server = await createServer(new AwsClients({ region: 'us-east-1' }), {
    tags: { Name: 'wordpress' },
    instanceType: 't2.micro',
    elasticIp: true,
  });
  const text = policyText(strategy);
  const env = await deploy(text);
  return { endpoint, env, server, text };
}

function runtime(s: Scene, resizes: (rt: Runtime) => ResizeStarter): Runtime {
  return createRuntime({
    policy: parsePolicy(s.text),
    stateTable: s.env.deployment.stateTable,
    notifyTopicArn: s.env.deployment.notifyTopicArn,
    alarmTopicArn: s.env.deployment.alarmTopicArn,
    resizes,
    log: silentLogger,
  });
}

describe.each(['blue-green', 'in-place'] as const)(
  '%s: crash right after each step, then run again from the start',
  (strategy) => {
    it.each(STEPS[strategy])('after %s', async (step) => {
      const s = await scene(strategy);
      let input: ResizeState | undefined;
      const attachedAtCrash: (string | undefined)[] = [];
      const crashing = (rt: Runtime): ResizeStarter => ({
        async start(i) {
          input = i;
          const result = await runResizeLocally(resizeDeps(rt), i, {
            waitMs: 0,
            afterStep: async (done) => {
              if (done !== step) return 'continue';
              attachedAtCrash.push(await addressHolder(s.env.aws, s.server.allocationId!));
              return 'crash';
            },
          });
          expect(result).toEqual({ status: 'crashed', afterStep: step });
          return { status: 'failed', detail: 'crashed' };
        },
      });
      const rt = runtime(s, crashing);
      const [trigger] = parseEvent(
        await fireAlarm(
          s.env.aws,
          'autopilot-blog-high',
          [90, 91, 92, 93, 94],
          s.env.deployment.alarmTopicArn,
        ),
      );
      await applyTrigger(rt, trigger!);
      expect(attachedAtCrash).toHaveLength(1);
      expect(attachedAtCrash[0]).toBeDefined();

      const rerun = await runResizeLocally(resizeDeps(rt), input!, { waitMs: 0 });
      expect(rerun.status).toBe('succeeded');

      const holder = await addressHolder(s.env.aws, s.server.allocationId!);
      const mails = await sentMessages(s.endpoint, s.env.deployment.notifyTopicArn);
      expect(mails.map((m) => m.attributes.outcome)).toEqual(['applied']);
      expect(await rt.store.readLock('blog')).toBeUndefined();
      expect(await rt.store.readTarget('blog')).toMatchObject({
        lastFrom: 't2.micro',
        lastTo: 't2.small',
        lastDirection: 'up',
      });
      if (strategy === 'blue-green') {
        const made = await instancesTagged(s.env.aws, 'autopilot:operation');
        expect(made).toHaveLength(1);
        expect(made[0]).toMatchObject({ InstanceType: 't2.small', State: { Name: 'running' } });
        expect(holder).toBe(made[0]!.InstanceId);
        expect(await imagesTagged(s.env.aws, 'autopilot:operation')).toHaveLength(1);
        const old = await describeInstance(s.env.aws, s.server.instanceId);
        expect(old.State?.Name).toBe('stopped');
        expect(tagsOf(old)['autopilot:replaced-by']).toBe(holder);
        expect(await alarmDimensions(s.env.aws, 'autopilot-blog-high')).toEqual({ InstanceId: holder });
      } else {
        expect(holder).toBe(s.server.instanceId);
        expect(await describeInstance(s.env.aws, s.server.instanceId)).toMatchObject({
          InstanceType: 't2.small',
          State: { Name: 'running' },
        });
        expect(await instancesTagged(s.env.aws, 'autopilot:operation')).toHaveLength(0);
      }
    });
  },
);

describe('two alarms racing for one target', () => {
  it('give one resize', async () => {
    const s = await scene('blue-green');
    const first = parseEvent(
      await fireAlarm(s.env.aws, 'autopilot-blog-high', [90], s.env.deployment.alarmTopicArn),
    )[0]!;
    const second = parseEvent(
      await fireAlarm(s.env.aws, 'autopilot-blog-high', [97], s.env.deployment.alarmTopicArn),
    )[0]!;
    expect(
      second.kind === 'alarm' && first.kind === 'alarm' && second.stateChangeTime !== first.stateChangeTime,
    ).toBe(true);
    const [a, b] = await Promise.all([
      applyTrigger(
        runtime(s, (rt) => localStarter(rt, 0)),
        first,
      ),
      applyTrigger(
        runtime(s, (rt) => localStarter(rt, 0)),
        second,
      ),
    ]);
    const resized = [a, b]
      .flatMap((e) => e.outcomes)
      .filter((o) => o.action.type === 'resize-instance' && o.status === 'applied');
    expect(resized).toHaveLength(1);
    expect(await instancesTagged(s.env.aws, 'autopilot:operation')).toHaveLength(1);
    expect(await imagesTagged(s.env.aws, 'autopilot:operation')).toHaveLength(1);
    expect(
      (await sentMessages(s.endpoint, s.env.deployment.notifyTopicArn)).map((m) => m.attributes.outcome),
    ).toEqual(['applied']);
    // The other alarm was recorded, not acted on: the lock, or the cooldown that follows it, held it.
    const other = [a, b].find((e) => !e.outcomes.some((o) => o.status === 'applied'))!;
    const said = [...other.ignored.map((i) => i.reason), ...other.outcomes.map((o) => o.detail ?? '')].join(
      ' ',
    );
    expect(said).toMatch(/in flight|holds blog|cooling down/);
  });
});
