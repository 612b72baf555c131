/**
 * The cleanup planner: from the scans of every region, the policy, the mode and the time, what the run
 * reports and what it changes. Pure (no AWS, no clock), so every guard is table-tested.
 *
 * The lifecycle: `report` changes nothing. `mark` tags each new finding `autopilot:delete-after=<date>`
 * (now + graceDays) and removes the mark of a marked resource that is no longer an orphan. `delete`
 * does what `mark` does, and deletes the marked findings whose date has passed (the executor re-verifies
 * each just before). Protected resources are listed and never changed; a scan that failed anywhere
 * makes the whole run change nothing, since a missing describe would make things look unused.
 */
import type {
  CleanupAction,
  DeleteAlarmAction,
  MarkResourceAction,
  UnmarkResourceAction,
} from '../../model/action';
import type {
  Candidate,
  CategoryStats,
  CleanupCategory,
  CleanupMode,
  CleanupPhase,
  Finding,
  ScanFailure,
  Unmarked,
} from '../../model/cleanup';
import type { Inventory, LookupRequest } from '../../model/inventory';
import { TAGS } from '../../model/tags';
import type { CategoryPolicy, CleanupPolicy } from '../../policy/cleanup';
import type { Policy } from '../../policy/policy';
import { ownedAlarmNames } from '../alarms';
import { CATEGORIES, type CategorySpec, type MarkStore } from '../../model/cleanup-categories';
import { deleteAfterDate, isDue, isProtected, markOf } from './facts';
import { exclusionOf, isTooYoung } from './guards';
import type { RuleContext } from './rule';
import { RULES } from './rules';

export interface RegionScan {
  region: string;
  inventory: Inventory;
  failures: ScanFailure[];
  /** Marks kept in the state table, by category, then resource id → date. */
  tableMarks: Partial<Record<CleanupCategory, Record<string, string>>>;
  /** The versions of those table items, for the conditional write (the planner does not use them). */
  tableVersions?: Partial<Record<CleanupCategory, number>>;
}

export interface CleanupInput {
  policy: Policy;
  cleanup: CleanupPolicy;
  mode: CleanupMode;
  now: Date;
  /** The orchestrator's own topics. */
  ownTopics: readonly string[];
}

export type CleanupDeletion =
  Exclude<CleanupAction, MarkResourceAction | UnmarkResourceAction> | DeleteAlarmAction;

interface ChangeBase {
  region: string;
  category: CleanupCategory;
  id: string;
  store: MarkStore;
  detail?: Record<string, string>;
}

/** A change to make, pointing at the finding (or unmarked entry) it belongs to. */
export type Change =
  | (ChangeBase & { kind: 'mark'; finding: number; action: MarkResourceAction })
  | (ChangeBase & { kind: 'delete'; finding: number; action: CleanupDeletion })
  | (ChangeBase & { kind: 'unmark'; unmarked: number; action: UnmarkResourceAction });

/** Whether a change belongs to a run that makes only `phase`'s share (every change when none is given). */
export const inPhase = (c: Change, phase?: CleanupPhase): boolean =>
  !phase || (phase === 'delete') === (c.kind === 'delete');

/** The state-table marks of one region and category: as read, and without entries whose resource is gone. */
export interface TableMarks {
  region: string;
  category: CleanupCategory;
  before: Record<string, string>;
  base: Record<string, string>;
}

export interface CleanupPlan {
  mode: CleanupMode;
  regions: string[];
  findings: Finding[];
  unmarked: Unmarked[];
  failures: ScanFailure[];
  stats: Partial<Record<CleanupCategory, CategoryStats>>;
  changes: Change[];
  tables: TableMarks[];
}

/** Which lookup each category's suspects need (a failed lookup voids the category in that region). */
export const LOOKUP_OF: Partial<Record<CleanupCategory, LookupRequest['kind']>> = {
  'elastic-ip': 'instance-states',
  image: 'image-shares',
  alarm: 'alarm-tags',
  topic: 'topic-tags',
  subscription: 'topic-exists',
  'auto-scaling-group': 'group-activity',
};

export function ruleContext(
  input: Pick<CleanupInput, 'policy' | 'now' | 'ownTopics'>,
  options: CategoryPolicy,
): RuleContext {
  const { policy } = input;
  return {
    now: input.now,
    options,
    // Rules' and failover's status-check alarms alike: reconcile's to keep or repair, never cleanup's.
    policyAlarms: ownedAlarmNames(policy),
    alarmPrefix: `${policy.alarmPrefix}-`,
    policyGroups: new Set(
      policy.targets.flatMap((t) => (t.kind === 'auto-scaling-group' ? [t.autoScalingGroup] : [])),
    ),
    policyInstances: policy.targets.flatMap((t) => (t.kind === 'instance' ? [t.instance] : [])),
    ownTopics: new Set(input.ownTopics),
  };
}

