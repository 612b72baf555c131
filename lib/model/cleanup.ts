/**
 * Cleanup of orphaned resources, in the words of its public contract (the JSON of `autopilot cleanup`
 * and the e-mail): categories, findings, the run's report. The `category` strings and the finding's
 * fields are a public contract (issue 4, README "Cleanup").
 */

export const CLEANUP_CATEGORIES = [
  'elastic-ip',
  'volume',
  'snapshot',
  'image',
  'launch-configuration',
  'launch-template',
  'alarm',
  'topic',
  'subscription',
  'auto-scaling-group',
  'instance',
] as const;
export type CleanupCategory = (typeof CLEANUP_CATEGORIES)[number];

export const CLEANUP_MODES = ['report', 'mark', 'delete'] as const;
/** `report` changes nothing; `mark` tags findings with a deletion date; `delete` also deletes what is due. */
export type CleanupMode = (typeof CLEANUP_MODES)[number];

/**
 * A share of a run's changes, each made under its own role when deployed: `mark` (marks, unmarks) and
 * `delete` (deletions of what is marked and due).
 */
export type CleanupPhase = 'mark' | 'delete';

/** An orphan as a rule found it, before the run's guards and caps decide what to do with it. */
export interface Candidate {
  category: CleanupCategory;
  /** The resource's own AWS identifier: AllocationId, name (alarm, launch configuration, group), ARN (topic, subscription), id otherwise. */
  id: string;
  region: string;
  /** Why it is an orphan, in a sentence a person understands. */
  reason: string;
  /** Days since it was created (or, where the rule says so, since it became idle); null when AWS does not tell. */
  ageDays: number | null;
  monthlyCostUsd: number;
  /** Its tags, for `autopilot:protect` and tag exclusions (empty where the kind has none). */
  tags: Record<string, string>;
  /** Names matched by `exclude.names`: the resource's own name and its `Name` tag. */
  names: string[];
  /** The deletion date of its mark (`autopilot:delete-after`), if it carries one. */
  markedUntil?: string;
  /** What the executor needs beyond the id (e.g. the template and version of a launch-template version). */
  detail?: Record<string, string>;
}

/**
 * What this run does with a finding: `report` (reported only: report mode, a report-only category, or
 * over a cap), `mark` (tagged now), `wait` (marked, date not reached), `delete` (deleted now), `keep`
 * (protected with `autopilot:protect=true`: never changed).
 */
export type FindingAction = 'report' | 'mark' | 'wait' | 'delete' | 'keep';

export type ChangeStatus = 'applied' | 'dry-run' | 'dropped' | 'failed';

export interface Finding {
  category: CleanupCategory;
  id: string;
  region: string;
  reason: string;
  ageDays: number | null;
  monthlyCostUsd: number;
  action: FindingAction;
  protected: boolean;
  /** The mark's date: set now (`mark`) or earlier (`wait`, `delete`). */
  deleteAfter?: string;
  /** For a finding this run changed: what happened (`dropped` when re-verification found it in use). */
  status?: ChangeStatus;
  detail?: string;
}

/** A marked resource that is in use again (or excluded now): its mark is removed and it is kept. */
export interface Unmarked {
  category: CleanupCategory;
  id: string;
  region: string;
  reason: string;
  status?: ChangeStatus;
  detail?: string;
}

/** A describe that failed: the run acts on nothing and says so. */
export interface ScanFailure {
  region: string;
  /** What was being read, e.g. `volumes`, or the lookup of alarm tags. */
  part: string;
  operation: string;
  error: string;
}

/** Per category: how many resources were looked at, found orphaned, and skipped by each guard. */
export interface CategoryStats {
  scanned: number;
  orphans: number;
  tooYoung: number;
  excluded: number;
}

export interface CleanupTotals {
  /** Findings that can be acted on (protected ones are listed but not counted). */
  count: number;
  /** Their monthly cost: what deleting them all saves. */
  monthlyCostUsd: number;
}

export interface CleanupReport {
  mode: CleanupMode;
  /** Absent when the run made both shares of the changes (the CLI). */
  phase?: CleanupPhase;
  regions: string[];
  dryRun: boolean;
  generatedAt: string;
  findings: Finding[];
  totals: CleanupTotals;
  unmarked: Unmarked[];
  failures: ScanFailure[];
  stats: Partial<Record<CleanupCategory, CategoryStats>>;
  /** The price table's assumptions, as the e-mail states them. */
  prices: string[];
  notification?: { subject: string; messageId?: string };
}
