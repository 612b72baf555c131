// `npm run bench` (or `npm run bench cleanup`): the cleanup figures. The driver is TypeScript that uses
// the product's own modules, bundled here with esbuild and run against a moto it starts and stops.
// BENCH_CLEANUP_SCALE=0.1 runs a tenth of the fleet (a quick check).
import { build } from 'esbuild';
import { mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

export async function cleanupBench({
  root,
  print = console.log,
  scale = Number(process.env.BENCH_CLEANUP_SCALE ?? 1),
}) {
  const dir = join(root, '.bench', 'cleanup');
  mkdirSync(dir, { recursive: true });
  const outfile = join(dir, 'cleanup-bench.cjs');
  await build({
    entryPoints: [join(root, 'bench', 'cleanup-bench.ts')],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node22',
    mainFields: ['module', 'main'],
    logLevel: 'error',
  });
  const { runBench } = createRequire(import.meta.url)(outfile);
  await runBench({ print, scale });
}
