/**
 * The policy file (`autopilot.yml`) as written by people. Every object is strict, so a misspelt key
 * is an error that names it rather than a setting silently ignored. Defaults are applied here and
 * documented with `@default`; `resolve.ts` turns the parsed file into the normalised `Policy`.
 */
import * as z from 'zod/mini';

import { CleanupSchema } from './cleanup-schema';
import { ConditionSchema, nonNegativeInt, positiveInt } from './condition-schema';
import { ImageRefreshSchema } from './image-refresh-schema';
import { FailoverSchema, InstanceSelectorSchema, ScaleDownSchema, ScaleUpSchema } from './instance-schema';

/** `add` instances at a time (fixed step), or `target` utilisation (proportional, as target tracking). */
export const ScaleOutSchema = z.strictObject({
  when: z.optional(ConditionSchema),
  /** Instances added per alarm (fixed step). */
  add: z.optional(positiveInt()),
  /** Target value of the metric: new capacity = ceil(current × metric / target). */
  target: z.optional(
    z
      .number({ error: 'expected a positive number' })
      .check(z.positive({ error: 'expected a positive number' })),
  ),
});

export const ScaleInSchema = z.strictObject({
  when: z.optional(ConditionSchema),
  /** Instances removed per alarm (fixed step). */
  remove: z.optional(positiveInt()),
  target: z.optional(
    z
      .number({ error: 'expected a positive number' })
      .check(z.positive({ error: 'expected a positive number' })),
  ),
});

export const BoundsSchema = z.strictObject({
  min: nonNegativeInt(),
  max: positiveInt(),
});

/** Control characters, and the invisible ones (zero-width, bidirectional marks, BOM: Unicode's Cf). */
const UNSEEN = /[\p{Cc}\p{Cf}]/u;

export const TARGET_NAME = /^[A-Za-z0-9][A-Za-z0-9_-]{0,62}$/;

export const TargetSchema = z.strictObject({
  /** Unique; used in alarm names, e-mails and the state table. */
  name: z.string({ error: 'expected a name' }).check(
    z.regex(TARGET_NAME, {
      error: 'expected letters, digits, "-" or "_" (at most 63, starting with a letter or digit)',
    }),
  ),
  /** Name of the Auto Scaling group whose desired capacity this target changes. */
  autoScalingGroup: z.optional(
    z.string({ error: 'expected a group name' }).check(
      z.minLength(1, { error: 'expected a group name' }),
      z.maxLength(255, { error: "expected a group name of at most 255 characters (Auto Scaling's limit)" }),
      z.refine((v: string) => !UNSEEN.test(v) && v.trim() === v, {
        error:
          'expected a group name without control or invisible characters, nor spaces at either end (a name that looks right but is not)',
      }),
    ),
  ),
  scaleOut: z.optional(ScaleOutSchema),
  scaleIn: z.optional(ScaleInSchema),
  /** Or a single instance, resized up and down a ladder of types (vertical scaling). */
  instance: z.optional(InstanceSelectorSchema),
  scaleUp: z.optional(ScaleUpSchema),
  scaleDown: z.optional(ScaleDownSchema),
  /**
   * Moves the instance's Elastic IP to a standby or a replacement when the instance fails its status
   * checks. With `scaleUp`, without it, or both; instance targets selected by tags only.
   */
  failover: z.optional(FailoverSchema),
  /** Never below `min` nor above `max`, and never outside the group's own MinSize/MaxSize. */
  bounds: z.optional(BoundsSchema),
  /** A new image from a source instance, rolled out to the group, older images retired. */
  imageRefresh: z.optional(ImageRefreshSchema),
  /** Minutes after a change before the next one (growing after a shrink is never held back). @default 5 */
  cooldownMinutes: z._default(nonNegativeInt(), 5),
  /** Plan and notify "would do", change nothing, for this target. @default false */
  dryRun: z._default(z.boolean(), false),
});

export const NotificationsSchema = z.strictObject({
  /** Addresses subscribed (by `serverless deploy` or `autopilot reconcile`) to the notifications topic. */
  emails: z._default(z.array(z.email({ error: 'expected an e-mail address' })), []),
});

export const PolicyFileSchema = z.strictObject({
  version: z.literal(1, { error: 'expected 1 (the only policy version)' }),
  /** Region of the fleet. @default $AWS_REGION */
  region: z.optional(
    z.string().check(
      z.regex(/^[a-z]{2}(-gov|-iso[a-z]*)?-[a-z]+-\d$/, {
        error: 'expected a region code such as eu-west-1',
      }),
    ),
  ),
  /**
   * Prefix of the alarms the orchestrator creates: `<prefix>-<target>-high|low`. No "-" in it: the first
   * "-" ends the prefix, so `autopilot-*` (this deployment's alarms, and its IAM grants) can never match
   * another deployment's `autopilot_staging-*`. @default autopilot
   */
  alarmPrefix: z._default(
    z.string().check(
      z.regex(/^[A-Za-z0-9][A-Za-z0-9_]{0,40}$/, {
        error:
          'expected letters, digits or "_" (at most 41), no "-": alarms are named <prefix>-<target>-high, and a "-" in the prefix would let one deployment\'s alarms match another\'s',
      }),
    ),
    'autopilot',
  ),
  /** Plan and notify "would do", change nothing, for every target. @default false */
  dryRun: z._default(z.boolean(), false),
  /**
   * IAM roles (names) of the instance profiles of the instances a blue-green resize replaces: the
   * replacement is launched with the old instance's profile, and the resize role may pass no other role.
   * @default []
   */
  instanceRoles: z._default(
    z.array(
      z.string().check(
        z.regex(/^[\w+=,.@-]{1,64}$/, {
          error: 'expected an IAM role name (at most 64 letters, digits or +=,.@_-)',
        }),
      ),
    ),
    [],
  ),
  notifications: z._default(NotificationsSchema, { emails: [] }),
  targets: z._default(z.array(TargetSchema), []),
  /** Scheduled cleanup of orphaned resources (report → mark → delete). @default report mode */
  cleanup: z.optional(CleanupSchema),
});

export type PolicyFile = z.output<typeof PolicyFileSchema>;
export type PolicyFileInput = z.input<typeof PolicyFileSchema>;
export type TargetFile = z.output<typeof TargetSchema>;
export type ConditionFile = z.output<typeof ConditionSchema>;
