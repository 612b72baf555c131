/**
 * On-demand hourly prices of the common instance families, Linux, US East (N. Virginia).
 * Source: the EC2 On-Demand pricing page (aws.amazon.com/ec2/pricing/on-demand/), as published for
 * us-east-1 (these prices have not changed since the families launched). Other regions differ by a few
 * to about 30 per cent; every e-mail that quotes a cost says which table it used.
 */

export const PRICE_TABLE = {
  source: 'AWS EC2 On-Demand pricing, Linux, us-east-1',
  date: '2026-11-27',
  region: 'us-east-1',
} as const;

/** AWS bills a month as 730 hours in its calculators. */
export const HOURS_PER_MONTH = 730;

const sizes = (family: string, prices: Record<string, number>) =>
  Object.fromEntries(Object.entries(prices).map(([size, price]) => [`${family}.${size}`, price]));

const M5_LIKE = {
  large: 0.096,
  xlarge: 0.192,
  '2xlarge': 0.384,
  '4xlarge': 0.768,
  '8xlarge': 1.536,
  '12xlarge': 2.304,
  '16xlarge': 3.072,
  '24xlarge': 4.608,
};
const C5_LIKE = {
  large: 0.085,
  xlarge: 0.17,
  '2xlarge': 0.34,
  '4xlarge': 0.68,
  '12xlarge': 2.04,
  '24xlarge': 4.08,
};
const R5_LIKE = {
  large: 0.126,
  xlarge: 0.252,
  '2xlarge': 0.504,
  '4xlarge': 1.008,
  '8xlarge': 2.016,
  '12xlarge': 3.024,
  '16xlarge': 4.032,
  '24xlarge': 6.048,
};

const HOURLY_USD: Record<string, number> = {
  ...sizes('t2', {
    nano: 0.0058,
    micro: 0.0116,
    small: 0.023,
    medium: 0.0464,
    large: 0.0928,
    xlarge: 0.1856,
    '2xlarge': 0.3712,
  }),
  ...sizes('t3', {
    nano: 0.0052,
    micro: 0.0104,
    small: 0.0208,
    medium: 0.0416,
    large: 0.0832,
    xlarge: 0.1664,
    '2xlarge': 0.3328,
  }),
  ...sizes('t3a', {
    nano: 0.0047,
    micro: 0.0094,
    small: 0.0188,
    medium: 0.0376,
    large: 0.0752,
    xlarge: 0.1504,
    '2xlarge': 0.3008,
  }),
  ...sizes('m5', M5_LIKE),
  ...sizes('m6i', { ...M5_LIKE, '32xlarge': 6.144 }),
  ...sizes('c5', { ...C5_LIKE, '9xlarge': 1.53, '18xlarge': 3.06 }),
  ...sizes('c6i', { ...C5_LIKE, '8xlarge': 1.36, '16xlarge': 2.72, '32xlarge': 5.44 }),
  ...sizes('r5', R5_LIKE),
  ...sizes('r6i', { ...R5_LIKE, '32xlarge': 8.064 }),
};

export type PriceLookup = (instanceType: string) => number | undefined;

export const hourlyPrice: PriceLookup = (instanceType) => HOURLY_USD[instanceType];

export const knownInstanceTypes = (): string[] => Object.keys(HOURLY_USD);

/** Monthly cost of `count` instances of a type, rounded to cents; undefined for an unknown type. */
export function monthlyCost(
  instanceType: string | undefined,
  count: number,
  prices: PriceLookup = hourlyPrice,
) {
  const hourly = instanceType ? prices(instanceType) : undefined;
  return hourly === undefined ? undefined : Math.round(hourly * HOURS_PER_MONTH * count * 100) / 100;
}
