/**
 * The steps of the resize state machine (resources/workflows/resize.asl.json), one function each. A step
 * gets the execution's data and returns it with what it learnt. Every step re-reads AWS and acts only
 * on what it finds, so running it twice, or re-running the whole execution from the start after a
 * crash, converges on the same end state: one image, one replacement, the Elastic IP always attached.
 */
import { ActionFailedError, ResizeRefused } from '../errors';
import type { InstanceFacts } from '../model/instance';
import { TAGS } from '../model/tags';
import { checkCompatibility } from '../plan/compatibility';
import type { ResizeDeps } from './resize-deps';
import type { OperationRecord, ResizeState } from '../model/resize-state';
import { resizeEmail, unreachableSeconds } from './resize-email';
import {
  act,
  healthy,
  liveInstance,
  moveTo,
  OPERATION_TAG,
  passRoleHint,
  poll,
  record,
  recorded,
  repoint,
  replacement,
  sharedSteps,
} from './replace-steps';

export { LOCK_SECONDS, MAX_POLLS, OPERATION_TAG, passRoleHint } from './replace-steps';

type Step = (d: ResizeDeps, s: ResizeState) => Promise<ResizeState>;

const instance: (d: ResizeDeps, id: string) => Promise<InstanceFacts> = liveInstance;

const progress = (d: ResizeDeps, s: ResizeState) => recorded<OperationRecord>(d, s.key);
const remember = (d: ResizeDeps, s: ResizeState, change: Partial<OperationRecord>) =>
  record<OperationRecord>(d, s.key, change);

