/**
 * The orchestrator's own metrics: the port the use cases and workflow steps record through, and the
 * one list of what they record. Deployed, the port writes CloudWatch embedded metric format through
 * Powertools Metrics (./emf-telemetry.ts); the CLI and the tests record nothing (`noTelemetry`).
 *
 * CloudWatch bills every distinct combination of dimension values as one metric, so each metric
 * declares its few dimensions here, and the adapter publishes those and no others. Every metric also
 * has Powertools' `service` dimension: the stage. README "Logs and metrics" documents this list.
 */

type Unit = 'Count' | 'Seconds' | 'None';

/** The namespace the metrics are published in, unless the environment names another (./emf-telemetry.ts). */
export const DEFAULT_NAMESPACE = 'ec2-autopilot';

export const METRICS = {
  /** One per action decided on a trigger (an ignored trigger: action `none`), by its outcome. */
  Decisions: { unit: 'Count', dimensions: ['target', 'action', 'outcome'] },
  /** From the alarm's (or EC2 event's) state change to the change made, or its workflow started. */
  ReactionSeconds: { unit: 'Seconds', dimensions: ['target', 'action'] },
  /**
   * 1 for the type an instance target's instance has, each time reconcile resolves it (every 5 minutes
   * deployed): on a graph, one line per type, so the type in use shows on the time axis of a resize.
   */
  InstanceTypeInUse: { unit: 'Count', dimensions: ['target', 'type'] },
  /** How long a finished resize left the address unanswered (stop → running, or the address move). */
  ResizeDowntimeSeconds: { unit: 'Seconds', dimensions: ['target'] },
  /** From a failover's detection to the address being on a healthy instance again. */
  FailoverOutageSeconds: { unit: 'Seconds', dimensions: ['target'] },
  /** Orphans a cleanup run found (protected ones not counted), and what they cost a month. */
  OrphansFound: { unit: 'Count', dimensions: [] },
  OrphanMonthlyCostUsd: { unit: 'None', dimensions: [] },
  /** Orphans tagged for deletion, and deleted, by a run (dry runs not counted). */
  OrphansMarked: { unit: 'Count', dimensions: [] },
  OrphansDeleted: { unit: 'Count', dimensions: [] },
  /** A workflow step (a Task state's Lambda call) that threw: retried, or sent to its rollback. */
  FailedSteps: { unit: 'Count', dimensions: ['workflow', 'step'] },
} as const satisfies Record<string, { unit: Unit; dimensions: readonly string[] }>;

export type MetricName = keyof typeof METRICS;

/** The metrics of one unit: `count` takes the counts, `measure` the rest. */
type MetricOf<U extends Unit> = {
  [N in MetricName]: (typeof METRICS)[N]['unit'] extends U ? N : never;
}[MetricName];

/** The dimension values a metric is recorded with: exactly its declared dimensions. */
export type DimensionsOf<N extends MetricName> = Record<(typeof METRICS)[N]['dimensions'][number], string>;

/** What `outcome` a decision is counted under. */
export type DecisionOutcome = 'applied' | 'skipped' | 'failed' | 'dry-run';

export interface Telemetry {
  /** Adds `value` (one by default) to a count. */
  count<N extends MetricOf<'Count'>>(name: N, dimensions: DimensionsOf<N>, value?: number): void;
  /** Records one value of a duration (seconds) or an amount (US dollars). */
  measure<N extends MetricOf<'Seconds' | 'None'>>(name: N, value: number, dimensions: DimensionsOf<N>): void;
}

export const noTelemetry: Telemetry = { count() {}, measure() {} };

export interface Recorded {
  name: MetricName;
  value: number;
  dimensions: Record<string, string>;
}

/** Keeps what is recorded, in order (tests; a dry look at what a run would publish). */
export function memoryTelemetry(): Telemetry & { recorded: Recorded[] } {
  const recorded: Recorded[] = [];
  return {
    recorded,
    count(name, dimensions, value = 1) {
      recorded.push({ name, value, dimensions });
    },
    measure(name, value, dimensions) {
      recorded.push({ name, value, dimensions });
    },
  };
}
