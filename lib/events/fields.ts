/**
 * Field schemas shared by several event shapes.
 *
 * Every schema under lib/ uses zod/mini, the functional API (`z.optional(z.string())` rather than
 * `z.string().optional()`): its functions tree-shake, where the classic API's methods pull all of zod
 * into each Lambda bundle (about 90 KB minified, against 26 KB with zod/mini) and lengthen its cold
 * start. Both parse with the same zod core, so the issues are the same, and so are the messages that
 * validation/zod-issue.ts builds from them.
 */
import * as z from 'zod/mini';
import { isRegionCode } from './regions';
import { toIsoUtc } from './timestamps';

export const ALARM_STATES = ['OK', 'ALARM', 'INSUFFICIENT_DATA'] as const;

export const alarmState = z.enum(ALARM_STATES);

/** Any ISO-8601 date-time AWS sends, normalised to `YYYY-MM-DDTHH:mm:ss.sssZ`. */
export const isoTimestamp = z.pipe(
  z.string(),
  z.transform((text: string, ctx) => {
    const iso = toIsoUtc(text);
    if (iso === undefined) {
      ctx.issues.push({
        code: 'custom',
        message: 'expected an ISO-8601 timestamp such as 2019-10-02T17:04:40Z',
        input: text,
      });
      return z.NEVER;
    }
    return iso;
  }),
);

export const regionCode = z
  .string()
  .check(z.refine(isRegionCode, { message: 'expected an AWS region code such as eu-west-1' }));

export const nonEmptyString = z.string().check(z.minLength(1));

/** Fields every EventBridge event carries; each event shape adds its own `detail`. */
export const eventBridgeEnvelope = z.object({
  'detail-type': z.string(),
  source: z.string(),
  account: z.string(),
  time: isoTimestamp,
  region: regionCode,
  resources: z.optional(z.array(z.string())),
});

/** A string holding JSON (AWS nests `reasonData` and SNS `Message` this way), parsed and checked with `schema`. */
export function jsonString<S extends z.ZodMiniType>(schema: S) {
  const parsed = z.pipe(
    z.string(),
    z.transform((text: string, ctx): unknown => {
      try {
        return JSON.parse(text) as unknown;
      } catch {
        ctx.issues.push({ code: 'custom', message: 'expected a JSON document', input: text });
        return z.NEVER;
      }
    }),
  );
  return z.pipe(parsed, schema);
}

/** A JSON object (not null, not an array). */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
