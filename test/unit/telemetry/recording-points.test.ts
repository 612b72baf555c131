/**
 * What the use cases record through the Telemetry port: a trigger's decisions and reaction time, and a
 * cleanup run's counts (the port kept in memory).
 */
import { recordCleanup } from '../../../lib/app/cleanup';
import { recordDecision } from '../../../lib/app/decision-metrics';
import type { AlarmTrigger } from '../../../lib/events/trigger';
import type { Action } from '../../../lib/model/action';
import type { CleanupReport, Finding } from '../../../lib/model/cleanup';
import type { Execution, OutcomeStatus } from '../../../lib/model/plan';
import { memoryTelemetry } from '../../../lib/telemetry/telemetry';

const alarm = (source: AlarmTrigger['source'] = 'sns'): AlarmTrigger => ({
  kind: 'alarm',
  source,
  alarmName: 'autopilot-web-high',
  state: 'ALARM',
  stateChangeTime: '2026-03-01T10:00:00.000Z',
  reason: 'Threshold Crossed',
  datapoints: [90],
});

const action = (type: string, extra: object = {}) =>
  ({ type, target: 'web', reason: `${type} web`, ...extra }) as unknown as Action;

const execution = (
  outcomes: [Action, OutcomeStatus][],
  over: Partial<Execution> = {},
  trigger: AlarmTrigger = alarm(),
): Execution => ({
  trigger,
  actions: outcomes.map(([a]) => a),
  ignored: [],
  outcomes: outcomes.map(([a, status]) => ({
    action: a,
    status,
    startedAt: '2026-03-01T10:00:40.000Z',
    finishedAt: '2026-03-01T10:00:42.500Z',
  })),
  ...over,
});

describe('recordDecision', () => {
  it.each([
    ['applied', 'applied'],
    ['started', 'applied'],
    ['dry-run', 'dry-run'],
    ['dropped', 'skipped'],
    ['failed', 'failed'],
  ] as const)('counts an action %s as %s', (status, outcome) => {
    const t = memoryTelemetry();
    recordDecision(t, execution([[action('set-desired-capacity'), status]]));
    expect(t.recorded[0]).toEqual({
      name: 'Decisions',
      value: 1,
      dimensions: { target: 'web', action: 'set-desired-capacity', outcome },
    });
  });

  it("times a change made on an event from the alarm's state change", () => {
    const t = memoryTelemetry();
    recordDecision(t, execution([[action('resize-instance'), 'started']]));
    expect(t.recorded).toContainEqual({
      name: 'ReactionSeconds',
      value: 42.5,
      dimensions: { target: 'web', action: 'resize-instance' },
    });
  });

  it('times no dry run, no failure, and no re-check by reconcile (that would time the cooldown)', () => {
    const t = memoryTelemetry();
    recordDecision(t, execution([[action('a'), 'dry-run']]));
    recordDecision(t, execution([[action('b'), 'failed']]));
    recordDecision(t, execution([[action('c'), 'applied']], {}, alarm('reconcile')));
    expect(t.recorded.filter((r) => r.name === 'ReactionSeconds')).toEqual([]);
  });

  it("counts an ignored trigger as skipped, and not a workflow's own steps", () => {
    const t = memoryTelemetry();
    recordDecision(
      t,
      execution([
        [action('resize-instance'), 'started'],
        [action('move-address', { partOf: 'resize-instance' }), 'started'],
      ]),
    );
    recordDecision(
      t,
      execution([], {
        ignored: [
          { reason: 'cooling down', target: 'web', severity: 'info' },
          { reason: 'not managed', severity: 'info' },
        ],
      }),
    );
    expect(t.recorded.filter((r) => r.name === 'Decisions').map((r) => r.dimensions)).toEqual([
      { target: 'web', action: 'resize-instance', outcome: 'applied' },
      { target: 'web', action: 'none', outcome: 'skipped' },
      { target: 'none', action: 'none', outcome: 'skipped' },
    ]);
  });
});

describe('recordCleanup', () => {
  const finding = (action: Finding['action'], status?: Finding['status']): Finding => ({
    category: 'volume',
    id: `vol-${action}-${status}`,
    region: 'us-east-1',
    reason: 'unattached',
    ageDays: 30,
    monthlyCostUsd: 8,
    action,
    protected: false,
    ...(status ? { status } : {}),
  });
  const report = (phase: CleanupReport['phase'], findings: Finding[]): CleanupReport =>
    ({
      mode: 'delete',
      ...(phase ? { phase } : {}),
      findings,
      totals: { count: findings.length, monthlyCostUsd: 8 * findings.length },
    }) as CleanupReport;
  const findings = [
    finding('mark', 'applied'),
    finding('mark', 'dry-run'),
    finding('delete', 'applied'),
    finding('delete', 'dropped'),
    finding('report'),
  ];
  const byName = (phase: CleanupReport['phase']) => {
    const t = memoryTelemetry();
    recordCleanup(t, report(phase, findings));
    return Object.fromEntries(t.recorded.map((r) => [r.name, r.value]));
  };

  it('the run that marks counts what it found, what that costs, and what it marked', () => {
    expect(byName('mark')).toEqual({ OrphansFound: 5, OrphanMonthlyCostUsd: 40, OrphansMarked: 1 });
  });

  it('the run that deletes counts only its deletions: it scans the same orphans again', () => {
    expect(byName('delete')).toEqual({ OrphansDeleted: 1 });
  });

  it("the CLI's run, both shares, counts all four", () => {
    expect(byName(undefined)).toEqual({
      OrphansFound: 5,
      OrphanMonthlyCostUsd: 40,
      OrphansMarked: 1,
      OrphansDeleted: 1,
    });
  });
});
