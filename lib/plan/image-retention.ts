/**
 * Image retention (issue 9, item 4): after a refresh, which images of one lineage
 * (`autopilot:lineage=<target>`) are retired, and why each of the others stays. Pure: the caller reads the
 * facts and passes `now`; nothing here calls AWS or reads a clock.
 *
 * What may go is decided by cleanup's image rule itself (`rules/image.ts`), run on the lineage alone with
 * the policy's `keep` and no minimum age: not among the newest `keep` by creation date, used by no
 * instance that is not terminated (stopped ones included), no version of any launch template (default,
 * latest or any other) and no launch configuration, not public, not shared with another account (an
 * image whose launch permissions were not read counts as shared), not still pending. On top of it:
 *
 * 1. while an instance refresh runs on the group, nothing is retired: instances still launch from the
 *    old image, and a rollback goes back to it;
 * 2. `autopilot:protect=true` is never touched, and an image without `autopilot:managed=true` is not the
 *    orchestrator's to retire (DESIGN §2).
 *
 * `retire: deregister` deregisters each image and then deletes its snapshots, except those another image
 * (of any lineage) still has in its block devices: every deregistration comes before every snapshot
 * deletion, so that each kind is re-verified in one batch and no snapshot is deleted behind a registered
 * image. `retire: deprecate` deprecates the images and deletes nothing. The deletions' re-verification
 * (and the deleting role's IAM) require cleanup's mark, so `retentionMarks` gives the marks to write
 * just before: due today, and an interrupted run leaves them for cleanup's own checks to finish.
 */
import type {
  DeleteSnapshotAction,
  DeprecateImageAction,
  DeregisterImageAction,
  MarkResourceAction,
} from '../model/action';
import {
  emptyLookups,
  type ImageFacts,
  type InstanceRecord,
  type Inventory,
  type LaunchConfigurationFacts,
  type LaunchTemplateFacts,
} from '../model/inventory';
import { TAGS, isProtected } from '../model/tags';
import { snapshotMonthlyUsd } from '../pricing/storage';
import { formatGiB, plural } from './cleanup/facts';
import { imageRule, imageUser, newestOfLineages } from './cleanup/rules/image';
import { imagesBySnapshot } from './cleanup/rules/snapshot';
import type { RuleContext } from './cleanup/rule';

export type RetirementAction = DeregisterImageAction | DeleteSnapshotAction | DeprecateImageAction;

/** Why an image of the lineage stays. */
export type KeepCause =
  | 'newest'
  | 'in-use'
  | 'protected'
  | 'not-managed'
  | 'public'
  | 'shared'
  | 'not-available'
  | 'refresh-running';

export interface KeptImage {
  id: string;
  name?: string;
  createdAt?: string;
  cause: KeepCause;
  /** In words, for the e-mail and the CLI: `used by launch template web-lt version 3`. */
  why: string;
}

/** A snapshot of a retired image that stays, because another image is made from it too. */
export interface KeptSnapshot {
  id: string;
  /** The retired image it belonged to. */
  imageId: string;
  why: string;
}

/** What launches from images, and who may launch them: the facts the rule decides from. */
export interface ImageUsage {
  /** Instances that are not terminated (stopped ones included). */
  instances: InstanceRecord[];
  /** Launch templates with their versions (every version, or at least those of these images). */
  launchTemplates: LaunchTemplateFacts[];
  launchConfigurations: LaunchConfigurationFacts[];
  /** Accounts, groups or organisations each image is shared with (`image-shares`); absent: unknown. */
  imageShares: Record<string, number>;
}

export interface RetentionInput extends ImageUsage {
  /** The policy target: its name is the lineage, and the actions' `target`. */
  target: string;
  region: string;
  /** Newest images of the lineage kept (`imageRefresh.keep`). */
  keep: number;
  retire: 'deregister' | 'deprecate';
  /** An instance refresh is running on the target's group. */
  refreshRunning: boolean;
  now: Date;
  /** The lineage's images (images of other lineages given here are ignored). */
  images: ImageFacts[];
  /**
   * Every registered image of the account (any lineage), for the snapshots they are made from; needed
   * when `retire` is `deregister` and something is retired. The lineage's own are counted either way.
   */
  accountImages?: ImageFacts[];
}

export interface RetentionPlan {
  target: string;
  /** In execution order: deregistrations (or deprecations), then snapshot deletions. */
  actions: RetirementAction[];
  /** Every other image of the lineage, newest first, with why it stays. */
  kept: KeptImage[];
  keptSnapshots: KeptSnapshot[];
  /** The whole plan's change of the monthly bill (negative: saved), if every action is applied. */
  monthlyCostDeltaUsd: number;
}

const cents = (usd: number) => Math.round(usd * 100) / 100;
const day = (iso: string | undefined) => (iso ? iso.slice(0, 10) : 'an unknown date');
const label = (i: ImageFacts) => (i.name ? `${i.name} (${i.id})` : i.id);
const newestFirst = (a: ImageFacts, b: ImageFacts) =>
  Date.parse(b.createdAt ?? '') - Date.parse(a.createdAt ?? '') || b.id.localeCompare(a.id);

