/** The dated price table of idle storage and addresses. */
import {
  addressMonthlyUsd,
  alarmMonthlyUsd,
  snapshotMonthlyUsd,
  storagePriceAssumptions,
  volumeMonthlyUsd,
} from '../../../lib/pricing/storage';

it('prices a public IPv4 address at $0.005 an hour, 730 hours a month', () => {
  expect(addressMonthlyUsd()).toBe(3.65);
});

it.each([
  [{ type: 'gp3', sizeGiB: 100 }, 8],
  [{ type: 'gp3', sizeGiB: 100, iops: 3000, throughputMiBps: 125 }, 8],
  [{ type: 'gp3', sizeGiB: 100, iops: 4000, throughputMiBps: 225 }, 17],
  [{ type: 'gp2', sizeGiB: 100 }, 10],
  [{ type: 'io1', sizeGiB: 100, iops: 1000 }, 77.5],
  [{ type: 'io2', sizeGiB: 10, iops: 40_000 }, 2445.25],
  [{ type: 'st1', sizeGiB: 1000 }, 45],
  [{ type: 'sc1', sizeGiB: 1000 }, 15],
  [{ type: 'standard', sizeGiB: 10 }, 0.5],
  [{ type: 'future-type', sizeGiB: 10 }, 1],
])('prices volume %j at $%s a month', (v, usd) => {
  expect(volumeMonthlyUsd(v)).toBe(usd);
});

it('prices snapshots by tier, and alarms by metric and resolution', () => {
  expect(snapshotMonthlyUsd({ sizeGiB: 100 })).toBe(5);
  expect(snapshotMonthlyUsd({ sizeGiB: 100, storageTier: 'archive' })).toBe(1.25);
  expect(alarmMonthlyUsd({ metricCount: 1, highResolution: false })).toBe(0.1);
  expect(alarmMonthlyUsd({ metricCount: 2, highResolution: true })).toBe(0.6);
});

it('states its assumptions, with the table and its date', () => {
  const lines = storagePriceAssumptions();
  expect(lines[0]).toMatch(
    /^Prices: AWS public pricing .*, us-east-1, table of \d{4}-\d{2}-\d{2}, 730 hours a month\.$/,
  );
  expect(lines.join('\n')).toContain('$0.005/hour per public IPv4 address (since 2024-02-01) = $3.65/month');
});
