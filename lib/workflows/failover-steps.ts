/**
 * The steps of the failover state machine (resources/workflows/failover.asl.json) that are its own; the
 * rest (lock, image, health gate, re-pointed alarms) are the blue-green resize's (./replace-steps.ts).
 * Order, as a person would do it: re-check the failure, put a healthy server beside the failed one (the
 * standby, or a replacement from the newest image), move the address only once it is healthy, and only
 * then stop the failed instance, tagged for a person to inspect. Failover never terminates anything it
 * did not launch itself, and terminates its own replacement only while the address is not on it.
 */
import { ActionFailedError, ResizeRefused } from '../errors';
import type { FailoverRecord, FailoverState } from '../model/failover-state';
import { TAGS } from '../model/tags';
import type { ResizeDeps } from './resize-deps';
import { failoverEmail, outageSeconds } from './failover-email';
import {
  act,
  healthy,
  moveTo,
  OPERATION_TAG,
  passRoleHint,
  record,
  recorded,
  replacement,
  sharedSteps,
} from './replace-steps';

type Step = (d: ResizeDeps, s: FailoverState) => Promise<FailoverState>;

const progress = (d: ResizeDeps, s: FailoverState) => recorded<FailoverRecord>(d, s.key);
const remember = (d: ResizeDeps, s: FailoverState, change: Partial<FailoverRecord>) =>
  record<FailoverRecord>(d, s.key, change);

const gone = (state: string | undefined) =>
  state === undefined || state === 'terminated' || state === 'shutting-down';

/** The standby, if it runs and passes both status checks and one try of the health check. */
async function standbyReady(d: ResizeDeps, s: FailoverState): Promise<boolean> {
  if (!s.standbyInstanceId) return false;
  const standby = await d.instances.get(s.standbyInstanceId);
  if (!standby || standby.state !== 'running' || standby.tags[TAGS.failedOverTo]) return false;
  try {
    // One try, not the health check's whole time limit: a standby that does not answer now is not warm.
    const { ok } = await healthy(d, { ...s, checkingSince: new Date(0).toISOString() }, standby.id);
    return ok;
  } catch (error) {
    // Its health check failed (that try was its last); an AWS error is the step's, for its Retry.
    if (error instanceof ActionFailedError) return false;
    throw error;
  }
}

/** Where the address goes when no standby can take it: an image of the lineage, or one made now. */
async function replacementRoute(d: ResizeDeps, s: FailoverState): Promise<FailoverState> {
  const why = s.standbyInstanceId ? `the standby ${s.standbyInstanceId} is not running and healthy` : '';
  if (!s.mayReplace)
    throw new ResizeRefused(
      `${why || 'there is no standby'} and the policy's replaceFrom is none: ${s.publicIp} stays on ${s.instanceId}`,
    );
  if (s.imageId && (await d.ops.imageState(s.imageId)) === 'available')
    return { ...s, route: 'launch', notes: why ? [`${why}: a replacement was launched`] : [] };
  const failed = await d.instances.get(s.instanceId);
  if (failed?.state !== 'stopped')
    throw new ResizeRefused(
      `no available image of ${s.target}'s lineage to launch a replacement from, and ${s.instanceId} is ${failed?.state ?? 'gone'}, so none can be made from its volumes`,
    );
  return {
    ...s,
    route: 'image',
    notes: [`no image of ${s.target}'s lineage: one was made from the stopped ${s.instanceId}`],
  };
}

