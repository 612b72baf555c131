/** Small formatting helpers shared by reasons and e-mails, so numbers read the same everywhere. */

/** `85.2 %` for utilisation metrics, `1234.5` otherwise; at most one decimal, no trailing `.0`. */
export function formatMetric(metric: string, value: number): string {
  const rounded = Math.round(value * 10) / 10;
  return /Utilization|Percent/i.test(metric) ? `${rounded} %` : `${rounded}`;
}

/** `2026-11-27 14:05 UTC`: minutes are what people act on in an e-mail. */
export function formatTime(date: Date): string {
  return `${date.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

/** `$12.34/month`, with the sign spelt out for changes. */
export function formatMonthly(usd: number, signed = false): string {
  const sign = signed ? (usd > 0 ? '+' : usd < 0 ? '−' : '±') : usd < 0 ? '−' : '';
  return `${sign}$${Math.abs(usd).toFixed(2)}/month`;
}
