/**
 * The steps of the `refresh-image` state machine (resources/workflows/refresh-image.asl.json), one
 * function each. A step gets the execution's data and returns it with what it learnt. Every step
 * re-reads AWS and the operation's record and acts only on what it finds, so running it twice, or the
 * whole execution again from the start after a crash, converges: one image, one new launch version,
 * one instance refresh per operation.
 */
import type { Ports } from '../actions/ports';
import { executeActions } from '../app/execute';
import { ActionFailedError, ResizeRefused } from '../errors';
import type { StartInstanceRefreshAction } from '../model/action';
import type { InstanceRefreshPreferences } from '../model/launch';
import type { RefreshLaunch, RefreshState } from '../model/refresh-state';
import { TAGS } from '../model/tags';
import type { RefreshDeps } from './refresh-deps';
import { refreshEmail } from './refresh-email';
import { OPERATION_TAG } from './resize-steps';

/** A refresh holds its target for at most this long (an instance refresh with checkpoints takes hours). */
export const REFRESH_LOCK_SECONDS = 12 * 3600;
/** Polls of the instance refresh (the state machine waits 60 s between them): 11 hours. */
export const MAX_REFRESH_POLLS = 660;

/** What the operation has done, in the state table: found again by a re-run after a crash. */
interface RefreshRecord {
  refreshRequestedAt?: string;
  /** The image the group launched at the first look. */
  fromImageId?: string;
  imageId?: string;
  imageRequestedAt?: string;
  launch?: RefreshLaunch;
  launched?: boolean;
  refreshId?: string;
  notified?: boolean;
  finishedAt?: string;
}

type Step = (d: RefreshDeps, s: RefreshState) => Promise<RefreshState>;

const record = async (d: RefreshDeps, s: RefreshState): Promise<RefreshRecord> =>
  (await d.store.readOperation<RefreshRecord>(s.key)) ?? {};

async function remember(d: RefreshDeps, s: RefreshState, change: RefreshRecord): Promise<RefreshRecord> {
  const next = { ...(await record(d, s)), ...change };
  await d.store.writeOperation(s.key, next, d.now());
  return next;
}

const failed = (message: string) => new ActionFailedError('refresh-image', message);

/** `autopilot-<target>-<date>-<operation>`: the date for people, the operation so a re-run finds it. */
export function imageName(s: Pick<RefreshState, 'target' | 'key' | 'startedAt'>): string {
  const date = s.startedAt.slice(0, 10);
  const op = s.key.replace(/[^A-Za-z0-9()./_-]/g, '-');
  return `autopilot-${s.target}-${date}-${op}`.slice(0, 128);
}

/** An active refresh this operation asked for: started after it asked (a minute of clock skew allowed). */
function startedByUs(op: RefreshRecord, active: { startTime?: string }): boolean {
  if (!op.refreshRequestedAt || !active.startTime) return false;
  return Date.parse(active.startTime) >= Date.parse(op.refreshRequestedAt) - 60_000;
}

/**
 * Applies the rollout through the one executor (re-verified first: another refresh running is not
 * doubled, ours is adopted). A failure is thrown as it is, for the state machine's Retry and Catch.
 */
async function act(
  d: RefreshDeps,
  action: StartInstanceRefreshAction,
  instanceRefreshes: NonNullable<Ports['instanceRefreshes']>,
): Promise<string> {
  if (action.adopt) return `adopted ${action.adopt}`;
  const [outcome] = await executeActions([{ action }], {
    ports: { instanceRefreshes },
    ctx: { now: d.now, policy: d.policy },
    log: d.log,
    dryRun: false,
    stopOnFailure: true,
    throwOnFailure: true,
  });
  return outcome?.detail ?? outcome?.status ?? '';
}

/** A group that names a version number (not `$Default` or `$Latest`). */
const pinned = (l: { groupVersion: string }) => /^\d+$/.test(l.groupVersion);

/** The policy's rollout (the adapter leaves out what AWS does not allow for the group, and says why). */
const preferences = (s: RefreshState): InstanceRefreshPreferences => ({ ...s.policy.rollout });

