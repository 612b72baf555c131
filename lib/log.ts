/**
 * Structured logs: one JSON object per line (CloudWatch Logs Insights can query the fields). The use
 * cases log through the `Logger` port; the Lambda functions back it with Powertools for AWS Lambda's
 * Logger (`overPowertools`), whose lines carry the invocation's context and cold-start flag. The CLI
 * sends its lines to stderr so that stdout stays the command's output.
 *
 * Every line logged inside `withCorrelationId(id, …)` (and in whatever it awaits) carries
 * `correlation_id`: the lines of one decision, or of one operation's workflow steps, share it.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { Logger as PowertoolsLogger, type LogItem } from '@aws-lambda-powertools/logger';

export type Level = 'debug' | 'info' | 'warn' | 'error';

export interface Logger {
  log(level: Level, message: string, fields?: Record<string, unknown>): void;
}

const ORDER: Record<Level, number> = { debug: 10, info: 20, warn: 30, error: 40 };
const LEVELS = Object.keys(ORDER) as Level[];

// An AsyncLocalStorage rather than Powertools' appendKeys/removeKeys: decisions that overlap in time
// (a Promise.all, one container serving several) cannot take each other's id, and every logger has it.
const correlation = new AsyncLocalStorage<string>();

/** Runs `work` with `id` as the `correlation_id` of every line logged in it. */
export const withCorrelationId = <T>(id: string, work: () => Promise<T>): Promise<T> =>
  correlation.run(id, work);

/** The correlation id of the decision or operation running now, if any. */
export const correlationId = (): string | undefined => correlation.getStore();

const withCorrelation = (fields: Record<string, unknown>): Record<string, unknown> => {
  const id = correlationId();
  return id ? { correlation_id: id, ...fields } : fields;
};

export function jsonLogger(write: (line: string) => void, minimum: Level = 'info'): Logger {
  return {
    log(level, message, fields = {}) {
      if (ORDER[level] < ORDER[minimum]) return;
      write(JSON.stringify({ time: new Date().toISOString(), level, message, ...withCorrelation(fields) }));
    },
  };
}

export const silentLogger: Logger = { log() {} };

const asLevel = (v: string | undefined): Level | undefined => {
  const lower = v?.trim().toLowerCase();
  return LEVELS.find((l) => l === lower);
};

/**
 * The level set in the environment: Powertools' `POWERTOOLS_LOG_LEVEL` first, then the product's own
 * `AUTOPILOT_LOG_LEVEL` (kept for the deployments and scripts that set it). @default 'info'
 */
export const levelFromEnv = (env: NodeJS.ProcessEnv = process.env): Level =>
  asLevel(env.POWERTOOLS_LOG_LEVEL) ?? asLevel(env.AUTOPILOT_LOG_LEVEL) ?? 'info';

/** Powertools' `service` key (and the metrics' service dimension): the stage. */
export const serviceFromEnv = (env: NodeJS.ProcessEnv = process.env): string =>
  env.POWERTOOLS_SERVICE_NAME || env.AUTOPILOT_STAGE || 'ec2-autopilot';

/**
 * The Lambda functions' Powertools Logger. Its level: Lambda's log-level setting
 * (`AWS_LAMBDA_LOG_LEVEL`), else `POWERTOOLS_LOG_LEVEL` (or `LOG_LEVEL`), else `AUTOPILOT_LOG_LEVEL`,
 * else info; `POWERTOOLS_LOGGER_SAMPLE_RATE` turns debug on for that share of invocations. Powertools
 * reads its own variables; the product's is passed only when they are unset, since a level given to
 * the constructor would win over them.
 */
export function powertoolsLogger(env: NodeJS.ProcessEnv = process.env): PowertoolsLogger {
  const own = env.POWERTOOLS_LOG_LEVEL || env.LOG_LEVEL;
  const fallback = own ? undefined : asLevel(env.AUTOPILOT_LOG_LEVEL);
  return new PowertoolsLogger({
    serviceName: serviceFromEnv(env),
    ...(fallback ? { logLevel: fallback } : {}),
  });
}

/** The `Logger` port over a Powertools Logger: the fields become the line's keys. */
export function overPowertools(logger: PowertoolsLogger): Logger {
  return {
    log(level, message, fields = {}) {
      logger[level](message, withCorrelation(fields));
    },
  };
}

/**
 * The same JSON lines as the Lambda functions' (Powertools Logger's format: `level`, `message`,
 * `timestamp`, `service`, `correlation_id`, the fields), written to `write` instead of stdout: for the
 * CLI's `--verbose`, which must keep stdout for the command's output.
 */
export function powertoolsJsonLogger(
  write: (line: string) => void,
  level: Level = levelFromEnv(),
  env: NodeJS.ProcessEnv = process.env,
): Logger {
  // A class per writer: Powertools prints what it logs while constructing (the sampling notice)
  // before a subclass's own fields exist, so the writer is reached through the closure.
  class WritingLogger extends PowertoolsLogger {
    protected override printLog(_level: number, item: LogItem): void {
      item.prepareForPrint();
      write(JSON.stringify(item.getAttributes(), this.getJsonReplacer()));
    }
  }
  return overPowertools(new WritingLogger({ serviceName: serviceFromEnv(env), logLevel: level }));
}
