/**
 * Structured logs: one JSON object per line (CloudWatch Logs Insights can query the fields). The CLI
 * sends them to stderr so that stdout stays the command's output.
 */
export type Level = 'debug' | 'info' | 'warn' | 'error';

export interface Logger {
  log(level: Level, message: string, fields?: Record<string, unknown>): void;
}

const ORDER: Record<Level, number> = { debug: 10, info: 20, warn: 30, error: 40 };

export function jsonLogger(write: (line: string) => void, minimum: Level = 'info'): Logger {
  return {
    log(level, message, fields = {}) {
      if (ORDER[level] < ORDER[minimum]) return;
      write(JSON.stringify({ time: new Date().toISOString(), level, message, ...fields }));
    },
  };
}

export const silentLogger: Logger = { log() {} };

export const levelFromEnv = (env: NodeJS.ProcessEnv = process.env): Level => {
  const v = env.AUTOPILOT_LOG_LEVEL;
  return v === 'debug' || v === 'warn' || v === 'error' ? v : 'info';
};
