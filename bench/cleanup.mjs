// `npm run bench` (or `npm run bench cleanup`): the cleanup figures. The driver is TypeScript that uses
// the product's own modules (bench/cleanup-bench.ts), run against a moto it starts and stops.
// BENCH_CLEANUP_SCALE=0.1 runs a tenth of the fleet (a quick check).
import { loadDriver } from './run-ts.mjs';

export async function cleanupBench({
  root,
  print = console.log,
  scale = Number(process.env.BENCH_CLEANUP_SCALE ?? 1),
}) {
  const { runBench } = await loadDriver(root, 'cleanup-bench');
  await runBench({ print, scale });
}
