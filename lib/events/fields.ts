/** Field schemas shared by several event shapes. */
import { z } from 'zod';
import { isRegionCode } from './regions';
import { toIsoUtc } from './timestamps';

export const ALARM_STATES = ['OK', 'ALARM', 'INSUFFICIENT_DATA'] as const;

export const alarmState = z.enum(ALARM_STATES);

/** Any ISO-8601 date-time AWS sends, normalised to `YYYY-MM-DDTHH:mm:ss.sssZ`. */
export const isoTimestamp = z.string().transform((text, ctx) => {
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
});

export const regionCode = z
  .string()
  .refine(isRegionCode, { message: 'expected an AWS region code such as eu-west-1' });

export const nonEmptyString = z.string().min(1);

/** Fields every EventBridge event carries; each event shape adds its own `detail`. */
export const eventBridgeEnvelope = z.object({
  'detail-type': z.string(),
  source: z.string(),
  account: z.string(),
  time: isoTimestamp,
  region: regionCode,
  resources: z.array(z.string()).optional(),
});

/** A string holding JSON (AWS nests `reasonData` and SNS `Message` this way), parsed and checked with `schema`. */
export function jsonString<S extends z.ZodType>(schema: S) {
  return z
    .string()
    .transform((text, ctx): unknown => {
      try {
        return JSON.parse(text) as unknown;
      } catch {
        ctx.issues.push({ code: 'custom', message: 'expected a JSON document', input: text });
        return z.NEVER;
      }
    })
    .pipe(schema);
}

/** A JSON object (not null, not an array). */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
