/** Small pure helpers the cleanup rules share: ages, tags, marks, names, who uses what. */
import type { Inventory, Tags } from '../../model/inventory';

export const DAY_MS = 86_400_000;

/** Days from `iso` to `now` (fractional); null when AWS gave no date. */
export function ageDays(now: Date, iso: string | undefined): number | null {
  if (!iso) return null;
  const t = Date.parse(iso);
  return Number.isNaN(t) ? null : (now.getTime() - t) / DAY_MS;
}

/** The latest of several dates (ISO strings), ignoring absent ones. */
export function latest(...dates: (string | undefined)[]): string | undefined {
  const times = dates.filter((d): d is string => !!d && !Number.isNaN(Date.parse(d)));
  return times.sort((a, b) => Date.parse(b) - Date.parse(a))[0];
}

/**
 * The mark's date if the tag holds one: `2026-12-04` (the ISO date cleanup writes) or a full timestamp.
 * Anything else is no mark (a run marks it again with a date it can read).
 */
export function markOf(value: string | undefined): string | undefined {
  if (!value) return undefined;
  return /^\d{4}-\d{2}-\d{2}(T[\d:.]+Z)?$/.test(value) && !Number.isNaN(Date.parse(value))
    ? value
    : undefined;
}

/** A date-only mark is due once its day is over (so the grace period is never shortened); a timestamp, once passed. */
export function isDue(mark: string, now: Date): boolean {
  const t = Date.parse(mark);
  return mark.length === 10 ? now.getTime() >= t + DAY_MS : now.getTime() >= t;
}

/** The mark a run writes: the calendar day (UTC) `graceDays` from now. */
export const deleteAfterDate = (now: Date, graceDays: number): string =>
  new Date(now.getTime() + graceDays * DAY_MS).toISOString().slice(0, 10);

/** `keep-*` → /^keep-.*$/: `*` any characters, `?` one, the rest literally. */
export function globMatcher(pattern: string): RegExp {
  const body = pattern
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${body}$`);
}

export const nameTag = (tags: Tags): string[] => (tags.Name ? [tags.Name] : []);

export { parseArn } from '../../model/arn';
export { isProtected, tagMap } from '../../model/tags';

export const liveInstanceIds = (inv: Inventory): Set<string> =>
  new Set((inv.instances ?? []).map((i) => i.id));

export const plural = (n: number, one: string, many = `${one}s`): string => `${n} ${n === 1 ? one : many}`;

export const formatGiB = (gib: number): string => `${Math.round(gib * 10) / 10} GiB`;
