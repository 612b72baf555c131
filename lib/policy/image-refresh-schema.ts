/**
 * `imageRefresh` of an Auto Scaling target: a new image from a source instance, rolled out to the group
 * by an instance refresh, older images of the lineage retired. The schedule is optional (on demand from
 * the CLI or SNS otherwise).
 */
import * as z from 'zod/mini';
import { intBetween } from './condition-schema';
import { SCHEDULE } from './cleanup-schema';
import { InstanceSelectorSchema } from './instance-schema';

const int = intBetween;

/** The instance refresh's preferences (Auto Scaling's names, in the policy's words). */
export const RolloutSchema = z.strictObject({
  /** Capacity kept in service while instances are replaced, in percent. @default 90 */
  minHealthyPercentage: z._default(int('a percentage from 0 to 100', 0, 100), 90),
  /** Seconds a new instance warms up before it counts as healthy. @default 300 */
  warmupSeconds: z._default(int('a number of seconds from 0 to 86400', 0, 86_400), 300),
  /** Leave instances that already run the new image alone. @default true */
  skipMatching: z._default(z.boolean({ error: 'expected true or false' }), true),
  /** Auto Scaling rolls the group back to the old image if the refresh fails. @default true */
  autoRollback: z._default(z.boolean({ error: 'expected true or false' }), true),
  /** Percentages at which the refresh pauses for `checkpointDelaySeconds` (ascending, the last 100). */
  checkpoints: z.optional(
    z.array(int('a percentage from 1 to 100', 1, 100)).check(z.minLength(1, { error: 'expected a list' })),
  ),
  /** Seconds to wait at each checkpoint. @default 3600 */
  checkpointDelaySeconds: z._default(int('a number of seconds from 0 to 172800', 0, 172_800), 3600),
});

export const ImageRefreshSchema = z.strictObject({
  /** The instance the image is made from (by tags or id). @example { instance: { tags: { Role: golden } } } */
  from: z.strictObject({ instance: InstanceSelectorSchema }),
  /** When to refresh (EventBridge schedule expression); without it, on demand only. */
  schedule: z.optional(
    z.string().check(
      z.regex(SCHEDULE, {
        error: 'expected an EventBridge schedule such as rate(7 days) or cron(0 3 * * ? *)',
      }),
    ),
  ),
  /** The newest images of the lineage kept; older unused ones are retired. @default 3 */
  keep: z._default(int('a whole number from 1 to 100', 1, 100), 3),
  /** Reboot the source instance for a file-system-consistent image (NoReboot otherwise). @default false */
  reboot: z._default(z.boolean({ error: 'expected true or false' }), false),
  /** `deregister` old images (and delete their snapshots) or `deprecate` them. @default deregister */
  retire: z._default(
    z.enum(['deregister', 'deprecate'], { error: 'expected deregister or deprecate' }),
    'deregister',
  ),
  /** Minutes the image may take to become available; then it is deleted and the refresh fails. @default 60 */
  imageTimeoutMinutes: z._default(int('a number of minutes from 5 to 1440', 5, 1440), 60),
  rollout: z._default(RolloutSchema, {
    minHealthyPercentage: 90,
    warmupSeconds: 300,
    skipMatching: true,
    autoRollback: true,
    checkpointDelaySeconds: 3600,
  }),
});
