/**
 * Guards every category goes through, in one place so that no rule can skip one: exclusions by tag, id
 * and name pattern (the resource is not looked at), the minimum age (too young to be called an orphan),
 * and `autopilot:protect=true` (listed, never changed). Pure.
 */
import type { Candidate } from '../../model/cleanup';
import type { Exclusions } from '../../policy/cleanup';
import { globMatcher } from './facts';

/** Why the policy excludes this resource, or undefined. */
export function exclusionOf(c: Candidate, exclude: Exclusions): string | undefined {
  if (exclude.ids.includes(c.id)) return `its id is in cleanup.exclude.ids`;
  for (const [key, value] of Object.entries(exclude.tags)) {
    const actual = c.tags[key];
    if (actual !== undefined && globMatcher(value).test(actual))
      return `it is tagged ${key}=${actual} (cleanup.exclude.tags)`;
  }
  for (const pattern of exclude.names) {
    const matcher = globMatcher(pattern);
    const name = c.names.find((n) => matcher.test(n));
    if (name !== undefined) return `its name ${name} matches ${pattern} (cleanup.exclude.names)`;
  }
  return undefined;
}

/** A category without a minimum age, or a resource AWS gives no date for, is never too young. */
export const isTooYoung = (c: Candidate, minAgeDays: number | undefined): boolean =>
  minAgeDays !== undefined && c.ageDays !== null && c.ageDays < minAgeDays;
