// The benches' TypeScript drivers use the product's own modules: bundled here with esbuild (as CommonJS,
// ES module entry points first, as the functions are), then loaded and run.
import { build } from 'esbuild';
import { mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

/** Bundles `bench/<name>.ts` into `.bench/<name>/` and returns its exports. */
export async function loadDriver(root, name) {
  const dir = join(root, '.bench', name);
  mkdirSync(dir, { recursive: true });
  const outfile = join(dir, `${name}.cjs`);
  await build({
    entryPoints: [join(root, 'bench', `${name}.ts`)],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node22',
    mainFields: ['module', 'main'],
    logLevel: 'error',
  });
  return createRequire(import.meta.url)(outfile);
}
