/**
 * Building blocks of the policy file shared by every kind of target: numbers with readable errors, and
 * the metric condition that fires a rule.
 */
import * as z from 'zod/mini';

// zod/mini spells classic zod's `.default(value)` as `z._default(schema, value)`: a missing key takes
// `value` as it is, without parsing it, and the JSON Schema shows it as the field's `default`.

/** A whole number from `min` to `max`; the error says `expected <what>`. */
export const intBetween = (what: string, min: number, max: number) =>
  z
    .number({ error: `expected ${what}` })
    .check(
      z.int({ error: `expected ${what}` }),
      z.gte(min, { error: `expected ${what}` }),
      z.lte(max, { error: `expected ${what}` }),
    );

export const positiveInt = (what = 'a positive integer') =>
  z
    .number({ error: `expected ${what}` })
    .check(z.int({ error: `expected ${what}` }), z.positive({ error: `expected ${what}` }));
export const nonNegativeInt = () =>
  z
    .number({ error: 'expected a whole number ≥ 0' })
    .check(
      z.int({ error: 'expected a whole number ≥ 0' }),
      z.nonnegative({ error: 'expected a whole number ≥ 0' }),
    );
export const finite = () => z.number({ error: 'expected a number' });

/** CloudWatch's names (metric, namespace): 1 to 255 characters, printable, no leading colon. */
const cloudWatchName = (what: string) =>
  z.string({ error: `expected ${what}` }).check(
    z.minLength(1, { error: `expected ${what}` }),
    z.maxLength(255, { error: `expected ${what} of at most 255 characters (CloudWatch's limit)` }),
    z.refine(
      (v: string) =>
        ![...v].some((c) => c.charCodeAt(0) < 32 || c.charCodeAt(0) === 127) && !v.startsWith(':'),
      {
        error: `expected ${what} of printable characters, not starting with ':'`,
      },
    ),
  );

const STATISTICS = ['Average', 'Maximum', 'Minimum', 'Sum', 'SampleCount'] as const;

/** CloudWatch accepts 10, 20 and 30 s (high resolution) or any multiple of 60 s. */
const periodSeconds = positiveInt('a period of 10, 20, 30 or a multiple of 60 seconds').check(
  z.refine((p: number) => p === 10 || p === 20 || p === 30 || p % 60 === 0, {
    error: 'expected a period of 10, 20, 30 or a multiple of 60 seconds',
  }),
);

/**
 * When a rule fires: a metric compared with a threshold for a number of minutes.
 * @example { metric: CPUUtilization, above: 70, forMinutes: 5 }
 */
export const ConditionSchema = z.strictObject({
  /** @default CPUUtilization */
  metric: z._default(cloudWatchName('a metric name'), 'CPUUtilization'),
  /** @default AWS/EC2 */
  namespace: z._default(cloudWatchName('a namespace'), 'AWS/EC2'),
  /** @default Average */
  statistic: z._default(z.enum(STATISTICS, { error: `expected one of ${STATISTICS.join(', ')}` }), 'Average'),
  above: z.optional(finite()),
  below: z.optional(finite()),
  /**
   * How long the threshold must be crossed; becomes the alarm's evaluation periods. CloudWatch evaluates
   * at most one day (periods × period ≤ 86,400 s). @default 5
   */
  forMinutes: z._default(
    positiveInt('a positive number of minutes, at most 1440').check(
      z.lte(1440, { error: 'expected at most 1440 minutes: CloudWatch evaluates at most one day' }),
    ),
    5,
  ),
  /** @default 60 */
  periodSeconds: z._default(periodSeconds, 60),
});
