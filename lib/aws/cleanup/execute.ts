/**
 * Carries out one region's share of a cleanup plan, in this order:
 *
 * 1. marks and unmarks (tags; batched where the API allows);
 * 2. deletions, category by category in registry order: the due resources are re-verified first (one
 *    batched re-read per category), those in use again are kept and unmarked, those already gone are
 *    dropped, and each remaining one is deleted on its own, so one failure does not stop the others;
 * 3. the state-table marks of the categories kept there, written once per category, conditionally.
 */
import { errorMessage } from '../../errors';
import type { ChangeStatus, CleanupCategory } from '../../model/cleanup';
import { CATEGORIES } from '../../plan/cleanup/categories';
import type { Change, CleanupPlan, RegionScan } from '../../plan/cleanup/plan';
import { mapLimit, type CleanupIo } from './calls';
import { deleteOrphan, writeMarkTags } from './changes';
import type { MarkTable } from './mark-table';
import { verify } from './verify';

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
  dryRun: boolean;
}

/** Deletions in flight at once in a region. */
const DELETE_CONCURRENCY = 4;

const byCategory = (changes: Change[], category: CleanupCategory, kind: Change['kind']) =>
  changes.filter((c) => c.category === category && c.kind === kind);

export async function executeRegion(o: RegionExecution): Promise<Map<Change, ChangeOutcome>> {
  const { io, region } = o;
  const changes = o.plan.changes.filter((c) => c.region === region);
  const outcomes = new Map<Change, ChangeOutcome>();
  if (o.dryRun) {
    for (const c of changes) outcomes.set(c, { status: 'dry-run' });
    return outcomes;
  }
  const tagged = async (list: Change[], date: string | undefined) => {
    if (list.length === 0) return;
    const results = await writeMarkTags(
      io,
      region,
      list[0]!.category,
      list.map((c) => ({ id: c.id, ...(c.detail?.arn ? { arn: c.detail.arn } : {}) })),
      date,
    ).catch((error: unknown) => new Map(list.map((c) => [c.id, errorMessage(error)])));
    for (const c of list) {
      const error = results.get(c.id);
      outcomes.set(c, error ? { status: 'failed', detail: error } : { status: 'applied' });
    }
  };

  const kept: Change[] = [];
  for (const spec of CATEGORIES) {
    const marks = byCategory(changes, spec.category, 'mark');
    for (const date of new Set(marks.map((c) => (c.kind === 'mark' ? c.action.deleteAfter : ''))))
      await tagged(
        marks.filter((c) => c.kind === 'mark' && c.action.deleteAfter === date),
        date,
      );
    await tagged(byCategory(changes, spec.category, 'unmark'), undefined);
  }

  for (const spec of CATEGORIES) {
    const due = byCategory(changes, spec.category, 'delete') as Extract<Change, { kind: 'delete' }>[];
    if (due.length === 0) continue;
    let verdict;
    try {
      verdict = await verify(io, region, spec.category, due);
    } catch (error) {
      for (const d of due)
        outcomes.set(d, { status: 'failed', detail: `re-verification failed: ${errorMessage(error)}` });
      continue;
    }
    const back: Change[] = [];
    // A few at a time: deletions are independent, and throttling is retried with backoff.
    await mapLimit(due, DELETE_CONCURRENCY, async (d) => {
      const why = verdict.keep.get(d.id);
      if (verdict.gone.has(d.id)) outcomes.set(d, { status: 'dropped', detail: 'already gone' });
      else if (why) {
        outcomes.set(d, { status: 'dropped', detail: `no longer an orphan: ${why}; kept and unmarked` });
        if (!/protected|mark was removed/.test(why)) back.push(d);
      } else {
        try {
          const done = await deleteOrphan(io, d.action);
          outcomes.set(d, done.status === 'applied' ? done : { status: 'dropped', detail: done.detail });
          if (done.status === 'dropped' && done.inUse) back.push(d);
        } catch (error) {
          outcomes.set(d, { status: 'failed', detail: errorMessage(error) });
        }
      }
    });
    // In use again after all: its mark goes, as for any orphan put back into use.
    if (back.length > 0 && spec.markStore !== 'table') {
      await writeMarkTags(
        io,
        region,
        spec.category,
        back.map((c) => ({ id: c.id, ...(c.detail?.arn ? { arn: c.detail.arn } : {}) })),
        undefined,
      ).catch(() => undefined);
    }
    kept.push(...back);
  }

  await writeTables(o, changes, outcomes, kept);
  return outcomes;
}

/** The new table marks: as read, plus this run's marks, minus its unmarks and whatever is gone or kept. */
async function writeTables(
  o: RegionExecution,
  changes: Change[],
  outcomes: Map<Change, ChangeOutcome>,
  kept: Change[],
): Promise<void> {
  if (!o.marks) return;
  for (const t of o.plan.tables.filter((x) => x.region === o.region)) {
    const next = { ...t.base };
    const mine = changes.filter((c) => c.category === t.category);
    for (const c of mine) {
      const out = outcomes.get(c);
      if (c.kind === 'mark' && out?.status === 'applied') next[c.id] = c.action.deleteAfter;
      if (c.kind === 'unmark' && out?.status === 'applied') delete next[c.id];
      if (
        c.kind === 'delete' &&
        (out?.status === 'applied' || out?.detail === 'already gone' || kept.includes(c))
      )
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
