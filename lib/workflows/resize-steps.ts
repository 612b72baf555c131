/**
 * The steps of the resize state machine (resources/workflows/resize.asl.json), one function each. A step
 * gets the execution's data and returns it with what it learnt. Every step re-reads AWS and acts only
 * on what it finds, so running it twice, or re-running the whole execution from the start after a
 * crash, converges on the same end state: one image, one replacement, the Elastic IP always attached.
 */
import { executeActions } from '../app/execute';
import { ActionFailedError, AwsCallError, errorMessage, ResizeRefused } from '../errors';
import type { Action, MoveAddressAction } from '../model/action';
import type { InstanceFacts } from '../model/instance';
import { TAGS } from '../model/tags';
import { checkCompatibility } from '../plan/compatibility';
import { alarmDefinition } from '../plan/alarms';
import { ruleFor } from '../policy/policy';
import type { ResizeDeps } from './resize-deps';
import { healthUrl } from '../aws/health-probe';
import type { OperationRecord, ResizeState } from '../model/resize-state';
import { resizeEmail } from './resize-email';

/** Tag that marks what one operation made, so a re-run finds it instead of making it again. */
export const OPERATION_TAG = 'autopilot:operation';
/** A resize holds its target for at most this long; a lost execution frees the target by itself. */
export const LOCK_SECONDS = 2 * 3600;
/** Polls of one wait loop before the step gives up (the state machine's Wait is 5–15 s). */
export const MAX_POLLS = 120;

type Step = (d: ResizeDeps, s: ResizeState) => Promise<ResizeState>;

async function instance(d: ResizeDeps, id: string): Promise<InstanceFacts> {
  const found = await d.instances.get(id);
  if (!found || found.state === 'terminated' || found.state === 'shutting-down') {
    throw new ResizeRefused(`${id} no longer exists`);
  }
  return found;
}

/**
 * A launch refused for the old instance's instance profile: the resize role may pass only the roles the
 * policy lists in `instanceRoles`. Says so, with the profile, rather than only "UnauthorizedOperation".
 */
export function passRoleHint(error: unknown, old: InstanceFacts): unknown {
  const code = error instanceof AwsCallError ? error.code : '';
  if (!old.iamInstanceProfileArn || !/^(UnauthorizedOperation|AccessDenied)/.test(code)) return error;
  return new ActionFailedError(
    'resize-instance',
    `the replacement of ${old.id} could not be launched with its instance profile ${old.iamInstanceProfileArn}: list that profile's role in the policy's instanceRoles (the only roles the resize role may pass) and deploy again (${errorMessage(error)})`,
    { cause: error },
  );
}

async function progress(d: ResizeDeps, s: ResizeState): Promise<OperationRecord> {
  return (await d.store.readOperation<OperationRecord>(s.key)) ?? {};
}

async function remember(
  d: ResizeDeps,
  s: ResizeState,
  change: Partial<OperationRecord>,
): Promise<OperationRecord> {
  const next = { ...(await progress(d, s)), ...change };
  await d.store.writeOperation(s.key, next, d.now());
  return next;
}

function poll(s: ResizeState, ready: boolean, what: string): ResizeState {
  if (ready) return { ...s, ready: true, polls: 0, checkingSince: undefined };
  const polls = (s.polls ?? 0) + 1;
  // Once the health check runs, its own time limit bounds the loop.
  if (polls > MAX_POLLS && !s.checkingSince)
    throw new ActionFailedError('resize-instance', `gave up waiting for ${what}`);
  return { ...s, ready: false, polls };
}

/** The new instance of a blue-green resize, made by this operation (found by its tag). */
async function replacement(d: ResizeDeps, s: ResizeState): Promise<InstanceFacts | undefined> {
  if (s.newInstanceId) return d.instances.get(s.newInstanceId);
  const made = (await d.instances.findByTag(OPERATION_TAG, s.key)).filter((i) => i.id !== s.instanceId);
  return made[0];
}

/**
 * Running, both status checks passed, and the HTTP health check (if any) answering as expected within
 * its time limit, counted from when the instance first ran.
 */
async function healthy(
  d: ResizeDeps,
  s: ResizeState,
  id: string,
): Promise<{ ok: boolean; state: ResizeState }> {
  const status = await d.instances.status(id);
  if (status.state !== 'running' || !status.checksOk) return { ok: false, state: s };
  if (!s.healthCheck) return { ok: true, state: s };
  const since = s.checkingSince ?? d.now().toISOString();
  const facts = await d.instances.get(id);
  const url = facts ? healthUrl(s.healthCheck, facts) : undefined;
  if (!url)
    throw new ActionFailedError('resize-instance', `${id} has no ${s.healthCheck.host} to health-check`);
  const code = await d.probe(url, 5000);
  if (code === s.healthCheck.expectStatus) return { ok: true, state: s };
  if (d.now().getTime() - Date.parse(since) > s.healthCheck.timeoutSeconds * 1000) {
    throw new ActionFailedError(
      'resize-instance',
      `health check ${url} answered ${code ?? 'nothing'} instead of ${s.healthCheck.expectStatus} for ${s.healthCheck.timeoutSeconds} s`,
    );
  }
  return { ok: false, state: { ...s, checkingSince: since } };
}

