// `npm run bench`: prints the project's figures. Timings are medians of interleaved runs, for comparing
// variants measured in the same run; absolute numbers depend on the machine.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { coldStart } from './cold-start.mjs';
import { alarmPathBench } from './alarm-path.mjs';
import { cleanupBench } from './cleanup.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const only = process.argv[2];

if (!only || only === 'cold-start') await coldStart({ root, runs: Number(process.env.BENCH_RUNS ?? 15) });
if (!only || only === 'alarm-path') await alarmPathBench({ root });
if (!only || only === 'cleanup') await cleanupBench({ root });
