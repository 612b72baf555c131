/**
 * `autopilot prices --refresh` beside the dated table. moto has no Pricing API at all (LOCAL-AWS.md), so
 * exactly that call, GetProducts, is stubbed here with a response shaped as AWS documents it.
 */
import { AwsClients } from '../../lib/aws/clients';
import { hourlyFromPriceList, livePrices } from '../../lib/aws/pricing';
import { hourlyPrice } from '../../lib/pricing/on-demand';

const document = (type: string, usd: string) =>
  JSON.stringify({
    product: {
      productFamily: 'Compute Instance',
      attributes: { instanceType: type, regionCode: 'us-east-1', operatingSystem: 'Linux' },
    },
    serviceCode: 'AmazonEC2',
    terms: {
      OnDemand: {
        'ABC.JRTCKXETXF': {
          priceDimensions: {
            'ABC.JRTCKXETXF.6YS6EN2CT7': {
              unit: 'Hrs',
              pricePerUnit: { USD: usd },
              description: `$${usd} per On Demand Linux ${type} Instance Hour`,
            },
          },
        },
      },
    },
  });

describe('the Pricing API refresh', () => {
  it('reads the hourly on-demand price of each type, and compares with the table', async () => {
    const aws = new AwsClients({ region: 'us-east-1' });
    const { client, sdk } = await aws.pricing();
    const asked: unknown[] = [];
    // Stub: moto lacks the Pricing API; only GetProducts is answered, anything else fails loudly.
    jest.spyOn(client, 'send').mockImplementation(async (command: unknown) => {
      if (!(command instanceof sdk.GetProductsCommand)) throw new Error('unexpected Pricing call');
      asked.push(command.input);
      const type = command.input.Filters!.find((f) => f.Field === 'instanceType')!.Value!;
      return {
        PriceList:
          type === 't2.small'
            ? [document('t2.small', '0.0230000000')]
            : type === 'x1.nothing'
              ? []
              : [document(type, '0.0120000000')],
      } as never;
    });
    const prices = await livePrices(aws, ['t2.small', 't2.micro', 'x1.nothing'], 'us-east-1');
    expect(prices).toEqual(
      new Map([
        ['t2.small', 0.023],
        ['t2.micro', 0.012],
        ['x1.nothing', undefined],
      ]),
    );
    expect(prices.get('t2.small')).toBe(hourlyPrice('t2.small'));
    expect(prices.get('t2.micro')).not.toBe(hourlyPrice('t2.micro'));
    expect(asked[0]).toMatchObject({
      ServiceCode: 'AmazonEC2',
      Filters: expect.arrayContaining([
        { Type: 'TERM_MATCH', Field: 'regionCode', Value: 'us-east-1' },
        { Type: 'TERM_MATCH', Field: 'operatingSystem', Value: 'Linux' },
        { Type: 'TERM_MATCH', Field: 'tenancy', Value: 'Shared' },
      ]),
    });
  });

  it('ignores documents without an hourly on-demand price', () => {
    expect(hourlyFromPriceList(JSON.stringify({ terms: { OnDemand: {} } }))).toBeUndefined();
    expect(hourlyFromPriceList(document('t3.micro', '0.0104000000'))).toBe(0.0104);
  });
});
