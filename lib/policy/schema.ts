/**
 * The policy file (`autopilot.yml`) as written by people. Every object is strict, so a misspelt key
 * is an error that names it rather than a setting silently ignored. Defaults are applied here and
 * documented with `@default`; `resolve.ts` turns the parsed file into the normalised `Policy`.
 */
import { z } from 'zod';

const positiveInt = (what = 'a positive integer') =>
  z
    .number({ error: `expected ${what}` })
    .int({ error: `expected ${what}` })
    .positive({ error: `expected ${what}` });
const nonNegativeInt = () =>
  z
    .number({ error: 'expected a whole number ≥ 0' })
    .int({ error: 'expected a whole number ≥ 0' })
    .nonnegative({ error: 'expected a whole number ≥ 0' });
const finite = () => z.number({ error: 'expected a number' });

const STATISTICS = ['Average', 'Maximum', 'Minimum', 'Sum', 'SampleCount'] as const;

/** CloudWatch accepts 10, 20 and 30 s (high resolution) or any multiple of 60 s. */
const periodSeconds = positiveInt('a period of 10, 20, 30 or a multiple of 60 seconds').refine(
  (p) => p === 10 || p === 20 || p === 30 || p % 60 === 0,
  { error: 'expected a period of 10, 20, 30 or a multiple of 60 seconds' },
);

/**
 * When a rule fires: a metric compared with a threshold for a number of minutes.
 * @example { metric: CPUUtilization, above: 70, forMinutes: 5 }
 */
export const ConditionSchema = z.strictObject({
  /** @default CPUUtilization */
  metric: z.string().min(1).default('CPUUtilization'),
  /** @default AWS/EC2 */
  namespace: z.string().min(1).default('AWS/EC2'),
  /** @default Average */
  statistic: z.enum(STATISTICS, { error: `expected one of ${STATISTICS.join(', ')}` }).default('Average'),
  above: finite().optional(),
  below: finite().optional(),
  /** How long the threshold must be crossed; becomes the alarm's evaluation periods. @default 5 */
  forMinutes: positiveInt().default(5),
  /** @default 60 */
  periodSeconds: periodSeconds.default(60),
});

/** `add` instances at a time (fixed step), or `target` utilisation (proportional, as target tracking). */
export const ScaleOutSchema = z.strictObject({
  when: ConditionSchema.optional(),
  /** Instances added per alarm (fixed step). */
  add: positiveInt().optional(),
  /** Target value of the metric: new capacity = ceil(current × metric / target). */
  target: z
    .number({ error: 'expected a positive number' })
    .positive({ error: 'expected a positive number' })
    .optional(),
});

export const ScaleInSchema = z.strictObject({
  when: ConditionSchema.optional(),
  /** Instances removed per alarm (fixed step). */
  remove: positiveInt().optional(),
  target: z
    .number({ error: 'expected a positive number' })
    .positive({ error: 'expected a positive number' })
    .optional(),
});

export const BoundsSchema = z.strictObject({
  min: nonNegativeInt(),
  max: positiveInt(),
});

export const TARGET_NAME = /^[A-Za-z0-9][A-Za-z0-9_-]{0,62}$/;

export const TargetSchema = z.strictObject({
  /** Unique; used in alarm names, e-mails and the state table. */
  name: z.string({ error: 'expected a name' }).regex(TARGET_NAME, {
    error: 'expected letters, digits, "-" or "_" (at most 63, starting with a letter or digit)',
  }),
  /** Name of the Auto Scaling group whose desired capacity this target changes. */
  autoScalingGroup: z.string().min(1).max(255).optional(),
  scaleOut: ScaleOutSchema.optional(),
  scaleIn: ScaleInSchema.optional(),
  /** Never below `min` nor above `max`, and never outside the group's own MinSize/MaxSize. */
  bounds: BoundsSchema.optional(),
  /** Minutes after a change before the next one (a scale-out after a scale-in is never held back). @default 5 */
  cooldownMinutes: nonNegativeInt().default(5),
  /** Plan and notify "would do", change nothing, for this target. @default false */
  dryRun: z.boolean().default(false),
});

export const NotificationsSchema = z.strictObject({
  /** Addresses subscribed (by `serverless deploy` or `autopilot reconcile`) to the notifications topic. */
  emails: z.array(z.email({ error: 'expected an e-mail address' })).default([]),
});

export const PolicyFileSchema = z.strictObject({
  version: z.literal(1, { error: 'expected 1 (the only policy version)' }),
  /** Region of the fleet. @default $AWS_REGION */
  region: z
    .string()
    .regex(/^[a-z]{2}(-gov|-iso[a-z]*)?-[a-z]+-\d$/, { error: 'expected a region code such as eu-west-1' })
    .optional(),
  /** Prefix of the alarms the orchestrator creates: `<prefix>-<target>-high|low`. @default autopilot */
  alarmPrefix: z
    .string()
    .regex(/^[A-Za-z0-9][A-Za-z0-9_-]{0,40}$/, { error: 'expected letters, digits, "-" or "_"' })
    .default('autopilot'),
  /** Plan and notify "would do", change nothing, for every target. @default false */
  dryRun: z.boolean().default(false),
  notifications: NotificationsSchema.default({ emails: [] }),
  targets: z.array(TargetSchema).default([]),
});

export type PolicyFile = z.output<typeof PolicyFileSchema>;
export type PolicyFileInput = z.input<typeof PolicyFileSchema>;
export type TargetFile = z.output<typeof TargetSchema>;
export type ConditionFile = z.output<typeof ConditionSchema>;