/** A category's findings are trusted only if everything it reads was read completely. */
export function categoryReadable(spec: CategorySpec, failedParts: ReadonlySet<string>): boolean {
  const lookup = LOOKUP_OF[spec.category];
  return (
    !spec.reads.some((p) => failedParts.has(p)) &&
    !(lookup && failedParts.has(`lookup:${lookup}`)) &&
    !(spec.markStore === 'table' && failedParts.has(`marks:${spec.category}`))
  );
}

function deletion(
  c: Candidate,
  base: { target: string; region: string; reason: string; monthlyCostDeltaUsd: number },
): CleanupDeletion {
  const spec = CATEGORIES.find((s) => s.category === c.category)!;
  const common = { ...base, category: c.category, resourceId: c.id };
  switch (spec.deleteAction) {
    case 'delete-alarm':
      return { type: 'delete-alarm', alarmName: c.id, ...base };
    case 'delete-launch-template-version':
      return {
        type: 'delete-launch-template-version',
        ...common,
        launchTemplateId: c.detail?.launchTemplateId ?? c.id.split(':')[0]!,
        version: Number(c.detail?.version ?? c.id.split(':')[1]),
      };
    case 'release-address':
    case 'delete-volume':
    case 'delete-snapshot':
    case 'deregister-image':
    case 'delete-topic':
    case 'delete-subscription':
    case 'delete-launch-configuration':
    case 'delete-auto-scaling-group':
    case 'terminate-instance':
      return { type: spec.deleteAction, ...common };
    default:
      throw new Error(`no deletion for category ${c.category}`);
  }
}

interface Pending {
  candidate: Candidate;
  spec: CategorySpec;
  finding: number;
  want: 'mark' | 'delete';
}

const roundDays = (d: number | null) => (d === null ? null : Math.floor(d * 10) / 10);

/** Highest saving first, then the oldest, then registry order and id: the caps keep what matters most. */
function byPriority(a: Pending, b: Pending): number {
  return (
    b.candidate.monthlyCostUsd - a.candidate.monthlyCostUsd ||
    (b.candidate.ageDays ?? 0) - (a.candidate.ageDays ?? 0) ||
    CATEGORIES.indexOf(a.spec) - CATEGORIES.indexOf(b.spec) ||
    a.candidate.id.localeCompare(b.candidate.id)
  );
}

