// How long `autopilot validate` takes through npx and directly: 10 runs of each, alternating, medians.
// `node scripts/time-cli.mjs [runs]` in a checkout after `npm ci` (README, "The autopilot command").
import { spawnSync } from 'node:child_process';

const runs = Number(process.argv[2] ?? 10);
const ways = {
  'npx autopilot validate': ['npx', ['autopilot', 'validate']],
  'node_modules/.bin/autopilot validate': ['node_modules/.bin/autopilot', ['validate']],
};
const times = Object.fromEntries(Object.keys(ways).map((k) => [k, []]));
for (const [command, args] of Object.values(ways)) spawnSync(command, args); // warm: npx's cache, the disk
for (let i = 0; i < runs; i += 1)
  for (const [name, [command, args]] of Object.entries(ways)) {
    const started = process.hrtime.bigint();
    const out = spawnSync(command, args, { encoding: 'utf8' });
    if (out.status !== 0) throw new Error(`${name} exited ${out.status}: ${out.stderr}`);
    times[name].push(Number(process.hrtime.bigint() - started) / 1e6);
  }
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
for (const [name, xs] of Object.entries(times))
  console.log(
    `${name.padEnd(40)} median ${(median(xs) / 1000).toFixed(2)} s  (min ${(Math.min(...xs) / 1000).toFixed(2)}, max ${(Math.max(...xs) / 1000).toFixed(2)}, ${xs.length} runs)`,
  );
