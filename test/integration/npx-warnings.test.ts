/**
 * `npx autopilot …` in this checkout, as the README runs it, on a first run (an empty npm cache: npm
 * links the project into its npx cache and checks every package's engines against the Node it runs on)
 * prints the command's output and not one npm warning: the project's `.npmrc` keeps npm to its errors.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';

const root = join(__dirname, '..', '..');

/**
 * The user's shell: without the `node_modules/.bin` folders npm puts first on the PATH of a script (the
 * test's own), where `node` is the project's Node 22 and npx would run on it.
 */
const shellPath = (process.env.PATH ?? '')
  .split(delimiter)
  .filter((dir) => !dir.endsWith(join('node_modules', '.bin')))
  .join(delimiter);

it('npx autopilot validate, on an empty npm cache, warns of nothing', () => {
  const cache = mkdtempSync(join(tmpdir(), 'autopilot-npm-cache-'));
  try {
    const out = spawnSync('npx', ['--offline', 'autopilot', 'validate'], {
      cwd: root,
      encoding: 'utf8',
      env: { ...process.env, PATH: shellPath, npm_config_cache: cache },
      timeout: 120_000,
    });
    expect(out.stderr).toBe('');
    expect(out.status).toBe(0);
    expect(out.stdout).toMatch(/^Policy is valid: \d+ target\(s\)\./);
  } finally {
    rmSync(cache, { recursive: true, force: true });
  }
}, 150_000);
