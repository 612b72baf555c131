/**
 * Image retention, the last step of an image refresh: read what the planner needs, plan, and carry the
 * plan out through the one executor with cleanup's own actions and ports, so that every deregistration
 * and snapshot deletion is re-verified on fresh state just before it is made. Also the discard of a
 * refresh's failed or timed-out image, through the same two actions.
 *
 * Reads, in as few calls as AWS allows: the lineage's images (one listing, filtered by AWS on the tag);
 * what launches from them (instances that are not terminated, every version of every launch template,
 * launch configurations: the re-verification's own reads); the launch permissions of the images the
 * image rule suspects (one call each); and, only when something is to be deregistered, every image of
 * the account (the snapshots another image is made from stay).
 *
 * Order of the changes: the cleanup marks first (the deletions' checks and the deleting role's IAM
 * require them), then every deregistration, then every snapshot deletion. A resource whose mark could
 * not be written is not touched; one found in use again is kept and its mark removed (the executor's
 * follow-up), and one whose deletion failed keeps its mark, so cleanup's next run finishes the job with
 * its own checks.
 */
import { CallLog, type CleanupIo } from '../aws/cleanup/calls';
import { FreshReads } from '../aws/cleanup/fresh';
import { imageShares } from '../aws/cleanup/scan-ec2';
import { CleanupWrites } from '../aws/cleanup/writes';
import type { DeregisterImageAction } from '../model/action';
import type { ImageFacts } from '../model/inventory';
import type { Outcome } from '../model/plan';
import { TAGS } from '../model/tags';
import {
  planDiscard,
  planRetention,
  retentionLookups,
  retentionMarks,
  type KeptImage,
  type KeptSnapshot,
  type RetentionPlan,
  type RetirementAction,
} from '../plan/image-retention';
import type { AutoScalingTarget } from '../policy/policy';
import { executeActions, planned, type ExecutionEnv } from './execute';
import type { Runtime } from './runtime';

/** The outcome of one of retention's actions. */
export type RetirementOutcome = Omit<Outcome, 'action'> & { action: RetirementAction };

export interface RetentionResult {
  target: string;
  dryRun: boolean;
  /** The planned actions, in the order they were carried out. */
  planned: RetirementAction[];
  /** The outcome of each planned action, in the same order. */
  executed: RetirementOutcome[];
  /** Every image of the lineage that stays, newest first, with why. */
  kept: KeptImage[];
  /** Snapshots of retired images that stay because another image is made from them. */
  keptSnapshots: KeptSnapshot[];
  /** Images deregistered (or deprecated) and snapshots deleted: what was applied. */
  retiredImageIds: string[];
  deletedSnapshotIds: string[];
  /** The snapshot storage the applied deletions save a month, in USD (0 in a dry run). */
  savedMonthlyUsd: number;
}

/** Deletions in flight at once (cleanup's figure). */
const CONCURRENCY = 4;

const cents = (usd: number) => Math.round(usd * 100) / 100;

function io(rt: Runtime): { io: CleanupIo; region: string } {
  return { io: { clients: () => rt.aws, log: new CallLog() }, region: rt.aws.region };
}

/** What launches from `images` now: the re-verification's own reads. */
async function usageOf(reads: FreshReads, images: ImageFacts[]) {
  const ids = images.map((i) => i.id);
  const [instances, launchTemplates, launchConfigurations] = await Promise.all([
    reads.instancesOfImages(ids),
    reads.templatesOfImages(ids),
    reads.configurationsOfImages(ids),
  ]);
  return { instances, launchTemplates, launchConfigurations };
}

/** Launch permissions of `ids` (the cleanup scan's `image-shares` lookup), one call each. */
const sharesOf = async (cio: CleanupIo, region: string, ids: string[]): Promise<Record<string, number>> =>
  ids.length > 0 ? imageShares(cio, region, ids) : {};

/** The marks, then the plan's actions, through the one executor; an outcome per action, in order. */
async function carryOut(
  rt: Runtime,
  cio: CleanupIo,
  region: string,
  actions: RetirementAction[],
  dryRun: boolean,
): Promise<RetirementOutcome[]> {
  const env: ExecutionEnv = {
    ports: { cleanupReads: new FreshReads(cio, region), cleanupWrites: new CleanupWrites(cio, region) },
    ctx: { now: rt.now, policy: rt.policy, region },
    log: rt.log,
    dryRun,
    stopOnFailure: false,
    concurrency: CONCURRENCY,
  };
  const marks = dryRun ? [] : retentionMarks(actions, rt.now());
  const unmarked = new Map(
    (marks.length > 0 ? await executeActions(planned(marks), env) : [])
      .filter((o) => o.status !== 'applied')
      .map((o) => [o.action.type === 'mark-resource' ? o.action.resourceId : '', o.detail ?? o.status]),
  );
  const go = actions.filter((a) => !unmarked.has(a.resourceId));
  const done = new Map<RetirementAction, RetirementOutcome>();
  (await executeActions(planned(go), env)).forEach(({ followUp: _, ...o }, i) =>
    done.set(go[i]!, { ...o, action: go[i]! }),
  );
  const at = rt.now().toISOString();
  return actions.map(
    (a) =>
      done.get(a) ?? {
        action: a,
        status: 'failed',
        detail: `could not mark it for deletion first: ${unmarked.get(a.resourceId)}`,
        startedAt: at,
        finishedAt: at,
      },
  );
}

