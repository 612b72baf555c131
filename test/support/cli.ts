/** Runs the real `autopilot` command as a process (the bundle built by the global setup). */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { awsEnv } from './moto';

const BIN = join(__dirname, '..', '..', 'bin', 'autopilot.js');

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
  json: () => any; // eslint-disable-line @typescript-eslint/no-explicit-any
}

export function autopilot(
  args: string[],
  options: { endpoint: string; input?: string; env?: Record<string, string> },
): CliRun {
  const out = spawnSync(process.execPath, [BIN, ...args], {
    input: options.input ?? '',
    encoding: 'utf8',
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '/tmp',
      ...awsEnv(options.endpoint),
      AUTOPILOT_LOG_LEVEL: 'warn',
      ...options.env,
    },
    timeout: 60_000,
  });
  return {
    code: out.status ?? -1,
    stdout: out.stdout,
    stderr: out.stderr,
    json: () => JSON.parse(out.stdout),
  };
}
