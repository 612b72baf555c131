/**
 * Durable failovers (issue 10): for each route, and for every step its execution passes through, the
 * workflow is cut right after that step (as a crash of the process running it would), then the same
 * execution is run again from the start. The end state must be the one a clean run gives: the Elastic
 * IP on one running instance (the standby, or one replacement), nothing more launched or imaged, the
 * failed instance stopped and tagged, the lock released, one e-mail.
 */
import { applyTrigger } from '../../lib/app/handle-trigger';
import { createRuntime, type Runtime } from '../../lib/app/runtime';
import { AwsClients } from '../../lib/aws/clients';
import { parseEvent } from '../../lib/events/parse-event';
import type { Server } from '../../lib/local/fleet';
import { sentMessages } from '../../lib/local/moto';
import { silentLogger } from '../../lib/log';
import type { FailoverState } from '../../lib/model/failover-state';
import { parsePolicy } from '../../lib/policy/load';
import { runFailoverLocally } from '../../lib/workflows/local-runner';
import { resizeDeps } from '../../lib/workflows/starter';
import {
  addressHolder,
  alarmDimensions,
  describeInstance,
  imagesTagged,
  instancesTagged,
  tagsOf,
} from '../support/ec2';
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
import { deploy, type Deployed } from '../support/fleet';
import { useMoto } from '../support/moto';

type RouteName = 'terminated, lineage image' | 'stopped, standby' | 'stopped, image made now';

const AFTER_LAUNCH = ['CheckLaunched', 'MoveAddress', 'VerifyAddress', 'RepointAlarms', 'Retire', 'Finish'];

/** The steps a clean run of each route passes through, in order (the first test of each checks it). */
const STEPS: Record<RouteName, string[]> = {
  'terminated, lineage image': ['Lock', 'Inspect', 'Launch', ...AFTER_LAUNCH],
  'stopped, standby': ['Lock', 'Inspect', ...AFTER_LAUNCH],
  'stopped, image made now': ['Lock', 'Inspect', 'CreateImage', 'CheckImage', 'Launch', ...AFTER_LAUNCH],
};

interface Scene {
  endpoint: string;
  env: Deployed;
  server: Server;
  standby?: Server;
  lineage?: string;
  rt: Runtime;
  /** The workflow's input, as the product plans it and `fail-over` builds it. */
  input: FailoverState;
}

/** A fresh moto with the route's world, the failure done, and the failover planned (not yet run). */
async function scene(route: RouteName): Promise<Scene> {
  const endpoint = await useMoto();
  const aws = new AwsClients({ region: 'us-east-1' });
  const server = await wordpress(aws);
  const standby = route === 'stopped, standby' ? await wordpress(aws, 'standby') : undefined;
  const lineage =
    route === 'terminated, lineage image'
      ? await lineageImage(aws, server.instanceId, 'blog-image')
      : undefined;
  const text = failoverPolicy(standby ? WITH_STANDBY : NO_STANDBY);
  const env = await deploy(text);
  const state = route === 'terminated, lineage image' ? 'terminated' : 'stopped';
  await (state === 'terminated' ? terminate : stop)(env.aws, server.instanceId);

  let input: FailoverState | undefined;
  const rt = createRuntime({
    policy: parsePolicy(text),
    stateTable: env.deployment.stateTable,
    notifyTopicArn: env.deployment.notifyTopicArn,
    alarmTopicArn: env.deployment.alarmTopicArn,
    // Captures the input instead of running it: each test runs (and cuts) the workflow itself.
    failovers: () => ({
      start: async (i) => {
        input = i;
        return { status: 'started', detail: 'captured' };
      },
    }),
    log: silentLogger,
  });
  const [trigger] = parseEvent(stateChangeEvent(server.instanceId, state).event);
  const planned = await applyTrigger(rt, trigger!);
  expect(planned.outcomes.map((o) => [o.action.type, o.status])).toEqual([['fail-over', 'started']]);
  expect(input).toMatchObject({
    via: standby ? 'standby' : 'replacement',
    ...(lineage ? { imageId: lineage } : {}),
  });
  return {
    endpoint,
    env,
    server,
    rt,
    input: input!,
    ...(standby ? { standby } : {}),
    ...(lineage ? { lineage } : {}),
  };
}

