// Bundles the `autopilot` command into dist/cli.js (run by `npm ci` through `prepare`, and on demand by
// bin/autopilot.js when the sources are newer than the bundle).
import { buildSync } from 'esbuild';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

export function buildCli() {
  buildSync({
    entryPoints: [join(root, 'lib/cli/entry.ts')],
    outfile: join(root, 'dist/cli.js'),
    bundle: true,
    // Not minified, but bundling still renames clashing names (ValidationError2); keep them as written.
    keepNames: true,
    platform: 'node',
    target: 'node22',
    format: 'cjs',
    mainFields: ['module', 'main'],
    sourcemap: 'linked',
    logLevel: 'warning',
  });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) buildCli();
