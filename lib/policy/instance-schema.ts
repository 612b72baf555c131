/**
 * The parts of the policy file for instance targets (vertical scaling): which instance, its ladder of
 * types, how to move between rungs, and what to check before the address moves.
 */
import * as z from 'zod/mini';
import { ConditionSchema, intBetween } from './condition-schema';

const int = intBetween;

/** `t3.large`, `m6i.2xlarge`, `c7gn.metal-48xl`. */
const INSTANCE_TYPE = /^[a-z][a-z0-9-]*\.[a-z0-9-]+$/;

/**
 * By tags (a blue-green resize replaces the instance, and its tags go with it) or by id.
 * @example { tags: { Name: wordpress } }
 */
export const InstanceSelectorSchema = z.strictObject({
  id: z.optional(
    z
      .string()
      .check(z.regex(/^i-[0-9a-f]{8,17}$/, { error: 'expected an instance id such as i-0123456789abcdef0' })),
  ),
  tags: z.optional(z.record(z.string().check(z.minLength(1)), z.string())),
});

/** An HTTP GET the new (or restarted) instance must answer before the Elastic IP moves to it. */
export const HealthCheckSchema = z.strictObject({
  /** @default / */
  path: z._default(z.string().check(z.startsWith('/', { error: 'expected a path starting with /' })), '/'),
  /** @default 80 */
  port: z._default(int('a port from 1 to 65535', 1, 65535), 80),
  /** @default 200 */
  expectStatus: z._default(int('an HTTP status from 100 to 599', 100, 599), 200),
  /** How long the instance may take to answer before the resize rolls back. @default 300 */
  timeoutSeconds: z._default(int('a number of seconds from 10 to 3600', 10, 3600), 300),
  /**
   * Where the request goes: `public-ip` or `private-ip` of the instance (the function must be able to
   * reach it, e.g. run in the VPC for private addresses), or a fixed host name. @default public-ip
   */
  host: z._default(z.string().check(z.minLength(1)), 'public-ip'),
});

export const ScaleUpSchema = z.strictObject({
  when: z.optional(ConditionSchema),
  /** Instance types from smallest to biggest, one rung per alarm; families may mix. */
  ladder: z
    .array(z.string().check(z.regex(INSTANCE_TYPE, { error: 'expected an instance type such as t3.small' })))
    .check(z.minLength(2, { error: 'expected at least two instance types' })),
  /** `blue-green` (image, launch, check, move the address; no downtime) or `in-place` (stop, change, start). @default blue-green */
  strategy: z._default(
    z.enum(['blue-green', 'in-place'], { error: 'expected blue-green or in-place' }),
    'blue-green',
  ),
  healthCheck: z.optional(HealthCheckSchema),
  /** Reboot the instance for a file-system-consistent image (blue-green); off, it is imaged live. @default false */
  reboot: z._default(z.boolean(), false),
  /** The old instance after a blue-green move: kept `stop`ped (to go back by hand) or `terminate`d. @default stop */
  retireOld: z._default(z.enum(['stop', 'terminate'], { error: 'expected stop or terminate' }), 'stop'),
  /** At the top of the ladder, scale out this Auto Scaling target instead (the seed's "scale up, then out"). */
  then: z.optional(z.strictObject({ scaleOut: z.string().check(z.minLength(1)) })),
});

export const ScaleDownSchema = z.strictObject({
  when: z.optional(ConditionSchema),
});

/**
 * Keeping a single-instance service on its Elastic IP when the instance fails its EC2 status checks: the
 * address moves to a healthy warm standby, or to a replacement launched from the target's newest image.
 * @example { standby: { tags: { Name: wordpress-standby } }, replaceFrom: latest-image, after: { statusCheckFailedMinutes: 2 } }
 */
export const FailoverSchema = z.strictObject({
  /**
   * A warm standby, by tags or id, that the address moves to when it runs and passes the health check.
   * Its selector must not also select the serving instance.
   */
  standby: z.optional(InstanceSelectorSchema),
  /**
   * Without a healthy standby: launch a replacement from the newest image of the target (`latest-image`),
   * or change nothing and tell (`none`). @default latest-image
   */
  replaceFrom: z._default(
    z.enum(['latest-image', 'none'], { error: 'expected latest-image or none' }),
    'latest-image',
  ),
  /** When the instance counts as failed. @default { statusCheckFailedMinutes: 2 } */
  after: z._default(
    z.strictObject({
      /** Consecutive minutes a status check (the host's or the instance's) fails first. @default 2 */
      statusCheckFailedMinutes: z._default(int('a whole number of minutes from 1 to 60', 1, 60), 2),
    }),
    { statusCheckFailedMinutes: 2 },
  ),
  /**
   * What the standby or replacement must answer before the address moves, for a target without
   * `scaleUp` (with one, `scaleUp.healthCheck` serves both). @default none: status checks only
   */
  healthCheck: z.optional(HealthCheckSchema),
});
