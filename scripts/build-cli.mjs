// Bundles the `autopilot` command into dist/cli.js (run by `npm ci` through `prepare`, and on demand by
// bin/autopilot.js when the sources are newer than the bundle). Run as a script in a checkout, it also
// puts the command in node_modules/.bin (see linkCommand).
import { buildSync } from 'esbuild';
import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join, sep } from 'node:path';

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

const SHIM = `#!/bin/sh
# \`autopilot\` in this checkout, written by scripts/build-cli.mjs (npm ci's prepare). It runs the command
# on the project's Node 22 (node_modules/.bin/node) without npm: \`npx autopilot\` in the project that
# declares the bin links the project into npm's npx cache first, and npm, on an older Node, warns
# EBADENGINE about the package's own engines while doing it (README, "The autopilot command").
here=$(dirname "$0")
if [ -x "$here/node" ]; then exec "$here/node" "$here/../../bin/autopilot.js" "$@"; fi
exec node "$here/../../bin/autopilot.js" "$@"
`;

/**
 * npm links the bins of a project's dependencies into node_modules/.bin, never the project's own: in
 * this checkout \`node_modules/.bin/autopilot\` exists only because this writes it. Only in a checkout
 * (not when the package is itself installed inside a node_modules), and only over its own earlier shim.
 */
export function linkCommand() {
  const bin = join(root, 'node_modules', '.bin');
  if (root.split(sep).includes('node_modules') || !existsSync(bin)) return;
  const shim = join(bin, 'autopilot');
  if (existsSync(shim) && !readFileSync(shim, 'utf8').includes('scripts/build-cli.mjs')) return;
  writeFileSync(shim, SHIM);
  chmodSync(shim, 0o755);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  buildCli();
  linkCommand();
}
