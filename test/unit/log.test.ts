/**
 * The Logger port's implementations: the level from the environment, the correlation id of the
 * decision running now, and the CLI's Powertools-format lines (the same keys as the Lambda functions').
 */
import {
  correlationId,
  jsonLogger,
  levelFromEnv,
  overPowertools,
  powertoolsJsonLogger,
  powertoolsLogger,
  withCorrelationId,
} from '../../lib/log';

describe('levelFromEnv', () => {
  it.each([
    [{}, 'info'],
    [{ AUTOPILOT_LOG_LEVEL: 'debug' }, 'debug'],
    [{ POWERTOOLS_LOG_LEVEL: 'WARN' }, 'warn'],
    [{ POWERTOOLS_LOG_LEVEL: 'error', AUTOPILOT_LOG_LEVEL: 'debug' }, 'error'],
    [{ POWERTOOLS_LOG_LEVEL: 'loud', AUTOPILOT_LOG_LEVEL: 'debug' }, 'debug'],
    [{ AUTOPILOT_LOG_LEVEL: 'verbose' }, 'info'],
  ])('%j → %s', (env, level) => {
    expect(levelFromEnv(env as NodeJS.ProcessEnv)).toBe(level);
  });
});

describe('withCorrelationId', () => {
  it('is seen by what the work awaits, and by nothing outside it', async () => {
    expect(correlationId()).toBeUndefined();
    const seen = await withCorrelationId('alarm@t1', async () => {
      await new Promise((r) => setTimeout(r, 1));
      return correlationId();
    });
    expect(seen).toBe('alarm@t1');
    expect(correlationId()).toBeUndefined();
  });

  it('keeps decisions that overlap in time apart', async () => {
    const one = (id: string, ms: number) =>
      withCorrelationId(id, async () => {
        await new Promise((r) => setTimeout(r, ms));
        return correlationId();
      });
    expect(await Promise.all([one('a', 5), one('b', 1)])).toEqual(['a', 'b']);
  });

  it('is on every jsonLogger line logged inside it', async () => {
    const lines: string[] = [];
    const log = jsonLogger((l) => lines.push(l));
    await withCorrelationId('k', async () => log.log('info', 'inside', { target: 'web' }));
    log.log('info', 'outside');
    expect(lines.map((l) => JSON.parse(l) as Record<string, unknown>)).toEqual([
      expect.objectContaining({ message: 'inside', correlation_id: 'k', target: 'web' }),
      expect.not.objectContaining({ correlation_id: expect.anything() }),
    ]);
  });
});

describe('powertoolsJsonLogger (the CLI --verbose lines)', () => {
  it("writes the Lambda logger's line format to the given writer, not to stdout", async () => {
    const lines: string[] = [];
    const stdout = jest.spyOn(process.stdout, 'write').mockImplementation(() => true);
    try {
      const log = powertoolsJsonLogger((l) => lines.push(l), 'info', { AUTOPILOT_STAGE: 'dev' });
      await withCorrelationId('alarm@t1', async () => log.log('warn', 'held back', { target: 'web' }));
      log.log('debug', 'not at info');
      expect(stdout).not.toHaveBeenCalled();
    } finally {
      stdout.mockRestore();
    }
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0]!)).toEqual({
      level: 'WARN',
      message: 'held back',
      timestamp: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      service: 'dev',
      sampling_rate: 0,
      correlation_id: 'alarm@t1',
      target: 'web',
    });
  });

  it('has the keys, in order, of the Powertools Logger the functions use', () => {
    const cli: string[] = [];
    powertoolsJsonLogger((l) => cli.push(l), 'info', {}).log('info', 'same', { a: 1 });
    let lambda = '';
    const stdout = jest.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
      lambda += String(chunk);
      return true;
    });
    try {
      overPowertools(powertoolsLogger({})).log('info', 'same', { a: 1 });
    } finally {
      stdout.mockRestore();
    }
    expect(Object.keys(JSON.parse(cli[0]!) as object)).toEqual(Object.keys(JSON.parse(lambda) as object));
  });
});

describe('powertoolsLogger', () => {
  const levelOf = (env: NodeJS.ProcessEnv) => powertoolsLogger(env).getLevelName();

  it('takes AUTOPILOT_LOG_LEVEL only when Powertools has no level of its own', () => {
    const saved = { ...process.env };
    try {
      delete process.env.POWERTOOLS_LOG_LEVEL;
      delete process.env.LOG_LEVEL;
      delete process.env.AWS_LAMBDA_LOG_LEVEL;
      expect(levelOf({ AUTOPILOT_LOG_LEVEL: 'error' })).toBe('ERROR');
      expect(levelOf({})).toBe('INFO');
      // Powertools reads its own variables from process.env.
      process.env.POWERTOOLS_LOG_LEVEL = 'DEBUG';
      expect(levelOf({ POWERTOOLS_LOG_LEVEL: 'DEBUG', AUTOPILOT_LOG_LEVEL: 'error' })).toBe('DEBUG');
    } finally {
      process.env = saved;
    }
  });
});
