/**
 * What idle resources cost a month, US East (N. Virginia), from the public pricing pages:
 * Amazon EBS (aws.amazon.com/ebs/pricing/), Amazon VPC public IPv4 addresses (aws.amazon.com/vpc/pricing/,
 * in force since 1 February 2024), Amazon CloudWatch alarms (aws.amazon.com/cloudwatch/pricing/). Other
 * regions differ by up to about 30 per cent; every report states the table and its date.
 */
import type { AlarmFacts, SnapshotFacts, VolumeFacts } from '../model/inventory';
import { HOURS_PER_MONTH } from './on-demand';

export const STORAGE_PRICE_TABLE = {
  source: 'AWS public pricing (EBS, VPC public IPv4, CloudWatch), us-east-1',
  date: '2026-11-27',
  region: 'us-east-1',
} as const;

/**
 * Every public IPv4 address, Elastic IP or not, in use or idle, costs $0.005 an hour since
 * 1 February 2024 (before, an associated Elastic IP was free).
 */
export const PUBLIC_IPV4 = { hourlyUsd: 0.005, since: '2024-02-01' } as const;

/** Provisioned storage, per GB-month, by volume type. */
export const EBS_GB_MONTH_USD: Record<string, number> = {
  gp3: 0.08,
  gp2: 0.1,
  io1: 0.125,
  io2: 0.125,
  st1: 0.045,
  sc1: 0.015,
  standard: 0.05,
};

/** gp3 includes 3,000 IOPS and 125 MiB/s; more is billed per provisioned IOPS-month and MiB/s-month. */
export const GP3_EXTRA = {
  freeIops: 3000,
  iopsMonthUsd: 0.005,
  freeThroughput: 125,
  throughputMonthUsd: 0.04,
};

/** io1 and io2 bill every provisioned IOPS; io2 is cheaper per IOPS above 32,000 and 64,000. */
export const PROVISIONED_IOPS_MONTH_USD = { io1: 0.065, io2: [0.065, 0.0455, 0.032] as const };

/** Snapshot storage per GB-month: standard tier (incremental) and archive tier (full copies). */
export const SNAPSHOT_GB_MONTH_USD = { standard: 0.05, archive: 0.0125 } as const;

/** One alarm metric a month: standard (period ≥ 60 s) or high resolution (10–30 s). */
export const ALARM_METRIC_MONTH_USD = { standard: 0.1, highResolution: 0.3 } as const;

const cents = (usd: number) => Math.round(usd * 100) / 100;

export const addressMonthlyUsd = (): number => cents(PUBLIC_IPV4.hourlyUsd * HOURS_PER_MONTH);

function io2Iops(iops: number): number {
  const [first, second, third] = PROVISIONED_IOPS_MONTH_USD.io2;
  return (
    Math.min(iops, 32_000) * first +
    Math.max(0, Math.min(iops, 64_000) - 32_000) * second +
    Math.max(0, iops - 64_000) * third
  );
}

/** A volume type the table does not know is priced as gp2, the most common default before gp3. */
export function volumeMonthlyUsd(
  v: Pick<VolumeFacts, 'sizeGiB' | 'type' | 'iops' | 'throughputMiBps'>,
): number {
  const perGb = EBS_GB_MONTH_USD[v.type] ?? EBS_GB_MONTH_USD.gp2!;
  let usd = v.sizeGiB * perGb;
  const iops = v.iops ?? 0;
  if (v.type === 'gp3') {
    usd += Math.max(0, iops - GP3_EXTRA.freeIops) * GP3_EXTRA.iopsMonthUsd;
    usd += Math.max(0, (v.throughputMiBps ?? 0) - GP3_EXTRA.freeThroughput) * GP3_EXTRA.throughputMonthUsd;
  } else if (v.type === 'io1') usd += iops * PROVISIONED_IOPS_MONTH_USD.io1;
  else if (v.type === 'io2') usd += io2Iops(iops);
  return cents(usd);
}

/**
 * A standard-tier snapshot is billed for the blocks it holds that no older snapshot of the volume
 * holds, which AWS does not report; its volume's size is the upper bound used here (an archived
 * snapshot is a full copy, so there it is exact).
 */
export function snapshotMonthlyUsd(s: Pick<SnapshotFacts, 'sizeGiB' | 'storageTier'>): number {
  const rate = s.storageTier === 'archive' ? SNAPSHOT_GB_MONTH_USD.archive : SNAPSHOT_GB_MONTH_USD.standard;
  return cents(s.sizeGiB * rate);
}

export function alarmMonthlyUsd(a: Pick<AlarmFacts, 'metricCount' | 'highResolution'>): number {
  const each = a.highResolution ? ALARM_METRIC_MONTH_USD.highResolution : ALARM_METRIC_MONTH_USD.standard;
  return cents(Math.max(1, a.metricCount) * each);
}

/** The assumptions behind every cost in a cleanup report, one line each. */
export function storagePriceAssumptions(): string[] {
  return [
    `Prices: ${STORAGE_PRICE_TABLE.source}, table of ${STORAGE_PRICE_TABLE.date}, ${HOURS_PER_MONTH} hours a month.`,
    `Elastic IP: $${PUBLIC_IPV4.hourlyUsd}/hour per public IPv4 address (since ${PUBLIC_IPV4.since}) = $${addressMonthlyUsd().toFixed(2)}/month.`,
    `EBS volumes per GB-month: ${Object.entries(EBS_GB_MONTH_USD)
      .map(([t, p]) => `${t} $${p}`)
      .join(', ')}; plus provisioned IOPS and throughput above gp3's free 3,000 IOPS and 125 MiB/s.`,
    `Snapshots: $${SNAPSHOT_GB_MONTH_USD.standard}/GB-month (standard), $${SNAPSHOT_GB_MONTH_USD.archive} (archive), at the source volume's size: an upper bound, since standard snapshots are incremental.`,
    `Images cost what their snapshots hold. Alarms: $${ALARM_METRIC_MONTH_USD.standard}/metric-month ($${ALARM_METRIC_MONTH_USD.highResolution} high resolution). Launch configurations, launch templates, topics, subscriptions and empty groups are free.`,
  ];
}
