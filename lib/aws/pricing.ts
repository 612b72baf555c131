/**
 * Live on-demand prices from the AWS Pricing API, to check or refresh the dated table in
 * `lib/pricing/on-demand.ts` (`autopilot prices --refresh`). Linux, shared tenancy, no pre-installed
 * software, the capacity people actually run ("Used").
 */
import { viaCall } from './call';
import type { AwsClients } from './clients';

interface PriceListItem {
  product?: { attributes?: Record<string, string> };
  terms?: {
    OnDemand?: Record<
      string,
      { priceDimensions?: Record<string, { unit?: string; pricePerUnit?: { USD?: string } }> }
    >;
  };
}

/** The hourly USD price in one Pricing API document (a JSON string), or undefined when it has none. */
export function hourlyFromPriceList(document: unknown): number | undefined {
  const item = (typeof document === 'string' ? JSON.parse(document) : document) as PriceListItem;
  for (const term of Object.values(item.terms?.OnDemand ?? {})) {
    for (const dimension of Object.values(term.priceDimensions ?? {})) {
      const usd = Number(dimension.pricePerUnit?.USD);
      if (dimension.unit === 'Hrs' && Number.isFinite(usd) && usd > 0) return usd;
    }
  }
  return undefined;
}

export async function livePrices(
  aws: AwsClients,
  types: string[],
  region: string,
): Promise<Map<string, number | undefined>> {
  const { client, sdk } = await aws.pricing();
  const prices = new Map<string, number | undefined>();
  for (const type of types) {
    const match = (Field: string, Value: string) => ({ Type: 'TERM_MATCH' as const, Field, Value });
    // Every page: a type with more matching documents than one page holds must not be priced from part.
    const pages = sdk.paginateGetProducts(
      { client: viaCall(client, 'GetProducts') },
      {
        ServiceCode: 'AmazonEC2',
        Filters: [
          match('instanceType', type),
          match('regionCode', region),
          match('operatingSystem', 'Linux'),
          match('tenancy', 'Shared'),
          match('preInstalledSw', 'NA'),
          match('capacitystatus', 'Used'),
        ],
        MaxResults: 10,
      },
    );
    const documents: unknown[] = [];
    for await (const out of pages)
      documents.push(
        ...(Array.isArray(out.PriceList) ? out.PriceList : out.PriceList ? [out.PriceList] : []),
      );
    const found = documents.map(hourlyFromPriceList).filter((p): p is number => p !== undefined);
    prices.set(type, found.length > 0 ? Math.min(...found) : undefined);
  }
  return prices;
}