/** What the group launches from, as the refresh will change it, and the image it launches now. */
async function inspectLaunch(
  d: RefreshDeps,
  s: RefreshState,
): Promise<{ launch: RefreshLaunch; fromImageId?: string }> {
  const launch = await d.launches.groupLaunch(s.autoScalingGroup);
  if (!launch) throw new ResizeRefused(`the group ${s.autoScalingGroup} does not exist`);
  if (launch.kind === 'unsupported') throw new ResizeRefused(`${s.autoScalingGroup}: ${launch.detail}`);
  const from = launch.imageId ? { fromImageId: launch.imageId } : {};
  if (launch.kind === 'launch-configuration')
    return { launch: { kind: 'launch-configuration', name: launch.name }, ...from };
  return {
    launch: {
      kind: 'launch-template',
      templateId: launch.templateId,
      templateName: launch.templateName,
      groupVersion: launch.version,
      previousDefault: launch.defaultVersion,
      baseVersion: launch.resolvedVersion,
    },
    ...from,
  };
}

const steps: Record<string, Step> = {
  /** A scheduled start (EventBridge) gives only `{ target }`: the rest comes from the policy. */
  async Begin(d, s) {
    if (s.key) return s;
    const target = d.policy.targets.find((t) => t.name === s.target);
    if (!target || target.kind !== 'auto-scaling-group' || !target.imageRefresh)
      throw new ResizeRefused(`no target ${s.target} with imageRefresh in the policy`);
    const now = d.now().toISOString();
    return {
      key: `refresh-${target.name}-${now}`,
      target: target.name,
      region: d.region,
      autoScalingGroup: target.autoScalingGroup,
      policy: target.imageRefresh,
      reason: `the scheduled image refresh of ${target.name} (${target.imageRefresh.schedule ?? 'on demand'})`,
      trigger: `the schedule ${target.imageRefresh.schedule ?? ''} of ${target.name}, at ${now}`,
      startedAt: now,
      polls: 0,
    };
  },

  async Lock(d, s) {
    const lock = await d.store.acquireLock(s.target, s.key, d.now(), REFRESH_LOCK_SECONDS);
    if (lock.acquired) return { ...s, busy: undefined };
    return { ...s, busy: `${s.target} is held by operation ${lock.owner} since ${lock.since}` };
  },

  async Inspect(d, s) {
    const op = await record(d, s);
    const sources = s.sourceInstanceId
      ? [await d.instances.get(s.sourceInstanceId)].filter((i) => i && i.state !== 'terminated')
      : await d.instances.find(s.policy.from.instance);
    if (sources.length !== 1)
      throw new ResizeRefused(
        sources.length === 0
          ? `no live source instance matches ${JSON.stringify(s.policy.from.instance)}`
          : `${sources.length} instances match the source selector: expected exactly one`,
      );
    // Read once, at the first look: after the change the group launches the new image.
    const seen = op.launch ? { launch: op.launch, fromImageId: op.fromImageId } : await inspectLaunch(d, s);
    if (!op.launch) await remember(d, s, seen);
    const active = await d.refreshes.active(s.autoScalingGroup);
    if (active && active.id !== op.refreshId && !startedByUs(op, active))
      return { ...s, busy: `instance refresh ${active.id} is ${active.status} on ${s.autoScalingGroup}` };
    const fromImageId = s.fromImageId ?? seen.fromImageId;
    return {
      ...s,
      sourceInstanceId: sources[0]!.id,
      launch: seen.launch,
      ...(fromImageId ? { fromImageId } : {}),
      polls: 0,
    };
  },

  async CreateImage(d, s) {
    const op = await record(d, s);
    const found = op.imageId ? { id: op.imageId } : await d.ops.findImage(OPERATION_TAG, s.key);
    const name = imageName(s);
    if (found) {
      const requested = op.imageRequestedAt ?? d.now().toISOString();
      if (!op.imageId) await remember(d, s, { imageId: found.id, imageRequestedAt: requested });
      return { ...s, imageId: found.id, imageName: name, imageRequestedAt: requested, polls: 0 };
    }
    const source = await d.instances.get(s.sourceInstanceId!);
    if (!source) throw new ResizeRefused(`the source instance ${s.sourceInstanceId} no longer exists`);
    const requested = d.now().toISOString();
    const imageId = await d.ops.createImage(source, name, s.policy.reboot, {
      [OPERATION_TAG]: s.key,
      [TAGS.managed]: 'true',
      [TAGS.lineage]: s.target,
      'autopilot:source-instance': source.id,
    });
    await remember(d, s, { imageId, imageRequestedAt: requested });
    return { ...s, imageId, imageName: name, imageRequestedAt: requested, polls: 0 };
  },

  async CheckImage(d, s) {
    const state = await d.ops.imageState(s.imageId!);
    if (state === 'failed' || state === 'missing' || state === 'deregistered' || state === 'error')
      throw failed(`the image ${s.imageId} of ${s.sourceInstanceId} is ${state}`);
    if (state === 'available') return { ...s, ready: true, polls: 0 };
    const waited = d.now().getTime() - Date.parse(s.imageRequestedAt ?? s.startedAt);
    if (waited > s.policy.imageTimeoutMinutes * 60_000)
      throw failed(
        `the image ${s.imageId} was not available after ${s.policy.imageTimeoutMinutes} minutes (${state})`,
      );
    return { ...s, ready: false, polls: s.polls + 1 };
  },

  async NewLaunch(d, s) {
    const op = await record(d, s);
    const launch = s.launch!;
    if (op.launched) return { ...s, launch: op.launch ?? launch };
    let next: RefreshLaunch;
    if (launch.kind === 'launch-template') {
      const version = await d.launches.createTemplateVersion(
        launch.templateId,
        launch.baseVersion,
        s.imageId!,
        s.key,
      );
      await d.launches.setDefaultVersion(launch.templateId, version);
      // `$Default` and `$Latest` follow the new version; a group that pins a number is given it by the
      // instance refresh itself (its desired configuration), which Auto Scaling can then roll back.
      next = { ...launch, newVersion: version };
    } else {
      const newName = `${launch.name.slice(0, 120)}-${imageName(s).slice(-120)}`.slice(0, 255);
      await d.launches.createLaunchConfiguration(launch.name, newName, s.imageId!);
      await d.launches.useLaunchConfiguration(s.autoScalingGroup, newName);
      next = { ...launch, newName };
    }
    await remember(d, s, { launch: next, launched: true });
    return { ...s, launch: next };
  },

  async StartRefresh(d, s) {
    const op = await record(d, s);
    if (op.refreshId) return { ...s, refreshId: op.refreshId, polls: 0 };
    // A run that crashed after asking finds its refresh by when it asked (a refresh has no tags).
    const active = await d.refreshes.active(s.autoScalingGroup);
    const ours = active && startedByUs(op, active) ? active.id : undefined;
    if (!ours) await remember(d, s, { refreshRequestedAt: d.now().toISOString() });
    const l = s.launch;
    let started: Awaited<ReturnType<RefreshDeps['refreshes']['start']>> | undefined;
    const detail = await act(
      d,
      {
        type: 'start-instance-refresh',
        partOf: 'refresh-image',
        target: s.target,
        region: s.region,
        autoScalingGroup: s.autoScalingGroup,
        imageId: s.imageId!,
        launch: l?.kind ?? 'launch-template',
        preferences: preferences(s),
        ...(l?.kind === 'launch-template' && pinned(l) && l.newVersion !== undefined
          ? { desired: { templateId: l.templateId, version: l.newVersion } }
          : {}),
        ...(ours ? { adopt: ours } : {}),
        reason: `roll ${s.imageId} out to ${s.autoScalingGroup}`,
      },
      {
        active: (g) => d.refreshes.active(g),
        start: async (...args) => (started = await d.refreshes.start(...args)),
      },
    );
    const id = started?.id ?? ours;
    if (!id) throw failed(`the instance refresh of ${s.autoScalingGroup} was not started: ${detail}`);
    await remember(d, s, { refreshId: id });
    const notes = (started?.leftOut ?? []).map((o) => `${o.preference} left out: ${o.reason}`);
    return { ...s, refreshId: id, polls: 0, ...(notes.length ? { notes } : {}) };
  },

  async CheckRefresh(d, s) {
    const facts = await d.refreshes.get(s.autoScalingGroup, s.refreshId!);
    if (!facts) throw failed(`the instance refresh ${s.refreshId} of ${s.autoScalingGroup} is gone`);
    const seen = {
      ...s,
      refreshStatus: facts.status,
      ...(facts.statusReason ? { refreshReason: facts.statusReason } : {}),
      ...(facts.percentComplete === undefined ? {} : { percentComplete: facts.percentComplete }),
    };
    if (facts.status === 'Successful') return { ...seen, ready: true, polls: 0 };
    if (['Failed', 'Cancelled', 'RollbackSuccessful', 'RollbackFailed'].includes(facts.status))
      throw failed(
        `the instance refresh ${facts.id} of ${s.autoScalingGroup} ended ${facts.status}${facts.statusReason ? `: ${facts.statusReason}` : ''}`,
      );
    if (s.polls + 1 > MAX_REFRESH_POLLS)
      throw failed(`gave up following the instance refresh ${facts.id} (${facts.status})`);
    return { ...seen, ready: false, polls: s.polls + 1 };
  },

  async Retire(d, s) {
    const { outcomes, ...retired } = await d.retention.retire(s, false);
    const failures = outcomes.filter((o) => o.status === 'failed');
    for (const f of failures)
      d.log.log('warn', 'retiring an old image failed', { target: s.target, error: f.detail });
    return { ...s, retired };
  },

  async Finish(d, s) {
    const op = await record(d, s);
    if (!op.notified && d.notifier) {
      await d.notifier.publish(refreshEmail(s, 'succeeded'));
      await remember(d, s, { notified: true, finishedAt: d.now().toISOString() });
    } else if (!op.finishedAt) await remember(d, s, { finishedAt: d.now().toISOString() });
    await d.store.releaseLock(s.target, s.key);
    return s;
  },

  /** Another operation holds the target, or another instance refresh the group: nothing was done. */
  async Busy(d, s) {
    d.log.log('info', `not refreshing ${s.target}: ${s.busy}`, { target: s.target });
    // Ours only when Inspect found the other refresh (the release is conditional on the owner).
    await d.store.releaseLock(s.target, s.key);
    return s;
  },

  /**
   * After a failure: a rollout that did not succeed is stopped and the group launches what it did
   * before (unless someone changed it since); an image not yet in any launch data is discarded, through
   * cleanup's own actions and guards.
   */
  async Rollback(d, s) {
    const op = await record(d, s);
    const launch = op.launch ?? s.launch;
    if (op.refreshId) {
      const active = await d.refreshes.active(s.autoScalingGroup);
      if (active?.id === op.refreshId) await d.refreshes.cancel(s.autoScalingGroup);
    }
    if (op.launched && launch) {
      const now = await d.launches.groupLaunch(s.autoScalingGroup);
      if (launch.kind === 'launch-template' && launch.newVersion !== undefined) {
        if (now?.kind === 'launch-template' && now.defaultVersion === launch.newVersion)
          await d.launches.setDefaultVersion(launch.templateId, launch.previousDefault);
        // A pinned group given the new version by a refresh that then failed gets its own back.
        if (pinned(launch) && now?.kind === 'launch-template' && now.version === String(launch.newVersion))
          await d.launches.useTemplateVersion(s.autoScalingGroup, launch.templateId, launch.groupVersion);
      }
      if (
        launch.kind === 'launch-configuration' &&
        now?.kind === 'launch-configuration' &&
        now.name === launch.newName
      )
        await d.launches.useLaunchConfiguration(s.autoScalingGroup, launch.name);
    }
    // An image the group never launched from is discarded; once a launch version names it, both are
    // kept for inspection (cleanup's image rule retires the image once nothing uses it).
    const imageId = op.imageId ?? s.imageId;
    if (imageId && !op.launched) {
      const outcomes = await d.retention.discard(imageId);
      for (const o of outcomes.filter((x) => x.status !== 'applied'))
        d.log.log('warn', 'the failed refresh image was kept', { imageId, detail: o.detail });
    }
    return s;
  },

  async Failed(d, s) {
    const op = await record(d, s);
    if (!op.notified && d.notifier) {
      await d.notifier.publish(refreshEmail(s, 'failed'));
      await remember(d, s, { notified: true, finishedAt: d.now().toISOString() });
    }
    await d.store.releaseLock(s.target, s.key);
    return s;
  },
};

export const REFRESH_STEPS = Object.keys(steps);

export async function runRefreshStep(
  deps: RefreshDeps,
  step: string,
  data: RefreshState,
): Promise<RefreshState> {
  const run = steps[step];
  if (!run) throw new Error(`unknown refresh step ${step}`);
  deps.log.log('debug', `refresh step ${step}`, { target: data.target, key: data.key });
  return run(deps, data);
}