const run = (s: Scene, afterStep?: (step: string) => 'continue' | 'crash') =>
  runFailoverLocally(resizeDeps(s.rt), s.input, { waitMs: 0, ...(afterStep ? { afterStep } : {}) });

/**
 * What a run leaves, with the ids named by their role, so two runs in two moto states compare equal;
 * the invariants every end state must keep are asserted on the way.
 */
async function endState(s: Scene) {
  const aws = s.env.aws;
  const holder = await addressHolder(aws, s.server.allocationId!);
  const launched = await instancesTagged(aws, 'autopilot:operation', s.input.key);
  const made = await imagesTagged(aws, 'autopilot:operation');
  const serving = s.standby?.instanceId ?? launched[0]?.InstanceId;
  expect(serving).toBeDefined();
  expect(holder).toBe(serving);
  expect(launched).toHaveLength(s.standby ? 0 : 1);
  expect(made.length).toBeLessThanOrEqual(1);
  expect(await liveInstances(aws)).toEqual([serving]);
  expect(await s.rt.store.readLock('blog')).toBeUndefined();

  const names: [string | undefined, string][] = [
    [serving, '<serving>'],
    [s.server.instanceId, '<failed>'],
    [s.server.imageId, '<base-image>'],
    [s.standby?.imageId, '<standby-image>'],
    [s.lineage, '<lineage-image>'],
    [made[0]?.ImageId, '<image-made>'],
    [s.server.publicIp, '<ip>'],
    [s.input.key, '<key>'],
  ];
  const roles = (text: string) =>
    names
      .reduce((t, [id, role]) => (id ? t.split(id).join(role) : t), text)
      .replace(/\d{4}-\d\d-\d\dT[\d:.]+Z/g, '<time>')
      .replace(/\d+ s after/g, '<n> s after');
  const described = async (id: string) => {
    const i = await describeInstance(aws, id);
    return { state: i.State?.Name, image: roles(i.ImageId ?? ''), tags: roles(JSON.stringify(tagsOf(i))) };
  };
  const mails = await sentMessages(s.endpoint, s.env.deployment.notifyTopicArn);
  return {
    serving: await described(serving!),
    failed: await described(s.server.instanceId),
    imagesMade: made.length,
    alarms: roles((await alarmDimensions(aws, 'autopilot-blog-system-check')).InstanceId ?? ''),
    mails: mails.map((m) => ({ ...m.attributes, subject: roles(m.subject ?? ''), body: roles(m.message) })),
  };
}

describe.each(Object.keys(STEPS) as RouteName[])(
  '%s: crash right after each step, then run again',
  (route) => {
    let clean: Awaited<ReturnType<typeof endState>>;

    it('a clean run passes through the expected steps and fails over', async () => {
      const s = await scene(route);
      const passed: string[] = [];
      const result = await run(s, (step) => (passed.push(step), 'continue'));
      expect(result.status).toBe('succeeded');
      expect(passed).toEqual(STEPS[route]);
      clean = await endState(s);
      expect(clean).toMatchObject({
        serving: { state: 'running' },
        failed: { state: route === 'terminated, lineage image' ? 'terminated' : 'stopped' },
        imagesMade: route === 'stopped, image made now' ? 1 : 0,
        alarms: '<serving>',
        mails: [{ action: 'fail-over', outcome: 'applied' }],
      });
      if (route !== 'terminated, lineage image')
        expect(JSON.parse(clean.failed.tags)).toMatchObject({ 'autopilot:failed-over-to': '<serving>' });
    });

    it.each(STEPS[route])('after %s', async (step) => {
      expect(clean).toBeDefined();
      const s = await scene(route);
      const cut = await run(s, (done) => (done === step ? 'crash' : 'continue'));
      expect(cut).toEqual({ status: 'crashed', afterStep: step });
      const rerun = await run(s);
      expect(rerun.status).toBe('succeeded');
      expect(await endState(s)).toEqual(clean);
    });
  },
);
