/** Process entry of the `autopilot` bundle: real stdin/stdout/stderr and the process's exit code. */
import { readFileSync } from 'node:fs';
import { runCli } from './main';

runCli(process.argv.slice(2), {
  stdout: (text) => process.stdout.write(`${text}\n`),
  stderr: (text) => process.stderr.write(`${text}\n`),
  readStdin: () => readFileSync(0, 'utf8'),
  env: process.env,
}).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`autopilot: ${(error as Error).message}\n`);
    process.exitCode = 1;
  },
);
