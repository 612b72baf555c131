/**
 * The `cleanup:` block of the policy file, as written by people. Accepted as the issue writes it:
 *
 * ```yaml
 * cleanup:
 *   schedule: rate(1 day)
 *   mode: report          # report | mark | delete
 *   graceDays: 7
 *   maxDeletionsPerRun: 50
 *   minAgeDays: { volumes: 7, snapshots: 30, images: 30, alarms: 7, autoScalingGroups: 7 }
 *   exclude: { tags: { Environment: prod } }
 * ```
 *
 * Categories, their options and their minimum ages come from the registry (`lib/model/cleanup-categories.ts`).
 */
import * as z from 'zod/mini';
import { intBetween } from './condition-schema';
import { CLEANUP_MODES } from '../model/cleanup';
import { CATEGORIES } from '../model/cleanup-categories';

const int = intBetween;

/** EventBridge schedule expressions: `rate(1 day)`, `rate(6 hours)`, `cron(0 3 * * ? *)`. */
export const SCHEDULE =
  /^(rate\((1 (minute|hour|day)|[1-9]\d* (minutes|hours|days))\)|cron\(\S+( \S+){5}\))$/;

const REGION = /^[a-z]{2}(-gov|-iso[a-z]*)?-[a-z]+-\d$/;

/** `*` matches any characters, `?` one; anything else matches itself. */
const pattern = z.string().check(z.minLength(1, { error: 'expected a non-empty pattern' }));

const withAge = CATEGORIES.filter((c) => c.defaultMinAgeDays !== undefined);

/** Days a resource must have existed (or been idle) before it counts as an orphan, by category. */
export const MinAgeDaysSchema = z.strictObject(
  Object.fromEntries(
    withAge.map((c) => [c.key, z.optional(int('a whole number of days from 0 to 3650', 0, 3650))]),
  ) as Record<string, z.ZodMiniOptional<ReturnType<typeof int>>>,
);

export const ExcludeSchema = z.strictObject({
  /** Resources carrying any of these tags (value `*`: any value) are never looked at. */
  tags: z.optional(z.record(z.string().check(z.minLength(1)), z.string())),
  /** Resource ids (AllocationId, volume, snapshot, image, instance ids; names; ARNs). */
  ids: z.optional(z.array(z.string().check(z.minLength(1)))),
  /** Patterns matched against resource names and `Name` tags, e.g. `keep-*`. */
  names: z.optional(z.array(pattern)),
});

export const CleanupCategoriesSchema = z.strictObject(
  Object.fromEntries(CATEGORIES.map((c) => [c.key, z.optional(c.options)])) as Record<
    string,
    z.ZodMiniOptional<(typeof CATEGORIES)[number]['options']>
  >,
);

export const CleanupSchema = z.strictObject({
  /** When the `cleanup` function runs (EventBridge schedule expression). @default rate(1 day) */
  schedule: z.optional(
    z.string().check(
      z.regex(SCHEDULE, {
        error: 'expected an EventBridge schedule such as rate(1 day) or cron(0 3 * * ? *)',
      }),
    ),
  ),
  /** `report` finds and e-mails; `mark` also tags each finding with its deletion date; `delete` also deletes what is due. @default report */
  mode: z.optional(z.enum(CLEANUP_MODES, { error: `expected one of ${CLEANUP_MODES.join(', ')}` })),
  /** Days between the mark and the deletion. @default 7 */
  graceDays: z.optional(int('a whole number of days from 1 to 365', 1, 365)),
  /** At most this many resources changed (marked, or deleted) per run, all categories and regions together. @default 50 */
  maxDeletionsPerRun: z.optional(int('a whole number from 1 to 10000', 1, 10_000)),
  minAgeDays: z.optional(MinAgeDaysSchema),
  exclude: z.optional(ExcludeSchema),
  /** Regions scanned (in parallel). @default the policy's region, else $AWS_REGION */
  regions: z.optional(
    z
      .array(z.string().check(z.regex(REGION, { error: 'expected a region code such as eu-west-1' })))
      .check(z.minLength(1, { error: 'expected at least one region' })),
  ),
  /** Regions scanned at the same time. @default 4 */
  concurrency: z.optional(int('a whole number from 1 to 16', 1, 16)),
  categories: z.optional(CleanupCategoriesSchema),
});

export type CleanupFile = z.output<typeof CleanupSchema>;