function resultOf(plan: RetentionPlan, outcomes: RetirementOutcome[], dryRun: boolean): RetentionResult {
  const applied = (type: RetirementAction['type']) =>
    outcomes.filter((o) => o.status === 'applied' && o.action.type === type);
  const deleted = applied('delete-snapshot');
  return {
    target: plan.target,
    dryRun,
    planned: plan.actions,
    executed: outcomes,
    kept: plan.kept,
    keptSnapshots: plan.keptSnapshots,
    retiredImageIds: [...applied('deregister-image'), ...applied('deprecate-image')].map(
      (o) => o.action.resourceId,
    ),
    deletedSnapshotIds: deleted.map((o) => o.action.resourceId),
    savedMonthlyUsd: cents(deleted.reduce((sum, o) => sum - (o.action.monthlyCostDeltaUsd ?? 0), 0)),
  };
}

/**
 * Retires the older images of `target`'s lineage as its `imageRefresh` says (`keep`, `retire`). Dry
 * when asked, or when the policy or the target is.
 */
export async function retireImages(
  rt: Runtime,
  target: AutoScalingTarget,
  o: { dryRun: boolean; refreshRunning: boolean },
): Promise<RetentionResult> {
  const dryRun = o.dryRun || rt.dryRun || target.dryRun;
  const refresh = target.imageRefresh;
  if (!refresh) throw new Error(`target ${target.name} has no imageRefresh in the policy`);
  const { io: cio, region } = io(rt);
  const reads = new FreshReads(cio, region);
  const images = await reads.imagesTagged(TAGS.lineage, target.name);
  const usage = await usageOf(reads, images);
  const facts = {
    target: target.name,
    region,
    keep: refresh.keep,
    retire: refresh.retire,
    refreshRunning: o.refreshRunning,
    now: rt.now(),
    images,
    ...usage,
  };
  const lookups = retentionLookups(facts);
  const [shares, accountImages] = await Promise.all([
    sharesOf(cio, region, lookups),
    refresh.retire === 'deregister' && lookups.length > 0 ? reads.allImages('image') : undefined,
  ]);
  const plan = planRetention({ ...facts, imageShares: shares, ...(accountImages ? { accountImages } : {}) });
  rt.log.log('info', 'image retention planned', {
    target: target.name,
    images: images.length,
    retire: plan.actions.filter((a) => a.category === 'image').map((a) => a.resourceId),
    kept: plan.kept.map((k) => `${k.id}: ${k.why}`),
  });
  const outcomes = await carryOut(rt, cio, region, plan.actions, dryRun);
  return resultOf(plan, outcomes, dryRun);
}

/**
 * Deregisters a refresh's failed or timed-out image and deletes its snapshots, through the same two
 * actions and their checks. An image already gone gives no outcome; one a guard keeps (protected, not
 * the orchestrator's, in use, shared) gives its deregistration `dropped`, with why.
 */
export async function discardImage(rt: Runtime, imageId: string): Promise<Outcome[]> {
  const { io: cio, region } = io(rt);
  const reads = new FreshReads(cio, region);
  const [image] = await reads.images([imageId]);
  if (!image) return [];
  const usage = await usageOf(reads, [image]);
  const [shares, accountImages] = await Promise.all([
    sharesOf(cio, region, [imageId]),
    reads.allImages('image'),
  ]);
  const target = image.tags[TAGS.lineage] ?? 'image-refresh';
  const plan = planDiscard({ target, region, image, accountImages, ...usage, imageShares: shares });
  const veto = plan.kept[0];
  if (veto) {
    const at = rt.now().toISOString();
    const action: DeregisterImageAction = {
      type: 'deregister-image',
      target,
      region,
      category: 'image',
      resourceId: imageId,
      reason: `Image ${imageId} of a failed image refresh is discarded.`,
    };
    rt.log.log('warn', 'failed refresh image kept', { imageId, why: veto.why });
    return [{ action, status: 'dropped', detail: `kept: ${veto.why}`, startedAt: at, finishedAt: at }];
  }
  return carryOut(rt, cio, region, plan.actions, rt.dryRun);
}

/**
 * What the retention at the end of a refresh would retire, as steps of the refresh's plan: planned now,
 * with one image fewer kept (the new image will be the newest), nothing changed. The workflow plans
 * again on fresh state when it gets there.
 */
export async function previewRetention(rt: Runtime, target: AutoScalingTarget): Promise<RetirementAction[]> {
  const refresh = target.imageRefresh;
  if (!refresh) return [];
  const after = { ...target, imageRefresh: { ...refresh, keep: Math.max(refresh.keep - 1, 0) } };
  const { planned: actions } = await retireImages(rt, after, { dryRun: true, refreshRunning: false });
  return actions.map((a) => ({
    ...a,
    partOf: 'refresh-image' as const,
    reason: `after the rollout: ${a.reason}`,
  }));
}
