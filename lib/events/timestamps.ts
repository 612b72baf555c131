/**
 * AWS writes the same instant several ways: CloudWatch uses `2015-06-03T17:43:27.123+0000` (an offset
 * without a colon, which `Date.parse` does not promise to accept), EventBridge `2019-10-02T17:04:40Z`,
 * Auto Scaling `2016-09-16T12:39:01.604Z`. Triggers carry one form, `Date#toISOString()`, so that the
 * idempotency key built from the state-change time is the same whichever channel delivered the alarm.
 */

const ISO_8601 = /^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?)(Z|[+-]\d{2}:?\d{2})$/i;

/** The instant as `YYYY-MM-DDTHH:mm:ss.sssZ`, or undefined when `text` is not an ISO-8601 date-time with a zone. */
export function toIsoUtc(text: string): string | undefined {
  const match = ISO_8601.exec(text.trim());
  if (!match) return undefined;
  const [, date, time, zone = 'Z'] = match;
  const offset = zone.toUpperCase() === 'Z' ? 'Z' : `${zone.slice(0, 3)}:${zone.slice(-2)}`;
  // Beyond milliseconds the digits carry nothing Date can keep; cut them so that parsing stays exact.
  const clock = time?.replace(/(\.\d{3})\d+$/, '$1');
  // Date rolls 2019-02-30 over to March; a calendar date that does not exist is malformed input.
  const midnight = Date.parse(`${date}T00:00:00Z`);
  if (Number.isNaN(midnight) || !new Date(midnight).toISOString().startsWith(date ?? '')) return undefined;
  const ms = Date.parse(`${date}T${clock}${offset}`);
  return Number.isNaN(ms) ? undefined : new Date(ms).toISOString();
}
