/**
 * The normalised `cleanup:` block: every default applied, each category's options and minimum age in
 * one place, and the rules a schema cannot express checked with the path of the field to fix.
 */
import type { CleanupCategory, CleanupMode } from '../model/cleanup';
import { CATEGORIES } from '../model/cleanup-categories';
import type { CleanupFile } from './cleanup-schema';

export interface CategoryPolicy {
  enabled: boolean;
  /** Days it must have existed (or been idle) first; absent where AWS gives no age. */
  minAgeDays?: number;
  /** At most this many changed per run. */
  maxPerRun?: number;
  /** Images: the newest `keep` of each lineage are never orphans. */
  keep?: number;
  /** Stopped instances: terminate them when due (otherwise they are only reported). */
  terminate?: boolean;
}

export interface Exclusions {
  /** Tag key → value pattern (`*` for any value). */
  tags: Record<string, string>;
  ids: string[];
  /** Patterns (`*`, `?`) matched against names and `Name` tags. */
  names: string[];
}

export interface CleanupPolicy {
  schedule: string;
  mode: CleanupMode;
  graceDays: number;
  maxDeletionsPerRun: number;
  exclude: Exclusions;
  /** Absent: the policy's region, else the environment's. */
  regions?: string[];
  concurrency: number;
  categories: Record<CleanupCategory, CategoryPolicy>;
}

export const CLEANUP_DEFAULTS = {
  schedule: 'rate(1 day)',
  mode: 'report',
  graceDays: 7,
  maxDeletionsPerRun: 50,
  concurrency: 4,
  imageKeep: 3,
} as const;

type Issues = string[];

export function resolveCleanup(
  file: CleanupFile | undefined,
  issues: Issues,
  path = 'cleanup',
): CleanupPolicy {
  const f = file ?? {};
  const categories = {} as Record<CleanupCategory, CategoryPolicy>;
  const ages = (f.minAgeDays ?? {}) as Record<string, number | undefined>;
  const options = (f.categories ?? {}) as Record<
    string,
    { enabled?: boolean; maxPerRun?: number; keep?: number; terminate?: boolean } | undefined
  >;
  for (const spec of CATEGORIES) {
    const o = options[spec.key] ?? {};
    const minAgeDays = ages[spec.key] ?? spec.defaultMinAgeDays;
    categories[spec.category] = {
      enabled: o.enabled ?? spec.enabledByDefault,
      ...(minAgeDays === undefined ? {} : { minAgeDays }),
      ...(o.maxPerRun === undefined ? {} : { maxPerRun: o.maxPerRun }),
      ...(spec.category === 'image' ? { keep: o.keep ?? CLEANUP_DEFAULTS.imageKeep } : {}),
      ...(spec.category === 'instance' ? { terminate: o.terminate ?? false } : {}),
    };
    if (spec.category === 'instance' && o.terminate && o.enabled === false)
      issues.push(`${path}.categories.instances.terminate: needs enabled: true (the category is off)`);
  }
  const regions = f.regions;
  if (regions) {
    const seen = new Set<string>();
    regions.forEach((r, i) => {
      if (seen.has(r)) issues.push(`${path}.regions[${i}]: ${r} is listed twice`);
      seen.add(r);
    });
  }
  return {
    schedule: f.schedule ?? CLEANUP_DEFAULTS.schedule,
    mode: f.mode ?? CLEANUP_DEFAULTS.mode,
    graceDays: f.graceDays ?? CLEANUP_DEFAULTS.graceDays,
    maxDeletionsPerRun: f.maxDeletionsPerRun ?? CLEANUP_DEFAULTS.maxDeletionsPerRun,
    exclude: {
      tags: f.exclude?.tags ?? {},
      ids: f.exclude?.ids ?? [],
      names: f.exclude?.names ?? [],
    },
    ...(regions ? { regions: [...regions] } : {}),
    concurrency: f.concurrency ?? CLEANUP_DEFAULTS.concurrency,
    categories,
  };
}

/** The cleanup a policy without a `cleanup:` block gets: report only, every default. */
export const defaultCleanupPolicy = (): CleanupPolicy => resolveCleanup(undefined, []);