const steps: Record<string, Step> = {
  async Lock(d, s) {
    const lock = await d.store.acquireLock(s.target, s.key, d.now(), LOCK_SECONDS);
    if (lock.acquired) return { ...s, busy: false };
    d.log.log(
      'info',
      `${s.target} is held by operation ${lock.owner} since ${lock.since}: not resizing twice`,
      { target: s.target },
    );
    return { ...s, busy: true };
  },

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

  async CreateImage(d, s) {
    const found = await d.ops.findImage(OPERATION_TAG, s.key);
    if (found) return { ...s, imageId: found.id, polls: 0 };
    const old = await instance(d, s.instanceId);
    const tags = {
      [OPERATION_TAG]: s.key,
      [TAGS.managed]: 'true',
      [TAGS.lineage]: s.target,
      'autopilot:source-instance': old.id,
    };
    const name = `autopilot-${s.target}-${s.key.replace(/[^A-Za-z0-9()./_-]/g, '-')}`.slice(0, 128);
    const imageId = await d.ops.createImage(old, name, s.reboot, tags);
    return { ...s, imageId, polls: 0 };
  },

  async CheckImage(d, s) {
    const state = await d.ops.imageState(s.imageId!);
    if (state === 'failed' || state === 'missing' || state === 'deregistered') {
      throw new ActionFailedError('resize-instance', `the image ${s.imageId} of ${s.instanceId} is ${state}`);
    }
    return poll(s, state === 'available', `image ${s.imageId}`);
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

  async CheckLaunched(d, s) {
    const { ok, state } = await healthy(d, s, s.newInstanceId!);
    return poll(state, ok, `${s.newInstanceId} to run and pass its checks`);
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
    if (s.strategy !== 'blue-green') return s;
    await repoint(d, s, s.newInstanceId!);
    return s;
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

/** The target's alarms, watching `instanceId`. */
async function repoint(d: ResizeDeps, s: ResizeState, instanceId: string): Promise<void> {
  const target = d.policy.targets.find((t) => t.name === s.target);
  if (!target || !s.alarmTopicArn) return;
  for (const direction of ['high', 'low'] as const) {
    const rule = ruleFor(target, direction);
    if (!rule) continue;
    await act(d, {
      type: 'update-alarm',
      target: s.target,
      change: 'repoint',
      alarm: alarmDefinition(d.policy, target, rule, s.alarmTopicArn, instanceId),
      reason: `${s.target}'s alarms follow its serving instance ${instanceId}`,
    });
  }
}

/** The Elastic IP moved to `instanceId`, as the one executor moves it. */
const moveTo = (s: ResizeState, instanceId: string, why: string): MoveAddressAction => ({
  type: 'move-address',
  partOf: 'resize-instance',
  target: s.target,
  allocationId: s.allocationId!,
  publicIp: s.publicIp ?? '',
  fromInstance: instanceId === s.instanceId ? (s.newInstanceId ?? s.instanceId) : s.instanceId,
  toInstance: instanceId,
  reason: `${s.publicIp} moves to ${instanceId}: ${why}`,
});

/**
 * Carries out one of the resize's changes through the one executor (re-verified first: an address
 * already on the instance is not moved again). True when it was applied; a failure is thrown as it is,
 * for the state machine's Retry and Catch.
 */
async function act(d: ResizeDeps, action: Action): Promise<boolean> {
  const [outcome] = await executeActions([{ action }], {
    ports: {
      alarms: d.alarms,
      addresses: {
        addressHolder: (id) => d.instances.addressHolder(id),
        moveAddress: (id, instanceId) => d.ops.moveAddress(id, instanceId),
      },
    },
    ctx: { now: d.now, policy: d.policy },
    log: d.log,
    dryRun: false,
    stopOnFailure: true,
    throwOnFailure: true,
  });
  return outcome?.status === 'applied';
}

export const RESIZE_STEPS = Object.keys(steps);

export async function runResizeStep(deps: ResizeDeps, step: string, data: ResizeState): Promise<ResizeState> {
  const run = steps[step];
  if (!run) throw new Error(`unknown resize step ${step}`);
  deps.log.log('debug', `resize step ${step}`, { target: data.target, key: data.key });
  return run(deps, data);
}
