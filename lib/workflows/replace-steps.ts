/**
 * The steps a blue-green resize and a failover share: both put a server beside the old one (a
 * replacement launched from an image, or for a failover a standby already running), wait until it is
 * healthy, and only then move the Elastic IP to it and re-point the target's alarms. Each step re-reads
 * AWS and acts only on what it finds, so running it twice, or re-running the whole execution after a
 * crash, converges; each workflow's own steps (./resize-steps.ts, ./failover-steps.ts) do the rest.
 */
import { executeActions } from '../app/execute';
import { ActionFailedError, AwsCallError, errorMessage, ResizeRefused } from '../errors';
import type { Action, MoveAddressAction } from '../model/action';
import type { InstanceFacts } from '../model/instance';
import type { HealthCheck } from '../model/resize-state';
import { TAGS } from '../model/tags';
import { targetAlarms } from '../plan/alarms';
import type { ResizeDeps } from './resize-deps';
import { healthUrl } from '../aws/health-probe';

/** Tag that marks what one operation made, so a re-run finds it instead of making it again. */
export const OPERATION_TAG = 'autopilot:operation';
/** An operation holds its target for at most this long; a lost execution frees the target by itself. */
export const LOCK_SECONDS = 2 * 3600;
/** Polls of one wait loop before the step gives up (the state machine's Wait is 5–15 s). */
export const MAX_POLLS = 120;

/** What the shared steps read and write of a workflow's data. */
export interface Replacing {
  key: string;
  target: string;
  /** The instance being replaced (the old one of a resize, the failed one of a failover). */
  instanceId: string;
  /** Which operation this is, for its errors and the address move's `partOf`. @default resize-instance */
  operation?: 'resize-instance' | 'fail-over';
  reboot: boolean;
  healthCheck?: HealthCheck;
  alarmTopicArn?: string;
  allocationId?: string;
  publicIp?: string;
  imageId?: string;
  newInstanceId?: string;
  busy?: boolean;
  ready?: boolean;
  polls?: number;
  checkingSince?: string;
}

type Operation = NonNullable<Replacing['operation']>;
const operationOf = (s: Replacing): Operation => s.operation ?? 'resize-instance';

export type SharedStep = <S extends Replacing>(d: ResizeDeps, s: S) => Promise<S>;

/** What an operation recorded in the state table (`op#<key>`), so a re-run knows what happened before a crash. */
export async function recorded<R extends object>(d: ResizeDeps, key: string): Promise<R> {
  return (await d.store.readOperation<R>(key)) ?? ({} as R);
}

/** Adds `change` to the operation's record; returns the whole record. */
export async function record<R extends object>(d: ResizeDeps, key: string, change: Partial<R>): Promise<R> {
  const next = { ...(await recorded<R>(d, key)), ...change };
  await d.store.writeOperation(key, next, d.now());
  return next;
}

/** The instance, or a refusal when it is gone (terminated or going). */
export async function liveInstance(d: ResizeDeps, id: string): Promise<InstanceFacts> {
  const found = await d.instances.get(id);
  if (!found || found.state === 'terminated' || found.state === 'shutting-down') {
    throw new ResizeRefused(`${id} no longer exists`);
  }
  return found;
}

/**
 * A launch refused for the old instance's instance profile: the workflow's role may pass only the roles
 * the policy lists in `instanceRoles`. Says so, with the profile, rather than only "UnauthorizedOperation".
 */
export function passRoleHint(
  error: unknown,
  old: Pick<InstanceFacts, 'id' | 'iamInstanceProfileArn'>,
  operation: Operation = 'resize-instance',
): unknown {
  const code = error instanceof AwsCallError ? error.code : '';
  if (!old.iamInstanceProfileArn || !/^(UnauthorizedOperation|AccessDenied)/.test(code)) return error;
  return new ActionFailedError(
    operation,
    `the replacement of ${old.id} could not be launched with its instance profile ${old.iamInstanceProfileArn}: list that profile's role in the policy's instanceRoles (the only roles the resize role may pass) and deploy again (${errorMessage(error)})`,
    { cause: error },
  );
}

export function poll<S extends Replacing>(s: S, ready: boolean, what: string): S {
  if (ready) return { ...s, ready: true, polls: 0, checkingSince: undefined };
  const polls = (s.polls ?? 0) + 1;
  // Once the health check runs, its own time limit bounds the loop.
  if (polls > MAX_POLLS && !s.checkingSince)
    throw new ActionFailedError(operationOf(s), `gave up waiting for ${what}`);
  return { ...s, ready: false, polls };
}

