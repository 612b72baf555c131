/** Runs the real `autopilot` command as a process (the bundle built by the global setup). */
import { spawn, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { awsEnv } from './moto';

const BIN = join(__dirname, '..', '..', 'bin', 'autopilot.js');

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
  json: () => any; // eslint-disable-line @typescript-eslint/no-explicit-any
}

/** The command's environment: a clean one, pointed at the local AWS. */
const cliEnv = (options: { endpoint: string; env?: Record<string, string> }): Record<string, string> => ({
  PATH: process.env.PATH ?? '',
  HOME: process.env.HOME ?? '/tmp',
  ...awsEnv(options.endpoint),
  AUTOPILOT_LOG_LEVEL: 'warn',
  ...options.env,
});

export function autopilot(
  args: string[],
  options: { endpoint: string; input?: string; env?: Record<string, string> },
): CliRun {
  const out = spawnSync(process.execPath, [BIN, ...args], {
    input: options.input ?? '',
    encoding: 'utf8',
    env: cliEnv(options),
    timeout: 60_000,
  });
  return {
    code: out.status ?? -1,
    stdout: out.stdout,
    stderr: out.stderr,
    json: () => JSON.parse(out.stdout),
  };
}

/**
 * The same, without blocking this process: for tests that serve the command from here (a proxy in
 * front of moto would never answer a command that `spawnSync` waits for). Also says how long it took.
 */
export function autopilotAsync(
  args: string[],
  options: { endpoint: string; input?: string; env?: Record<string, string> },
): Promise<CliRun & { ms: number }> {
  const started = Date.now();
  const child = spawn(process.execPath, [BIN, ...args], { env: cliEnv(options) });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString('utf8')));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString('utf8')));
  child.stdin.end(options.input ?? '');
  const killer = setTimeout(() => child.kill('SIGKILL'), 90_000);
  return new Promise((resolve) =>
    child.on('close', (code) => {
      clearTimeout(killer);
      resolve({ code: code ?? -1, stdout, stderr, json: () => JSON.parse(stdout), ms: Date.now() - started });
    }),
  );
}
