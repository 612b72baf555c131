// `npm run bench alarm-path`: the AWS calls one alarm costs, counted on the wire (bench/alarm-path.ts,
// run against a moto it starts and stops).
import { loadDriver } from './run-ts.mjs';

export async function alarmPathBench({ root, print = console.log }) {
  const { runBench } = await loadDriver(root, 'alarm-path');
  await runBench({ print });
}