export function planCleanup(scans: readonly RegionScan[], input: CleanupInput): CleanupPlan {
  const { cleanup, mode, now } = input;
  const failures = scans.flatMap((s) => s.failures);
  const acting = mode !== 'report' && failures.length === 0;
  const deleteAfter = deleteAfterDate(now, cleanup.graceDays);
  const findings: Finding[] = [];
  const unmarked: Unmarked[] = [];
  const changes: Change[] = [];
  const tables: TableMarks[] = [];
  const stats: Partial<Record<CleanupCategory, CategoryStats>> = {};
  const pending: Pending[] = [];

  for (const spec of CATEGORIES) {
    const options = cleanup.categories[spec.category];
    if (!options.enabled) continue;
    const rule = RULES[spec.category];
    const ctx = ruleContext(input, options);
    const reportOnly = spec.category === 'instance' && !options.terminate;
    for (const scan of scans) {
      const failedParts = new Set(scan.failures.map((f) => f.part));
      if (!categoryReadable(spec, failedParts)) continue;
      const inv = scan.inventory;
      const resources = rule.resources(inv);
      const candidates = rule.find(inv, ctx);
      const s = (stats[spec.category] ??= { scanned: 0, orphans: 0, tooYoung: 0, excluded: 0 });
      s.scanned += resources.length;
      const table = spec.markStore === 'table' ? (scan.tableMarks[spec.category] ?? {}) : undefined;
      const markOfId = (id: string, tags?: Record<string, string>) =>
        table ? markOf(table[id]) : markOf(tags?.[TAGS.deleteAfter]);
      const seen = new Set<string>();
      const unmark = (id: string, reason: string, tags: Record<string, string> = {}, arn?: string) => {
        if (!acting || isProtected(tags)) return;
        const index = unmarked.push({ category: spec.category, id, region: scan.region, reason }) - 1;
        const action: UnmarkResourceAction = {
          type: 'unmark-resource',
          target: 'cleanup',
          region: scan.region,
          category: spec.category,
          resourceId: id,
          reason,
        };
        changes.push({
          kind: 'unmark',
          unmarked: index,
          action,
          region: scan.region,
          category: spec.category,
          id,
          store: spec.markStore,
          ...(arn ? { detail: { arn } } : {}),
        });
      };

      for (const c of candidates) {
        seen.add(c.id);
        const marked = markOfId(c.id, c.tags);
        const excluded = exclusionOf(c, cleanup.exclude);
        if (excluded) {
          s.excluded += 1;
          if (marked)
            unmark(
              c.id,
              `${c.id} is excluded now (${excluded}): its mark is removed.`,
              c.tags,
              c.detail?.arn,
            );
          continue;
        }
        if (isTooYoung(c, options.minAgeDays)) {
          s.tooYoung += 1;
          continue;
        }
        s.orphans += 1;
        const prot = isProtected(c.tags);
        const finding: Finding = {
          category: c.category,
          id: c.id,
          region: c.region,
          reason: c.reason,
          ageDays: roundDays(c.ageDays),
          monthlyCostUsd: c.monthlyCostUsd,
          action: 'report',
          protected: prot,
          ...(marked ? { deleteAfter: marked } : {}),
        };
        const index = findings.push(finding) - 1;
        if (prot) finding.action = 'keep';
        else if (mode === 'report' || reportOnly) finding.action = 'report';
        else if (!marked) pending.push({ candidate: c, spec, finding: index, want: 'mark' });
        else if (mode === 'delete' && isDue(marked, now))
          pending.push({ candidate: c, spec, finding: index, want: 'delete' });
        else finding.action = 'wait';
      }

      // Marked resources that are not orphans any more: in use again, so kept and unmarked.
      const existing = new Set(resources.map((r) => r.id));
      for (const r of resources) {
        if (!seen.has(r.id) && markOfId(r.id, r.tags))
          unmark(
            r.id,
            `${r.id} is no longer an orphan (in use again): its mark is removed and it is kept.`,
            r.tags,
            r.arn,
          );
      }
      if (table) {
        const base = Object.fromEntries(Object.entries(table).filter(([id]) => existing.has(id)));
        tables.push({ region: scan.region, category: spec.category, before: table, base });
      }
    }
  }

  const budget = { mark: cleanup.maxDeletionsPerRun, delete: cleanup.maxDeletionsPerRun };
  const perCategory = new Map<string, number>();
  for (const p of [...pending].sort(byPriority)) {
    const finding = findings[p.finding]!;
    const c = p.candidate;
    if (!acting) {
      finding.action = p.want === 'delete' ? 'wait' : 'report';
      if (failures.length > 0) finding.detail = 'not acted on: the scan failed part-way';
      continue;
    }
    const key = `${p.want}:${c.category}`;
    const used = perCategory.get(key) ?? 0;
    const cap = cleanup.categories[c.category].maxPerRun;
    if (budget[p.want] <= 0 || (cap !== undefined && used >= cap)) {
      finding.action = p.want === 'delete' ? 'wait' : 'report';
      finding.detail = `over this run's cap (${budget[p.want] <= 0 ? `maxDeletionsPerRun ${cleanup.maxDeletionsPerRun}` : `categories.${p.spec.key}.maxPerRun ${cap}`})`;
      continue;
    }
    budget[p.want] -= 1;
    perCategory.set(key, used + 1);
    const base = {
      region: c.region,
      category: c.category,
      id: c.id,
      store: p.spec.markStore,
      ...(c.detail ? { detail: c.detail } : {}),
    };
    if (p.want === 'mark') {
      finding.action = 'mark';
      finding.deleteAfter = deleteAfter;
      changes.push({
        kind: 'mark',
        finding: p.finding,
        ...base,
        action: {
          type: 'mark-resource',
          target: 'cleanup',
          region: c.region,
          category: c.category,
          resourceId: c.id,
          deleteAfter,
          reason: `Marked for deletion after ${deleteAfter}: ${c.reason}`,
        },
      });
    } else {
      finding.action = 'delete';
      changes.push({
        kind: 'delete',
        finding: p.finding,
        ...base,
        action: deletion(c, {
          target: 'cleanup',
          region: c.region,
          reason: c.reason,
          monthlyCostDeltaUsd: -c.monthlyCostUsd,
        }),
      });
    }
  }

  return {
    mode,
    regions: scans.map((s) => s.region),
    findings,
    unmarked,
    failures,
    stats,
    changes,
    tables,
  };
}