const steps: Record<string, Step> = {
  Lock: sharedSteps.Lock,
  CreateImage: sharedSteps.CreateImage,
  CheckImage: sharedSteps.CheckImage,
  CheckLaunched: sharedSteps.CheckLaunched,

  async Inspect(d, s) {
    const op = await progress(d, s);
    if (op.finishedAt) return { ...s, done: true };
    const old = await instance(d, s.instanceId);
    // A previous run already replaced the instance (blue-green) or changed its type (in place): go on
    // from where it got to; the checks were made before it changed anything.
    const started =
      old.tags[TAGS.replacedBy] !== undefined || old.type === s.to || (await replacement(d, s)) !== undefined;
    if (!started) {
      const facts = await d.instances.typeFacts([old.type, s.to]);
      const offered = old.availabilityZone
        ? await d.instances.offeredInZone(s.to, old.availabilityZone)
        : undefined;
      const check = checkCompatibility({
        instance: old,
        ...(facts.get(old.type) ? { current: facts.get(old.type)! } : {}),
        ...(facts.get(s.to) ? { target: facts.get(s.to)! } : {}),
        ...(offered === undefined ? {} : { offeredInZone: offered }),
        strategy: s.strategy,
      });
      if (!check.ok) throw new ResizeRefused(check.problems.join('; '));
      if (old.type !== s.from)
        throw new ResizeRefused(`${old.id} is a ${old.type} now, not the ${s.from} the plan was made for`);
      if (s.strategy === 'blue-green' && !old.elasticIp)
        throw new ResizeRefused(`${old.id} has no Elastic IP to move`);
    }
    // The address is remembered at the first look: after the move it is on the replacement.
    const eip = op.allocationId
      ? { allocationId: op.allocationId, publicIp: op.publicIp ?? '' }
      : old.elasticIp;
    if (eip && !op.allocationId)
      await remember(d, s, { allocationId: eip.allocationId, publicIp: eip.publicIp });
    return {
      ...s,
      done: false,
      polls: 0,
      ...(eip ? { allocationId: eip.allocationId, publicIp: eip.publicIp } : {}),
    };
  },

  async Stop(d, s) {
    const old = await instance(d, s.instanceId);
    if (old.type === s.to || old.state === 'stopped' || old.state === 'stopping') return s;
    await remember(d, s, { stopRequestedAt: d.now().toISOString() });
    await d.ops.stop(old.id);
    return s;
  },

  async CheckStopped(d, s) {
    const old = await instance(d, s.instanceId);
    return poll(s, old.type === s.to || old.state === 'stopped', `${old.id} to stop`);
  },

  async ModifyType(d, s) {
    const old = await instance(d, s.instanceId);
    if (old.type !== s.to) await d.ops.modifyType(old, s.to);
    return s;
  },

  async Start(d, s) {
    const old = await instance(d, s.instanceId);
    if (old.state === 'stopped') await d.ops.start(old.id);
    return { ...s, polls: 0 };
  },

  async CheckRunning(d, s) {
    const { ok, state } = await healthy(d, s, s.instanceId);
    if (ok) {
      const op = await progress(d, s);
      if (!op.runningAt) await remember(d, s, { runningAt: d.now().toISOString() });
    }
    return poll(state, ok, `${s.instanceId} to run and pass its checks`);
  },

  async Launch(d, s) {
    const made = await replacement(d, s);
    if (made) return { ...s, newInstanceId: made.id, polls: 0 };
    const old = await instance(d, s.instanceId);
    const userData = await d.instances.userData(old.id);
    const newInstanceId = await d.ops
      .launchReplacement(old, s.imageId!, s.to, {
        // RunInstances keeps a client token for a while and answers a repeat with the same instance.
        clientToken: s.key.slice(-64),
        tags: { [OPERATION_TAG]: s.key, [TAGS.replaces]: old.id, [TAGS.managed]: 'true' },
        madeBy: { key: OPERATION_TAG, value: s.key },
        ...(userData ? { userData } : {}),
      })
      .catch((error: unknown) => {
        throw passRoleHint(error, old);
      });
    return { ...s, newInstanceId, polls: 0 };
  },

  async MoveAddress(d, s) {
    const started = d.now().toISOString();
    const moved = await act(d, moveTo(s, s.newInstanceId!, 'the replacement passed its health check'));
    if (moved) await remember(d, s, { moveStartedAt: started, moveDoneAt: d.now().toISOString() });
    return s;
  },

  async VerifyAddress(d, s) {
    if (!s.allocationId) return s;
    const serving = s.strategy === 'blue-green' ? s.newInstanceId! : s.instanceId;
    const holder = await d.instances.addressHolder(s.allocationId);
    if (holder === serving) return s;
    // In a VPC the address stays through stop/start; should it not have, put it back rather than fail.
    if (s.strategy === 'in-place') {
      await act(d, moveTo(s, serving, 'it was not on the instance after its restart'));
      return s;
    }
    throw new ActionFailedError(
      'resize-instance',
      `${s.publicIp} is on ${holder ?? 'nothing'}, not on ${serving}`,
    );
  },

  async RepointAlarms(d, s) {
    return s.strategy === 'blue-green' ? sharedSteps.RepointAlarms(d, s) : s;
  },

  async RetireOld(d, s) {
    if (s.strategy !== 'blue-green') return s;
    const old = await instance(d, s.instanceId);
    if (old.tags[TAGS.replacedBy] !== s.newInstanceId)
      await d.ops.tag([old.id], { [TAGS.replacedBy]: s.newInstanceId! });
    if (s.retire === 'terminate') await d.ops.terminate(old.id);
    else if (old.state === 'running' || old.state === 'pending') await d.ops.stop(old.id);
    return s;
  },

  async Finish(d, s) {
    let op = await progress(d, s);
    if (!op.recorded) {
      const record = await d.store.readTarget(s.target);
      const at = d.now().toISOString();
      await d.store.recordChange(s.target, record.version, {
        at,
        direction: s.direction,
        from: s.from,
        to: s.to,
      });
      op = await remember(d, s, { recorded: true, finishedAt: at });
      // Once per operation, with the change: a re-run after a crash finds it recorded.
      const down = unreachableSeconds(s, op);
      if (down !== undefined) d.telemetry?.measure('ResizeDowntimeSeconds', down, { target: s.target });
    }
    if (!op.notified && d.notifier) {
      await d.notifier.publish(resizeEmail(s, op, 'applied'));
      await remember(d, s, { notified: true });
    }
    await d.store.releaseLock(s.target, s.key);
    return { ...s, done: true };
  },

  async Rollback(d, s) {
    const undone: string[] = [];
    if (s.strategy === 'in-place') {
      const old = await d.instances.get(s.instanceId);
      if (old && old.type !== s.from && old.state === 'stopped') {
        await d.ops.modifyType(old, s.from);
        undone.push(`type back to ${s.from}`);
      }
      const now = await d.instances.get(s.instanceId);
      if (now?.state === 'stopped') {
        await d.ops.start(now.id);
        undone.push(`${now.id} started again`);
      }
      if (s.allocationId && (await act(d, moveTo(s, s.instanceId, 'the resize is rolled back'))))
        undone.push(`${s.publicIp} back on ${s.instanceId}`);
    } else {
      const made = await replacement(d, s);
      const old = await d.instances.get(s.instanceId);
      // The address goes back before the replacement goes away: it is never left unattached.
      if (s.allocationId && old && (await act(d, moveTo(s, old.id, 'the resize is rolled back'))))
        undone.push(`${s.publicIp} moved back to ${old.id}`);
      if (old && old.tags[TAGS.replacedBy]) {
        await d.ops.untag([old.id], [TAGS.replacedBy]);
      }
      if (old && old.state === 'stopped' && (await progress(d, s)).moveDoneAt) {
        await d.ops.start(old.id);
        undone.push(`${old.id} started again`);
      }
      if (old) await repoint(d, s, old.id);
      if (made && made.state !== 'terminated') {
        await d.ops.terminate(made.id);
        undone.push(`replacement ${made.id} terminated`);
      }
    }
    const rollback = undone.length > 0 ? undone.join(', ') : 'nothing had changed';
    await remember(d, s, { rollback });
    return s;
  },

  async Failed(d, s) {
    let op = await progress(d, s);
    if (!op.notified && d.notifier) {
      await d.notifier.publish(resizeEmail(s, op, 'failed'));
      op = await remember(d, s, { notified: true });
    }
    if (!op.recorded) {
      // A failed attempt also starts the cooldown, so an alarm still firing does not retry every run.
      const record = await d.store.readTarget(s.target);
      await d.store.recordChange(s.target, record.version, {
        at: d.now().toISOString(),
        direction: s.direction,
        from: s.from,
        to: s.from,
      });
      await remember(d, s, { recorded: true, finishedAt: d.now().toISOString() });
    }
    await d.store.releaseLock(s.target, s.key);
    return s;
  },
};

export const RESIZE_STEPS = Object.keys(steps);

export async function runResizeStep(deps: ResizeDeps, step: string, data: ResizeState): Promise<ResizeState> {
  const run = steps[step];
  if (!run) throw new Error(`unknown resize step ${step}`);
  deps.log.log('debug', `resize step ${step}`, { target: data.target, key: data.key });
  return run(deps, data);
}
