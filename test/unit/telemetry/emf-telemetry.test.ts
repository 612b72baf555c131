/**
 * The Telemetry port over Powertools Metrics: what reaches stdout as EMF, and when.
 */
import { emfTelemetry, powertoolsMetrics } from '../../../lib/telemetry/emf-telemetry';
import { withCorrelationId, type Level } from '../../../lib/log';

type Doc = Record<string, unknown> & {
  _aws: { CloudWatchMetrics: { Namespace: string; Dimensions: string[][]; Metrics: { Name: string }[] }[] };
};

/** Runs `work`, returning the EMF documents written to stdout meanwhile. */
async function emf(work: () => void | Promise<void>): Promise<Doc[]> {
  let out = '';
  const spy = jest.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
    out += String(chunk);
    return true;
  });
  try {
    await work();
  } finally {
    spy.mockRestore();
  }
  return out
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Doc);
}

const notices: { level: Level; message: string }[] = [];
const log = { log: (level: Level, message: string) => void notices.push({ level, message }) };
const make = (env: NodeJS.ProcessEnv = { AUTOPILOT_STAGE: 'prod' }) => {
  const metrics = powertoolsMetrics(log, env);
  return { metrics, telemetry: emfTelemetry(metrics) };
};

beforeEach(() => {
  notices.length = 0;
});

it('publishes a metric with dimensions at once, in its own document, with only its declared dimensions', async () => {
  const { telemetry } = make();
  const docs = await emf(() =>
    withCorrelationId('alarm@t1', async () =>
      telemetry.count('Decisions', {
        target: 'web',
        action: 'set-desired-capacity',
        outcome: 'applied',
        // Not declared: dropped, so no caller can widen the set.
        ...({ instance: 'i-123' } as object),
      } as never),
    ),
  );
  expect(docs).toHaveLength(1);
  expect(docs[0]!._aws.CloudWatchMetrics).toEqual([
    {
      Namespace: 'ec2-autopilot',
      Dimensions: [['service', 'target', 'action', 'outcome']],
      Metrics: [{ Name: 'Decisions', Unit: 'Count' }],
    },
  ]);
  expect(docs[0]).toMatchObject({ service: 'prod', target: 'web', Decisions: 1, correlation_id: 'alarm@t1' });
  expect(docs[0]).not.toHaveProperty('instance');
});

it('gives an empty dimension value a placeholder (EMF refuses an empty one)', async () => {
  const { telemetry } = make();
  const [doc] = await emf(() =>
    telemetry.count('Decisions', { target: '', action: 'none', outcome: 'skipped' }),
  );
  expect(doc).toMatchObject({ target: 'none', action: 'none', outcome: 'skipped' });
});

it("keeps a metric with no dimension of its own for the invocation's document, flushed at its end", async () => {
  const { metrics, telemetry } = make({ AUTOPILOT_STAGE: 'prod', AUTOPILOT_METRICS_NAMESPACE: 'custom' });
  const during = await emf(() => {
    telemetry.count('OrphansFound', {}, 3);
    telemetry.measure('OrphanMonthlyCostUsd', 12.5, {});
  });
  expect(during).toEqual([]);
  const [doc] = await emf(() => void metrics.publishStoredMetrics());
  expect(doc!._aws.CloudWatchMetrics[0]).toEqual({
    Namespace: 'custom',
    Dimensions: [['service']],
    Metrics: [
      { Name: 'OrphansFound', Unit: 'Count' },
      { Name: 'OrphanMonthlyCostUsd', Unit: 'None' },
    ],
  });
  expect(doc).toMatchObject({ service: 'prod', OrphansFound: 3, OrphanMonthlyCostUsd: 12.5 });
});

it('records nothing for a value that is not a number', async () => {
  const { telemetry } = make();
  expect(await emf(() => telemetry.measure('ReactionSeconds', NaN, { target: 'web', action: 'x' }))).toEqual(
    [],
  );
});

it("turns Powertools' notice of an empty flush into a debug line of the product's log", async () => {
  const { metrics } = make();
  expect(await emf(() => void metrics.publishStoredMetrics())).toEqual([]);
  expect(notices).toEqual([{ level: 'debug', message: expect.stringContaining('No application metrics') }]);
});