/** The image rule's context for one lineage: its `keep`, no minimum age (the refresh is the clock). */
function ruleContext(now: Date, keep: number): RuleContext {
  return {
    now,
    options: { enabled: true, keep, minAgeDays: 0 },
    policyAlarms: new Set(),
    alarmPrefix: '',
    policyGroups: new Set(),
    policyInstances: [],
    ownTopics: new Set(),
  };
}

function inventoryOf(region: string, images: ImageFacts[], usage: ImageUsage): Inventory {
  return {
    region,
    images,
    instances: usage.instances,
    launchTemplates: usage.launchTemplates,
    launchConfigurations: usage.launchConfigurations,
    lookups: { ...emptyLookups(), imageShares: usage.imageShares },
  };
}

const ofLineage = (images: readonly ImageFacts[], lineage: string) =>
  images.filter((i) => i.tags[TAGS.lineage] === lineage);

type Keep = Pick<KeptImage, 'cause' | 'why'>;

/** Guards of the orchestrator's own on top of the rule: protected, or not its image. */
function vetoOf(image: ImageFacts): Keep | undefined {
  if (isProtected(image.tags)) return { cause: 'protected', why: 'protected (autopilot:protect=true)' };
  if (image.tags[TAGS.managed] !== 'true')
    return { cause: 'not-managed', why: 'not made by ec2-autopilot (no autopilot:managed=true)' };
  return undefined;
}

/** Used by something, or launchable by others: the guards a discarded image goes through too. */
function usedOrShared(image: ImageFacts, usage: ImageUsage): Keep | undefined {
  const user = imageUser(usage, image.id);
  if (user) return { cause: 'in-use', why: `used by ${user}` };
  if (image.public) return { cause: 'public', why: 'public: anyone may launch it' };
  const shares = usage.imageShares[image.id];
  if (shares === undefined)
    return { cause: 'shared', why: 'its launch permissions were not read: it may be shared' };
  if (shares > 0)
    return {
      cause: 'shared',
      why: `shared with ${plural(shares, 'other account or group', 'other accounts or groups')}`,
    };
  return undefined;
}

/** Why the image rule did not find an image retirable, in words. */
function ruleKeeps(image: ImageFacts, newest: ReadonlySet<string>, input: RetentionInput): Keep {
  if (newest.has(image.id))
    return { cause: 'newest', why: `one of the newest ${input.keep} of lineage ${input.target}` };
  if (image.state === 'pending') return { cause: 'not-available', why: 'still pending' };
  return usedOrShared(image, input) ?? { cause: 'in-use', why: 'the image rule keeps it' };
}

/**
 * The images whose launch permissions must be read before planning: those the image rule suspects
 * (its `image-shares` lookup), less those retention keeps anyway. None while a refresh runs.
 */
export function retentionLookups(input: Omit<RetentionInput, 'imageShares' | 'accountImages'>): string[] {
  if (input.refreshRunning) return [];
  const images = ofLineage(input.images, input.target);
  const inv = inventoryOf(input.region, images, { ...input, imageShares: {} });
  const vetoed = new Set(images.filter((i) => vetoOf(i)).map((i) => i.id));
  return (imageRule.lookups?.(inv, ruleContext(input.now, input.keep)) ?? [])
    .flatMap((r) => (r.kind === 'image-shares' ? r.ids : []))
    .filter((id) => !vetoed.has(id));
}

/** The retirement of `images` (already decided): the actions, and the snapshots another image keeps. */
function retirement(
  images: ImageFacts[],
  o: Pick<RetentionInput, 'target' | 'region' | 'retire' | 'accountImages'> & { known: ImageFacts[] },
  why: (image: ImageFacts) => string,
): Pick<RetentionPlan, 'actions' | 'keptSnapshots'> {
  const base = { target: o.target, region: o.region, category: 'image' as const };
  if (o.retire === 'deprecate')
    return {
      actions: images.map((i) => ({
        type: 'deprecate-image',
        ...base,
        resourceId: i.id,
        reason: `${why(i)}; deprecated (imageRefresh.retire: deprecate), its snapshots stay.`,
        monthlyCostDeltaUsd: 0,
      })),
      keptSnapshots: [],
    };
  if (images.length > 0 && !o.accountImages)
    throw new Error('planning a deregistration needs every image of the account (accountImages)');
  const retired = new Set(images.map((i) => i.id));
  // Images that stay registered, whichever lineage, and the snapshots they are made from.
  const staying = [...o.known, ...(o.accountImages ?? [])].filter(
    (i) => !retired.has(i.id) && i.state !== 'deregistered',
  );
  const backing = imagesBySnapshot(staying);
  const deregister: RetirementAction[] = [];
  const deletes: DeleteSnapshotAction[] = [];
  const keptSnapshots: KeptSnapshot[] = [];
  const planned = new Set<string>();
  for (const image of images) {
    const size = image.snapshots.reduce((sum, s) => sum + s.sizeGiB, 0);
    deregister.push({
      type: 'deregister-image',
      ...base,
      resourceId: image.id,
      reason:
        `${why(image)}; deregistered, then its ${plural(image.snapshots.length, 'snapshot')} ` +
        `(${formatGiB(size)}) deleted unless another image uses them.`,
      // Deregistering frees nothing by itself: the snapshots hold the cost (their deletions say it).
      monthlyCostDeltaUsd: 0,
    });
    for (const s of image.snapshots) {
      const other = backing.get(s.id);
      if (other) {
        keptSnapshots.push({ id: s.id, imageId: image.id, why: `image ${other} is made from it too` });
        continue;
      }
      if (planned.has(s.id)) continue;
      planned.add(s.id);
      deletes.push({
        type: 'delete-snapshot',
        target: o.target,
        region: o.region,
        category: 'snapshot',
        resourceId: s.id,
        reason: `${formatGiB(s.sizeGiB)} snapshot of retired image ${label(image)}; no other image uses it.`,
        monthlyCostDeltaUsd: -snapshotMonthlyUsd(s),
      });
    }
  }
  return { actions: [...deregister, ...deletes], keptSnapshots };
}

