// Bundles the `autopilot` command into dist/cli.js (run by `npm ci` through `prepare`, and on demand by
// bin/autopilot.js when the sources are newer than the bundle). Run as a script in a checkout, it also
// puts the command in node_modules/.bin (see linkCommand).
import { buildSync } from 'esbuild';
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join, sep } from 'node:path';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

/**
 * Writes `text` to `path` by a rename: a command started while the bundle is rebuilt (a second
 * `autopilot`, or `npx`, whose first run in a checkout runs `prepare` again) reads the old file or the
 * new one, never half of one.
 */
function writeAtomically(path, contents, mode) {
  const temporary = `${path}.${process.pid}.tmp`;
  writeFileSync(temporary, contents);
  if (mode !== undefined) chmodSync(temporary, mode);
  renameSync(temporary, path);
}

export function buildCli() {
  const { outputFiles } = buildSync({
    write: false,
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
  mkdirSync(join(root, 'dist'), { recursive: true });
  // The map first: the bundle that names it is in place only once the map is.
  const ordered = [...outputFiles].sort(
    (a, b) => Number(b.path.endsWith('.map')) - Number(a.path.endsWith('.map')),
  );
  for (const file of ordered) writeAtomically(file.path, file.contents);
}

const SHIM = `#!/bin/sh
# \`autopilot\` in this checkout, written by scripts/build-cli.mjs (npm ci's prepare). It runs the command
# on the project's Node 22 (node_modules/.bin/node) without npm: \`npx autopilot\` in the project that
# declares the bin starts npm and reads the whole tree first, and on its first run links the project
# into npm's npx cache (README, "The autopilot command").
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
  writeAtomically(shim, SHIM, 0o755);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  buildCli();
  linkCommand();
}
