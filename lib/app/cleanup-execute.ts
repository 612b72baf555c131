/**
 * Carries out one region's share of a cleanup plan through the one executor, in this order:
 *
 * 1. marks and unmarks (tags; batched where the API allows), category by category in registry order;
 * 2. deletions, category by category: the due resources of a category are re-verified together (one
 *    batched re-read), those in use again are kept and unmarked, those already gone are dropped, and
 *    each remaining one is deleted on its own, a few at a time, so one failure does not stop the others;
 * 3. the state-table marks of the categories kept there, written once per category, conditionally.
 */
import { errorMessage } from '../errors';
import type { ChangeStatus, CleanupPhase } from '../model/cleanup';
import { CATEGORIES } from '../model/cleanup-categories';
import { inPhase, type Change, type CleanupPlan, type RegionScan } from '../plan/cleanup/plan';
import type { CleanupIo } from '../aws/cleanup/calls';
import { FreshReads } from '../aws/cleanup/fresh';
import type { MarkTable } from '../aws/cleanup/mark-table';
import { CleanupWrites } from '../aws/cleanup/writes';
import type { Logger } from '../log';
import { executeActions, type Executed } from './execute';

export interface ChangeOutcome {
  status: ChangeStatus;
  detail?: string;
}

export interface RegionExecution {
  io: CleanupIo;
  region: string;
  plan: CleanupPlan;
  scan: RegionScan;
  marks?: MarkTable;
  /** Only this share of the changes (see `CleanupOptions.phase`). */
  phase?: CleanupPhase;
  dryRun: boolean;
  now: Date;
  log: Logger;
}

/** Deletions in flight at once in a region. */
const DELETE_CONCURRENCY = 4;

/** The region's changes in the order they are made: marks (by date), unmarks, then deletions; by category. */
function ordered(changes: Change[]): Change[] {
  const of = (category: string, kind: Change['kind']) =>
    changes.filter((c) => c.category === category && c.kind === kind);
  const tags = CATEGORIES.flatMap((spec) => {
    const marks = of(spec.category, 'mark');
    const dates = [...new Set(marks.map((c) => (c.kind === 'mark' ? c.action.deleteAfter : '')))];
    return [
      ...dates.flatMap((d) => marks.filter((c) => c.kind === 'mark' && c.action.deleteAfter === d)),
      ...of(spec.category, 'unmark'),
    ];
  });
  return [...tags, ...CATEGORIES.flatMap((spec) => of(spec.category, 'delete'))];
}

export async function executeRegion(o: RegionExecution): Promise<Map<Change, ChangeOutcome>> {
  const changes = ordered(o.plan.changes.filter((c) => c.region === o.region && inPhase(c, o.phase)));
  // The deleting role writes no mark: what it finds in use again is unmarked by the next marking run.
  const deleting = o.phase === 'delete';
  const writes = new CleanupWrites(o.io, o.region);
  const executed = await executeActions(
    changes.map((c) => ({ action: c.action, detail: c.detail })),
    {
      ports: { cleanupReads: new FreshReads(o.io, o.region), cleanupWrites: writes, alarmDeletes: writes },
      ctx: { now: () => o.now, region: o.region },
      log: o.log,
      dryRun: o.dryRun,
      stopOnFailure: false,
      concurrency: DELETE_CONCURRENCY,
      followUps: !deleting,
    },
  );
  const outcomes = new Map<Change, ChangeOutcome>();
  changes.forEach((c, i) => {
    const { status, detail } = executed[i]!;
    // Cleanup's outcomes are its report's words: a workflow's `started` cannot happen here.
    outcomes.set(c, { status: status === 'started' ? 'applied' : status, ...(detail ? { detail } : {}) });
  });
  if (!o.dryRun && !deleting) await writeTables(o, changes, outcomes, keptOf(changes, executed));
  return outcomes;
}

/** Deletions kept because the resource is in use again (their marks go). */
const keptOf = (changes: Change[], executed: Executed[]): Set<Change> =>
  new Set(changes.filter((c, i) => c.kind === 'delete' && executed[i]!.followUp));

/** The new table marks: as read, plus this run's marks, minus its unmarks and whatever is gone or kept. */
async function writeTables(
  o: RegionExecution,
  changes: Change[],
  outcomes: Map<Change, ChangeOutcome>,
  kept: Set<Change>,
): Promise<void> {
  if (!o.marks) return;
  for (const t of o.plan.tables.filter((x) => x.region === o.region)) {
    const next = { ...t.base };
    const mine = changes.filter((c) => c.category === t.category);
    for (const c of mine) {
      const out = outcomes.get(c);
      if (c.kind === 'mark' && out?.status === 'applied') next[c.id] = c.action.deleteAfter;
      if (c.kind === 'unmark' && out?.status === 'applied') delete next[c.id];
      if (c.kind === 'delete' && (out?.status === 'applied' || out?.detail === 'already gone' || kept.has(c)))
        delete next[c.id];
    }
    const same =
      Object.keys(next).length === Object.keys(t.before).length &&
      Object.entries(next).every(([id, date]) => t.before[id] === date);
    if (same) continue;
    let problem: string | undefined;
    try {
      const written = await o.marks.write(
        o.io,
        o.region,
        t.category,
        next,
        o.scan.tableVersions?.[t.category] ?? 0,
      );
      if (!written) problem = 'another run changed the marks meanwhile; the next run tries again';
    } catch (error) {
      problem = `could not record the marks: ${errorMessage(error)}`;
    }
    if (!problem) continue;
    for (const c of mine)
      if (c.kind !== 'delete' && outcomes.get(c)?.status === 'applied')
        outcomes.set(c, { status: 'failed', detail: problem });
  }
}