/** The new instance this operation made (found by its tag), or the one it chose (a standby). */
export async function replacement(d: ResizeDeps, s: Replacing): Promise<InstanceFacts | undefined> {
  if (s.newInstanceId) return d.instances.get(s.newInstanceId);
  const made = (await d.instances.findByTag(OPERATION_TAG, s.key)).filter((i) => i.id !== s.instanceId);
  return made[0];
}

/**
 * Running, both status checks passed, and the HTTP health check (if any) answering as expected within
 * its time limit, counted from when the instance first ran.
 */
export async function healthy<S extends Replacing>(
  d: ResizeDeps,
  s: S,
  id: string,
): Promise<{ ok: boolean; state: S }> {
  const status = await d.instances.status(id);
  if (status.state !== 'running' || !status.checksOk) return { ok: false, state: s };
  if (!s.healthCheck) return { ok: true, state: s };
  const since = s.checkingSince ?? d.now().toISOString();
  const facts = await d.instances.get(id);
  const url = facts ? healthUrl(s.healthCheck, facts) : undefined;
  if (!url) throw new ActionFailedError(operationOf(s), `${id} has no ${s.healthCheck.host} to health-check`);
  const code = await d.probe(url, 5000);
  if (code === s.healthCheck.expectStatus) return { ok: true, state: s };
  if (d.now().getTime() - Date.parse(since) > s.healthCheck.timeoutSeconds * 1000) {
    throw new ActionFailedError(
      operationOf(s),
      `health check ${url} answered ${code ?? 'nothing'} instead of ${s.healthCheck.expectStatus} for ${s.healthCheck.timeoutSeconds} s`,
    );
  }
  return { ok: false, state: { ...s, checkingSince: since } };
}

/** The Elastic IP moved to `instanceId`, as the one executor moves it. */
export const moveTo = (s: Replacing, instanceId: string, why: string): MoveAddressAction => ({
  type: 'move-address',
  partOf: operationOf(s),
  target: s.target,
  allocationId: s.allocationId!,
  publicIp: s.publicIp ?? '',
  fromInstance: instanceId === s.instanceId ? (s.newInstanceId ?? s.instanceId) : s.instanceId,
  toInstance: instanceId,
  reason: `${s.publicIp} moves to ${instanceId}: ${why}`,
});

/**
 * Carries out one of the workflow's changes through the one executor (re-verified first: an address
 * already on the instance is not moved again). True when it was applied; a failure is thrown as it is,
 * for the state machine's Retry and Catch.
 */
export async function act(d: ResizeDeps, action: Action): Promise<boolean> {
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

/** Every alarm of the target (its rules' and its status checks'), watching `instanceId`. */
export async function repoint(d: ResizeDeps, s: Replacing, instanceId: string): Promise<void> {
  const target = d.policy.targets.find((t) => t.name === s.target);
  if (!target || !s.alarmTopicArn) return;
  for (const alarm of targetAlarms(d.policy, target, s.alarmTopicArn, instanceId, d.region)) {
    await act(d, {
      type: 'update-alarm',
      target: s.target,
      change: 'repoint',
      partOf: operationOf(s),
      alarm,
      reason: `${s.target}'s alarms follow its serving instance ${instanceId}`,
    });
  }
}

export const sharedSteps = {
  async Lock(d, s) {
    const lock = await d.store.acquireLock(s.target, s.key, d.now(), LOCK_SECONDS);
    if (lock.acquired) return { ...s, busy: false };
    d.log.log(
      'info',
      `${s.target} is held by operation ${lock.owner} since ${lock.since}: not acting twice`,
      {
        target: s.target,
      },
    );
    return { ...s, busy: true };
  },

  async CreateImage(d, s) {
    const found = await d.ops.findImage(OPERATION_TAG, s.key);
    if (found) return { ...s, imageId: found.id, polls: 0 };
    const old = await liveInstance(d, s.instanceId);
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
      throw new ActionFailedError(operationOf(s), `the image ${s.imageId} of ${s.instanceId} is ${state}`);
    }
    return poll(s, state === 'available', `image ${s.imageId}`);
  },

  async CheckLaunched(d, s) {
    const { ok, state } = await healthy(d, s, s.newInstanceId!);
    return poll(state, ok, `${s.newInstanceId} to run and pass its checks`);
  },

  async RepointAlarms(d, s) {
    await repoint(d, s, s.newInstanceId!);
    return s;
  },
} satisfies Record<string, SharedStep>;
