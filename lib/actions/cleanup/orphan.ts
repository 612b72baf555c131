/**
 * What cleanup's deletions share: the batch they are re-verified in (one region and kind), how a
 * re-read becomes a verdict (gone, kept with why, or still an orphan), and how AWS's answer to the
 * deletion reads. A resource in use again is kept, and its mark goes (an unmark follows); one a person
 * protected or unmarked meanwhile is simply left alone.
 */
import type { Action, UnmarkResourceAction } from '../../model/action';
import type { CleanupCategory } from '../../model/cleanup';
import { TAGS, isProtected } from '../../model/tags';
import type { Applied, Check, Planned } from '../action-module';
import type { Deleted } from '../ports';

/** A deletion of cleanup's, whatever its type: its resource's id and kind. */
export interface Orphan {
  target: string;
  region?: string;
  category: CleanupCategory;
  resourceId: string;
}

export const orphanBatch = (a: Orphan): string => `${a.region ?? ''}|${a.category}`;

export const unmarkOf = (a: Orphan): UnmarkResourceAction => ({
  type: 'unmark-resource',
  target: a.target,
  region: a.region ?? '',
  category: a.category,
  resourceId: a.resourceId,
  reason: `${a.resourceId} is in use again: its mark goes`,
});

/** The checks every tagged kind shares: protected meanwhile, or its mark removed by a person. */
export function tagVeto(tags: Record<string, string>): string | undefined {
  if (isProtected(tags)) return 'it is protected now (autopilot:protect=true)';
  if (!tags[TAGS.deleteAfter]) return 'its mark was removed';
  return undefined;
}

const LEFT_ALONE = /protected|mark was removed/;

/**
 * Verdicts for a batch from what the re-read found: `found` maps each resource still there to why it is
 * no longer an orphan (undefined: still one); a resource not found is gone.
 */
export function verdicts<A extends Orphan & Action>(
  items: Planned<A>[],
  found: ReadonlyMap<string, string | undefined>,
): Check[] {
  return items.map(({ action: a }): Check => {
    if (!found.has(a.resourceId)) return { ok: false, detail: 'already gone' };
    const why = found.get(a.resourceId);
    if (!why) return { ok: true };
    return {
      ok: false,
      detail: `no longer an orphan: ${why}; kept and unmarked`,
      ...(LEFT_ALONE.test(why) ? {} : { followUp: unmarkOf(a) }),
    };
  });
}

/** AWS's answer to a deletion: "not found" is an orphan someone else deleted, "in use" one it refused. */
export function fromDeleted(done: Deleted, a: Orphan): Applied {
  if (done.status === 'applied') return { status: 'applied' };
  if (done.status === 'gone') return { status: 'dropped', detail: 'already gone' };
  return { status: 'dropped', detail: `AWS refused: in use (${done.code})`, followUp: unmarkOf(a) };
}

/** How a cleanup action reads: the table's line and the e-mail's headline (the report says the rest). */
export const orphanWords = {
  line: (a: Orphan & { type: string }, cost: string): string =>
    `${a.type}  ${a.target}  ${a.resourceId} (${a.region})${cost}`,
  headline: (a: Orphan & { type: string }, verb: string): string =>
    `${verb}${a.type.replace(/-/g, ' ')} ${a.resourceId}`,
};