const total = (actions: readonly RetirementAction[]) =>
  cents(actions.reduce((sum, a) => sum + (a.monthlyCostDeltaUsd ?? 0), 0));

/** The retirement of one lineage's older images: see the file's comment for the rules, in order. */
export function planRetention(input: RetentionInput): RetentionPlan {
  const lineage = input.target;
  const images = ofLineage(input.images, lineage).sort(newestFirst);
  const newest = newestOfLineages(images, input.keep);
  const kept: KeptImage[] = [];
  const keepIt = (i: ImageFacts, k: Keep) =>
    kept.push({
      id: i.id,
      ...(i.name ? { name: i.name } : {}),
      ...(i.createdAt ? { createdAt: i.createdAt } : {}),
      ...k,
    });

  if (input.refreshRunning) {
    for (const i of images)
      keepIt(
        i,
        newest.has(i.id)
          ? { cause: 'newest', why: `one of the newest ${input.keep} of lineage ${lineage}` }
          : {
              cause: 'refresh-running',
              why: 'an instance refresh is running on the group: nothing is retired until it ends',
            },
      );
    return { target: lineage, actions: [], kept, keptSnapshots: [], monthlyCostDeltaUsd: 0 };
  }

  const found = new Set(
    imageRule
      .find(inventoryOf(input.region, images, input), ruleContext(input.now, input.keep))
      .map((c) => c.id),
  );
  const retire: ImageFacts[] = [];
  for (const image of images) {
    const veto = vetoOf(image);
    if (veto) keepIt(image, veto);
    else if (!found.has(image.id)) keepIt(image, ruleKeeps(image, newest, input));
    else retire.push(image);
  }
  const why = (i: ImageFacts) =>
    `Image ${label(i)} of lineage ${lineage}, created ${day(i.createdAt)}, is older than the newest ` +
    `${input.keep} and nothing launches from it (no instance, launch-template version or launch configuration)`;
  const { actions, keptSnapshots } = retirement(retire, { ...input, known: images }, why);
  return { target: lineage, actions, kept, keptSnapshots, monthlyCostDeltaUsd: total(actions) };
}

export interface DiscardInput extends ImageUsage {
  target: string;
  region: string;
  /** The refresh's own image, which failed or timed out. */
  image: ImageFacts;
  /** Every registered image of the account, for the snapshots they are made from. */
  accountImages: ImageFacts[];
}

/**
 * A failed or timed-out refresh image: deregistered and its snapshots deleted, with the same guards
 * except age and lineage (it is the newest, and may still be pending): protected, not the
 * orchestrator's, used by anything, public or shared keep it.
 */
export function planDiscard(input: DiscardInput): RetentionPlan {
  const { image } = input;
  const veto = vetoOf(image) ?? usedOrShared(image, input);
  if (veto) {
    const kept: KeptImage[] = [{ id: image.id, ...(image.name ? { name: image.name } : {}), ...veto }];
    return { target: input.target, actions: [], kept, keptSnapshots: [], monthlyCostDeltaUsd: 0 };
  }
  const { actions, keptSnapshots } = retirement(
    [image],
    { ...input, retire: 'deregister', known: [] },
    (i) => `Image ${label(i)} of the failed image refresh of ${input.target} is discarded`,
  );
  return { target: input.target, actions, kept: [], keptSnapshots, monthlyCostDeltaUsd: total(actions) };
}

/**
 * The cleanup marks the deletions' re-verification requires (`autopilot:delete-after`, due today), for
 * the resources of `actions` that are deleted; deprecations need none.
 */
export function retentionMarks(actions: readonly RetirementAction[], now: Date): MarkResourceAction[] {
  const deleteAfter = now.toISOString().slice(0, 10);
  return actions
    .filter((a) => a.type !== 'deprecate-image')
    .map((a) => ({
      type: 'mark-resource',
      target: a.target,
      region: a.region,
      category: a.category,
      resourceId: a.resourceId,
      deleteAfter,
      reason: `${a.resourceId} is retired by image retention: marked so that the deletion's checks and IAM recognise it`,
    }));
}
