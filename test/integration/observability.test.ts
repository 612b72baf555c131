/**
 * What the on-event function writes, as CloudWatch Logs would receive it: the handler run twice in one
 * process (one container: a cold start, then a warm one) on an alarm event against moto, its output
 * captured where Powertools writes it (its own Console on process.stdout and process.stderr, not the
 * global console), every line parsed.
 */
import type { Context } from 'aws-lambda';
import { handler } from '../../functions/on-event';
import { parseEvent } from '../../lib/events/parse-event';
import { fireAlarm } from '../../lib/local/alarm-event';
import { createGroup } from '../../lib/local/fleet';
import { eventKey } from '../../lib/plan/route';
import { SEED_POLICY } from '../support/builders';
import { deploy, type Deployed } from '../support/fleet';
import { useMoto } from '../support/moto';

type Line = Record<string, unknown>;
type Emf = Line & {
  _aws: {
    Timestamp: number;
    CloudWatchMetrics: { Namespace: string; Dimensions: string[][]; Metrics: { Name: string }[] }[];
  };
};

const context = (requestId: string) =>
  ({
    awsRequestId: requestId,
    functionName: 'ec2-autopilot-test-onEvent',
    invokedFunctionArn: 'arn:aws:lambda:us-east-1:123456789012:function:ec2-autopilot-test-onEvent',
    memoryLimitInMB: '256',
    getRemainingTimeInMillis: () => 60_000,
  }) as unknown as Parameters<typeof handler>[1] & Context;

/** Runs one invocation and returns every line it wrote to stdout and stderr, parsed. */
async function invoke(event: unknown, requestId: string): Promise<{ result: unknown; lines: Line[] }> {
  let written = '';
  const capture = (chunk: unknown) => {
    written += String(chunk);
    return true;
  };
  const out = jest.spyOn(process.stdout, 'write').mockImplementation(capture);
  const err = jest.spyOn(process.stderr, 'write').mockImplementation(capture);
  try {
    const result = await handler(event, context(requestId));
    return {
      result,
      lines: written
        .split('\n')
        .filter((l) => l.trim() !== '')
        .map((l) => JSON.parse(l) as Line),
    };
  } finally {
    out.mockRestore();
    err.mockRestore();
  }
}

const isEmf = (l: Line): l is Emf => '_aws' in l;
const metricsOf = (l: Emf) => l._aws.CloudWatchMetrics[0]!;
const emfWith = (lines: Line[], metric: string) =>
  lines.filter(isEmf).filter((l) => metricsOf(l).Metrics.some((m) => m.Name === metric));

const POWERTOOLS_ENV = {
  // What Lambda sets: Powertools reads the cold start from it.
  AWS_LAMBDA_INITIALIZATION_TYPE: 'on-demand',
  AUTOPILOT_STAGE: 'test',
  // deploy() quiets the product's logs (AUTOPILOT_LOG_LEVEL=error): Powertools' own variable wins.
  POWERTOOLS_LOG_LEVEL: 'INFO',
  // deploy() turns the EMF documents off, to keep other tests' output quiet.
  POWERTOOLS_METRICS_DISABLED: 'false',
};

describe('on-event, invoked twice in one container on the same alarm event', () => {
  let env: Deployed;
  let event: Record<string, unknown>;
  let key: string;
  let first: Awaited<ReturnType<typeof invoke>>;
  let second: Awaited<ReturnType<typeof invoke>>;

  beforeAll(async () => {
    await useMoto();
    env = await deploy(SEED_POLICY);
    Object.assign(process.env, POWERTOOLS_ENV);
    await createGroup(env.aws, { name: 'web-asg', min: 1, max: 5, desired: 1 });
    event = await fireAlarm(
      env.aws,
      'autopilot-web-high',
      [85, 88, 90, 79, 81],
      env.deployment.alarmTopicArn,
    );
    key = eventKey(parseEvent(event)[0]!)!;
    first = await invoke(event, 'request-1');
    second = await invoke(event, 'request-2');
  });

  afterAll(() => {
    for (const name of Object.keys(POWERTOOLS_ENV)) delete process.env[name];
  });

  it('acts once, then sees the duplicate', () => {
    expect(first.result).toMatchObject({ actions: [{ type: 'set-desired-capacity', status: 'applied' }] });
    expect(second.result).toMatchObject({
      actions: [],
      ignored: [expect.stringContaining('duplicate delivery')],
    });
  });

  it('writes only JSON lines, each log line with the request id, and cold_start true, then false', () => {
    for (const [run, requestId, coldStart] of [
      [first, 'request-1', true],
      [second, 'request-2', false],
    ] as const) {
      const logs = run.lines.filter((l) => !isEmf(l));
      expect(logs.length).toBeGreaterThanOrEqual(1);
      for (const line of logs)
        expect(line).toMatchObject({
          level: expect.any(String),
          message: expect.any(String),
          timestamp: expect.any(String),
          service: 'test',
          function_name: 'ec2-autopilot-test-onEvent',
          function_request_id: requestId,
          cold_start: coldStart,
        });
    }
  });

  it("puts one correlation id, the event's key, on every line of the decision", () => {
    const logs = first.lines.filter((l) => !isEmf(l));
    // The trigger, and what was done about it, at least.
    expect(logs.length).toBeGreaterThanOrEqual(2);
    expect(new Set(logs.map((l) => l.correlation_id))).toEqual(new Set([key]));
    expect(logs.map((l) => l.message)).toContainEqual(expect.stringMatching(/scale web-asg out 1 → 3/));
    // The duplicate delivery is logged under the same id: both deliveries can be found by it.
    expect(second.lines.filter((l) => !isEmf(l)).map((l) => l.correlation_id)).toContain(key);
  });

  it('publishes the decision as an EMF document: namespace, dimensions, value', () => {
    const docs = emfWith(first.lines, 'Decisions');
    expect(docs).toHaveLength(1);
    const doc = docs[0]!;
    expect(metricsOf(doc)).toEqual({
      Namespace: 'ec2-autopilot',
      Dimensions: [['service', 'target', 'action', 'outcome']],
      Metrics: [{ Name: 'Decisions', Unit: 'Count' }],
    });
    expect(doc).toMatchObject({
      service: 'test',
      target: 'web',
      action: 'set-desired-capacity',
      outcome: 'applied',
      Decisions: 1,
      correlation_id: key,
    });
    expect(typeof doc._aws.Timestamp).toBe('number');
  });

  it('times the reaction from the alarm state change, and counts the cold start once', () => {
    const [reaction] = emfWith(first.lines, 'ReactionSeconds');
    expect(reaction).toMatchObject({ target: 'web', action: 'set-desired-capacity' });
    expect(reaction!.ReactionSeconds).toEqual(expect.any(Number));
    expect(reaction!.ReactionSeconds as number).toBeGreaterThanOrEqual(0);
    expect(reaction!.ReactionSeconds as number).toBeLessThan(120);

    const [cold] = emfWith(first.lines, 'ColdStart');
    expect(metricsOf(cold!).Dimensions).toEqual([['service', 'function_name']]);
    expect(cold).toMatchObject({
      service: 'test',
      function_name: 'ec2-autopilot-test-onEvent',
      ColdStart: 1,
    });
    expect(emfWith(second.lines, 'ColdStart')).toEqual([]);
  });

  it('records no decision for a duplicate delivery', () => {
    expect(emfWith(second.lines, 'Decisions')).toEqual([]);
  });
});
