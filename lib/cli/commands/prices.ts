/**
 * `autopilot prices [TYPE...] [--refresh]`: the dated on-demand table the e-mails quote, and with
 * `--refresh` the Pricing API's current prices beside it, so a stale entry shows.
 */
import { AwsClients } from '../../aws/clients';
import { livePrices } from '../../aws/pricing';
import { HOURS_PER_MONTH, PRICE_TABLE, hourlyPrice, knownInstanceTypes } from '../../pricing/on-demand';
import { EXIT, type CliContext } from '../context';

export async function prices(ctx: CliContext): Promise<number> {
  const types = ctx.args.types?.length ? ctx.args.types : knownInstanceTypes();
  const region = ctx.args.region ?? ctx.env.AWS_REGION ?? PRICE_TABLE.region;
  const live = ctx.args.refresh ? await livePrices(new AwsClients({ region }), types, region) : undefined;
  const rows = types.map((type) => ({
    type,
    tableHourlyUsd: hourlyPrice(type) ?? null,
    ...(live ? { liveHourlyUsd: live.get(type) ?? null } : {}),
  }));
  if (ctx.args.format === 'json') {
    ctx.io.stdout(
      JSON.stringify({ table: PRICE_TABLE, region, hoursPerMonth: HOURS_PER_MONTH, prices: rows }, null, 2),
    );
    return EXIT.ok;
  }
  const lines = [
    `${PRICE_TABLE.source}, table of ${PRICE_TABLE.date}${live ? `; live: AWS Pricing API, ${region}` : ''}`,
  ];
  for (const r of rows) {
    const table = r.tableHourlyUsd === null ? '—' : `$${r.tableHourlyUsd}/h`;
    const fresh = live
      ? `  live ${r.liveHourlyUsd == null ? '—' : `$${r.liveHourlyUsd}/h`}${r.liveHourlyUsd != null && r.tableHourlyUsd !== null && Math.abs(r.liveHourlyUsd - r.tableHourlyUsd) > 1e-9 ? '  (differs)' : ''}`
      : '';
    lines.push(`  ${r.type.padEnd(14)} ${table.padEnd(12)}${fresh}`);
  }
  ctx.io.stdout(lines.join('\n'));
  return EXIT.ok;
}
