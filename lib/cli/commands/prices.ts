/**
 * `autopilot prices [TYPE...] [--refresh] [--notify]`: the dated on-demand table the e-mails quote, and
 * with `--refresh` the Pricing API's current prices beside it, so a stale entry shows. It reads only
 * (the Pricing API, with `--refresh`); `--notify` e-mails the table to the stage's notifications topic.
 */
import { AwsClients } from '../../aws/clients';
import { livePrices } from '../../aws/pricing';
import { HOURS_PER_MONTH, PRICE_TABLE, hourlyPrice, knownInstanceTypes } from '../../pricing/on-demand';
import { EXIT, type CliContext } from '../context';
import { resultEmail } from '../notify-email';

export async function prices(ctx: CliContext): Promise<number> {
  const types = ctx.args.types?.length ? ctx.args.types : knownInstanceTypes();
  const region = ctx.args.region ?? ctx.env.AWS_REGION ?? PRICE_TABLE.region;
  // The topic first: a --notify that cannot be sent fails before the Pricing API is asked.
  const notifier = ctx.args.notify ? await ctx.requestedNotifier(region) : undefined;
  const live = ctx.args.refresh ? await livePrices(new AwsClients({ region }), types, region) : undefined;
  const rows = types.map((type) => ({
    type,
    tableHourlyUsd: hourlyPrice(type) ?? null,
    ...(live ? { liveHourlyUsd: live.get(type) ?? null } : {}),
  }));
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
  const text = lines.join('\n');
  const differs = rows.filter(
    (r) =>
      r.liveHourlyUsd != null &&
      r.tableHourlyUsd !== null &&
      Math.abs(r.liveHourlyUsd - r.tableHourlyUsd) > 1e-9,
  ).length;
  const notification = await ctx.notify(
    notifier,
    resultEmail(
      'prices',
      `${rows.length} instance types, table of ${PRICE_TABLE.date}${live ? `; ${differs} differ from the Pricing API` : ''}`,
      text,
      'report',
    ),
  );
  if (ctx.args.format === 'json') {
    ctx.io.stdout(
      JSON.stringify(
        {
          table: PRICE_TABLE,
          region,
          hoursPerMonth: HOURS_PER_MONTH,
          prices: rows,
          ...(notification ? { notification } : {}),
        },
        null,
        2,
      ),
    );
    return EXIT.ok;
  }
  ctx.io.stdout(notification ? `${text}\nE-mailed: ${notification.subject}` : text);
  return EXIT.ok;
}