const steps: Record<string, Step> = {
  Lock: sharedSteps.Lock,
  CreateImage: sharedSteps.CreateImage,
  CheckImage: sharedSteps.CheckImage,
  CheckLaunched: sharedSteps.CheckLaunched,
  RepointAlarms: sharedSteps.RepointAlarms,

  async Inspect(d, s) {
    const op = await progress(d, s);
    if (op.finishedAt) return { ...s, done: true };
    // What a previous run's Launch recorded (the image, the notes): the e-mail reports them.
    const fresh = {
      ...s,
      ...(op.imageId ? { imageId: op.imageId } : {}),
      ...(op.notes ? { notes: op.notes } : {}),
      done: false,
      polls: 0,
      operation: 'fail-over' as const,
    };
    // A previous run moved the address already: go on from there (each later step is idempotent).
    if (op.servedBy)
      return { ...fresh, newInstanceId: op.servedBy, route: op.via === 'replacement' ? 'launch' : 'standby' };
    const [failed, holder] = await Promise.all([
      d.instances.get(s.instanceId),
      d.instances.addressHolder(s.allocationId),
    ]);
    if (failed && holder === failed.id && failed.state === 'running') {
      const status = await d.instances.status(failed.id);
      if (status.checksOk) {
        await remember(d, s, { recovered: true });
        return {
          ...fresh,
          done: true,
          notes: [`${failed.id} is running and passes its status checks again: nothing was done`],
        };
      }
    }
    const made = await replacement(d, s);
    if (made && made.id !== s.standbyInstanceId) return { ...fresh, newInstanceId: made.id, route: 'launch' };
    if (await standbyReady(d, s)) return { ...fresh, newInstanceId: s.standbyInstanceId!, route: 'standby' };
    return replacementRoute(d, fresh);
  },

  async Launch(d, s) {
    const made = await replacement(d, s);
    if (made) return { ...s, newInstanceId: made.id, polls: 0 };
    // Recorded before the launch: a re-run that finds the replacement skips the route that chose them.
    await remember(d, s, {
      ...(s.imageId ? { imageId: s.imageId } : {}),
      ...(s.route === 'image' ? { imageMade: true } : {}),
      notes: s.notes ?? [],
    });
    const userData = s.userData ?? (await d.instances.userData(s.instanceId).catch(() => undefined));
    const newInstanceId = await d.ops
      .launchReplacement(s.failed, s.imageId!, s.failed.type, {
        clientToken: s.key.slice(-64),
        tags: { [OPERATION_TAG]: s.key, [TAGS.replaces]: s.instanceId, [TAGS.managed]: 'true' },
        madeBy: { key: OPERATION_TAG, value: s.key },
        ...(userData ? { userData } : {}),
      })
      .catch((error: unknown) => {
        throw passRoleHint(error, s.failed, 'fail-over');
      });
    return { ...s, newInstanceId, polls: 0 };
  },

  async MoveAddress(d, s) {
    const moved = await act(d, moveTo(s, s.newInstanceId!, `${s.newInstanceId} is healthy`));
    const op = await progress(d, s);
    if (moved || !op.moveDoneAt)
      await remember(d, s, {
        servedBy: s.newInstanceId!,
        via: s.route === 'standby' ? 'standby' : 'replacement',
        moveDoneAt: op.moveDoneAt ?? d.now().toISOString(),
      });
    return s;
  },

  async VerifyAddress(d, s) {
    const holder = await d.instances.addressHolder(s.allocationId);
    if (holder === s.newInstanceId) return s;
    throw new ActionFailedError(
      'fail-over',
      `${s.publicIp} is on ${holder ?? 'nothing'}, not on ${s.newInstanceId}`,
    );
  },

  async Retire(d, s) {
    const failed = await d.instances.get(s.instanceId);
    if (!failed || gone(failed.state)) await remember(d, s, { failedGone: true });
    else {
      if (failed.tags[TAGS.failedOverTo] !== s.newInstanceId)
        await d.ops.tag([failed.id], { [TAGS.failedOverTo]: s.newInstanceId! });
      if (failed.state === 'running' || failed.state === 'pending') {
        await d.ops.stop(failed.id);
        await remember(d, s, { stoppedFailed: true });
      }
    }
    // A standby now serves the target: tagged so, it is the target's instance for reconcile and resizes.
    if (s.route === 'standby') {
      const standby = await d.instances.get(s.newInstanceId!);
      if (standby && standby.tags[TAGS.target] !== s.target)
        await d.ops.tag([standby.id], { [TAGS.target]: s.target });
    }
    return s;
  },

  async Finish(d, s) {
    let op = await progress(d, s);
    if (!op.finishedAt) {
      op = await remember(d, s, { finishedAt: d.now().toISOString() });
      // Once per operation: a re-run after a crash finds it finished.
      const outage = outageSeconds(s, op);
      if (outage !== undefined) d.telemetry?.measure('FailoverOutageSeconds', outage, { target: s.target });
    }
    if (!op.notified && d.notifier) {
      const holder = await d.instances.addressHolder(s.allocationId);
      await d.notifier.publish(failoverEmail(s, op, 'applied', holder));
      await remember(d, s, { notified: true });
    }
    await d.store.releaseLock(s.target, s.key);
    return { ...s, done: true };
  },

  async Rollback(d, s) {
    const undone: string[] = [];
    const holder = await d.instances.addressHolder(s.allocationId);
    const made = (await d.instances.findByTag(OPERATION_TAG, s.key)).filter(
      (i) => i.id !== s.instanceId && i.id !== s.standbyInstanceId,
    );
    // Only what this operation launched, and never the instance the address is on: once it moved to a
    // healthy instance, it stays there.
    const serving = holder !== undefined && holder !== s.instanceId ? holder : undefined;
    if (serving) undone.push(`${s.publicIp} stays on ${serving}, which passed its checks before the move`);
    for (const m of made)
      if (m.id !== holder) {
        await d.ops.terminate(m.id);
        undone.push(`replacement ${m.id} terminated`);
      }
    await remember(d, s, { rollback: undone.length > 0 ? undone.join(', ') : 'nothing had changed' });
    return s;
  },

  async Failed(d, s) {
    const op = await progress(d, s);
    if (!op.notified && d.notifier) {
      const holder = await d.instances.addressHolder(s.allocationId).catch(() => undefined);
      await d.notifier.publish(failoverEmail(s, op, 'failed', holder));
      await remember(d, s, { notified: true, finishedAt: op.finishedAt ?? d.now().toISOString() });
    }
    await d.store.releaseLock(s.target, s.key);
    return s;
  },
};

export const FAILOVER_STEPS = Object.keys(steps);

export async function runFailoverStep(
  deps: ResizeDeps,
  step: string,
  data: FailoverState,
): Promise<FailoverState> {
  const run = steps[step];
  if (!run) throw new Error(`unknown failover step ${step}`);
  deps.log.log('debug', `failover step ${step}`, { target: data.target, key: data.key });
  return run(deps, data);
}
