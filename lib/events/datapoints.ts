/**
 * The datapoints behind an alarm's state change, newest first.
 *
 * Two sources, in order of trust:
 * - `reasonData`, a JSON string on EventBridge and Lambda-action events. Its `recentDatapoints` list
 *   is chronological (oldest first): a reason of `[15.39 (17/01/22 14:42:00), 11.48 (17/01/22 14:37:00)]`
 *   comes with `"recentDatapoints":[11.48,15.39]`, while `evaluatedDatapoints` lists newest first with
 *   timestamps. Composite alarms put `triggeringAlarms` there instead and carry no datapoints.
 * - the human reason text, the only source in SNS messages. It lists values newest first with the time
 *   in `dd/MM/yy HH:mm:ss` (UTC): `Threshold Crossed: 2 out of the last 2 datapoints [99.5 (02/10/19
 *   16:59:00), 98.1 (02/10/19 16:54:00)] was greater than the threshold (50.0)`. Anomaly-detection
 *   reasons add `[…] thresholds` lists without timestamps, which are not datapoints; alarms older than
 *   about 2018 wrote `1 datapoint (10.0) was greater than …`.
 */
import * as z from 'zod/mini';

/** The parts of `reasonData` the product uses; the rest (queryDate, statistic, unit…) is ignored. */
export const reasonDataSchema = z.object({
  recentDatapoints: z.optional(z.array(z.number())),
  evaluatedDatapoints: z.optional(
    z.array(z.object({ timestamp: z.string(), value: z.optional(z.number()) })),
  ),
  threshold: z.optional(z.number()),
});

export type ReasonData = z.output<typeof reasonDataSchema>;

/** Datapoints from `reasonData`, newest first; undefined when it lists none (so the reason text is tried). */
export function datapointsFromReasonData(data: ReasonData | undefined): number[] | undefined {
  if (data?.recentDatapoints) return [...data.recentDatapoints].reverse();
  const evaluated = data?.evaluatedDatapoints?.filter(
    (d): d is { timestamp: string; value: number } => d.value !== undefined,
  );
  if (evaluated && evaluated.length > 0) {
    return [...evaluated]
      .sort((a, b) => Date.parse(normaliseOffset(b.timestamp)) - Date.parse(normaliseOffset(a.timestamp)))
      .map((d) => d.value);
  }
  return undefined;
}

const NUMBER = String.raw`[-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?`;
const STAMPED = new RegExp(
  String.raw`(?<![\w.])(${NUMBER})\s*\((\d{2})/(\d{2})/(\d{2}) (\d{2}):(\d{2}):(\d{2})\)`,
  'g',
);
const BARE_LIST = new RegExp(String.raw`datapoints?[^[\]]*?\[\s*(${NUMBER}(?:\s*,\s*${NUMBER})*)\s*\]`);
const SINGLE_OLD_STYLE = new RegExp(String.raw`\bdatapoint\s*\((${NUMBER})\)`);

/** Datapoints quoted in an alarm's reason text, newest first; empty when it quotes none. */
export function datapointsFromReason(reason: string): number[] {
  const stamped = [...reason.matchAll(STAMPED)].map((m) => ({
    value: Number(m[1]),
    // yymmddHHmmss sorts as text; every CloudWatch datapoint is from this century.
    key: `${m[4]}${m[3]}${m[2]}${m[5]}${m[6]}${m[7]}`,
  }));
  if (stamped.length > 0) {
    return stamped.sort((a, b) => (a.key < b.key ? 1 : a.key > b.key ? -1 : 0)).map((d) => d.value);
  }
  const list = BARE_LIST.exec(reason);
  if (list?.[1]) return list[1].split(',').map((v) => Number(v.trim()));
  const single = SINGLE_OLD_STYLE.exec(reason);
  return single?.[1] ? [Number(single[1])] : [];
}

/** Breaching datapoints, newest first: `reasonData` when it has them, else the reason text. */
export function breachingDatapoints(reason: string, data?: ReasonData): number[] {
  return datapointsFromReasonData(data) ?? datapointsFromReason(reason);
}

function normaliseOffset(timestamp: string): string {
  return timestamp.replace(/([+-]\d{2})(\d{2})$/, '$1:$2');
}
