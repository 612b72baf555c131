import {
  breachingDatapoints,
  datapointsFromReason,
  datapointsFromReasonData,
} from '../../../lib/events/datapoints';
import type { ReasonData } from '../../../lib/events/datapoints';
import {
  accountFromArn,
  isRegionCode,
  regionDisplayName,
  regionFromArn,
  regionFromDisplayName,
} from '../../../lib/events/regions';
import { normaliseStatistic } from '../../../lib/events/sns-alarm';
import { toIsoUtc } from '../../../lib/events/timestamps';

describe('regionFromDisplayName', () => {
  it.each<[string, string | undefined]>([
    ['US East (N. Virginia)', 'us-east-1'],
    ['US East (Ohio)', 'us-east-2'],
    ['US West (N. California)', 'us-west-1'],
    ['US West (Oregon)', 'us-west-2'],
    ['EU (Ireland)', 'eu-west-1'],
    ['Europe (Ireland)', 'eu-west-1'],
    ['EU - Ireland', 'eu-west-1'],
    ['EU (Frankfurt)', 'eu-central-1'],
    ['EU (London)', 'eu-west-2'],
    ['EU (Paris)', 'eu-west-3'],
    ['EU (Stockholm)', 'eu-north-1'],
    ['EU (Milan)', 'eu-south-1'],
    ['Europe (Spain)', 'eu-south-2'],
    ['Europe (Zurich)', 'eu-central-2'],
    ['South America (São Paulo)', 'sa-east-1'],
    ['South America (Sao Paulo)', 'sa-east-1'],
    ['south america (são paulo)', 'sa-east-1'],
    ['South America (Chile)', 'sa-west-1'],
    ['Asia Pacific (Tokyo)', 'ap-northeast-1'],
    ['Asia Pacific - Tokyo', 'ap-northeast-1'],
    ['Asia Pacific (Seoul)', 'ap-northeast-2'],
    ['Asia Pacific (Osaka)', 'ap-northeast-3'],
    ['Asia Pacific (Mumbai)', 'ap-south-1'],
    ['Asia Pacific (Hyderabad)', 'ap-south-2'],
    ['Asia Pacific (Singapore)', 'ap-southeast-1'],
    ['Asia Pacific (Sydney)', 'ap-southeast-2'],
    ['Asia Pacific (Jakarta)', 'ap-southeast-3'],
    ['Asia Pacific (Melbourne)', 'ap-southeast-4'],
    ['Asia Pacific (Malaysia)', 'ap-southeast-5'],
    ['Asia Pacific (New Zealand)', 'ap-southeast-6'],
    ['Asia Pacific (Thailand)', 'ap-southeast-7'],
    ['Asia Pacific (Hong Kong)', 'ap-east-1'],
    ['Asia Pacific (Taipei)', 'ap-east-2'],
    ['Africa (Cape Town)', 'af-south-1'],
    ['Canada (Central)', 'ca-central-1'],
    ['Canada West (Calgary)', 'ca-west-1'],
    ['Israel (Tel Aviv)', 'il-central-1'],
    ['Middle East (Bahrain)', 'me-south-1'],
    ['Middle East (UAE)', 'me-central-1'],
    ['Middle East (Saudi Arabia)', 'me-west-1'],
    ['Mexico (Central)', 'mx-central-1'],
    ['China (Beijing)', 'cn-north-1'],
    ['China (Ningxia)', 'cn-northwest-1'],
    ['AWS GovCloud (US-East)', 'us-gov-east-1'],
    ['AWS GovCloud (US-West)', 'us-gov-west-1'],
    ['AWS GovCloud (US)', 'us-gov-west-1'],
    ['AWS European Sovereign Cloud (Germany)', 'eusc-de-east-1'],
    ['US - N. Virginia', 'us-east-1'],
    ['  US East (N. Virginia)  ', 'us-east-1'],
    ['EXAMPLE', undefined],
    ['Mars (Olympus Mons)', undefined],
    ['EU (Atlantis)', undefined],
    ['', undefined],
  ])('%s → %s', (name, code) => {
    expect(regionFromDisplayName(name)).toBe(code);
  });

  it('accepts null and undefined', () => {
    expect([regionFromDisplayName(null), regionFromDisplayName(undefined)]).toEqual([undefined, undefined]);
  });
});

describe('regionDisplayName', () => {
  it.each<[string, string | undefined]>([
    ['eu-west-1', 'Europe (Ireland)'],
    ['us-east-1', 'US East (N. Virginia)'],
    ['sa-east-1', 'South America (São Paulo)'],
    ['us-gov-west-1', 'AWS GovCloud (US-West)'],
    ['xx-nowhere-9', undefined],
  ])('%s → %s', (code, name) => {
    expect(regionDisplayName(code)).toBe(name);
  });

  it('round-trips through regionFromDisplayName', () => {
    const codes = [
      'us-east-1',
      'eu-central-2',
      'ap-southeast-7',
      'cn-north-1',
      'us-gov-east-1',
      'eusc-de-east-1',
      'mx-central-1',
    ];
    expect(codes.map((code) => regionFromDisplayName(regionDisplayName(code)))).toEqual(codes);
  });
});

describe('ARNs and region codes', () => {
  it.each<[string | undefined, string | undefined, string | undefined]>([
    ['arn:aws:cloudwatch:eu-west-1:123456789012:alarm:cpu', 'eu-west-1', '123456789012'],
    ['arn:aws-us-gov:sns:us-gov-west-1:123456789012:topic', 'us-gov-west-1', '123456789012'],
    ['arn:aws-cn:sns:cn-northwest-1:123456789012:topic', 'cn-northwest-1', '123456789012'],
    ['arn:aws:cloudwatch:REGION:ACCOUNT_NUMBER:alarm:EXAMPLE', undefined, undefined],
    ['arn:aws:sns:EXAMPLE', undefined, undefined],
    ['arn:aws:iam::123456789012:role/x', undefined, '123456789012'],
    [undefined, undefined, undefined],
  ])('%s', (arn, region, account) => {
    expect({ region: regionFromArn(arn), account: accountFromArn(arn) }).toEqual({ region, account });
  });

  it.each<[string, boolean]>([
    ['us-east-1', true],
    ['us-gov-west-1', true],
    ['eusc-de-east-1', true],
    ['us-isob-east-1', true],
    ['US-EAST-1', false],
    ['us-east', false],
    ['aws-global', false],
    ['REGION', false],
  ])('isRegionCode(%s) is %s', (code, expected) => {
    expect(isRegionCode(code)).toBe(expected);
  });
});

describe('datapointsFromReason', () => {
  it.each<[string, string, number[]]>([
    [
      'newest first, as CloudWatch writes them',
      'Threshold Crossed: 2 out of the last 2 datapoints [99.5 (02/10/19 16:59:00), 98.1 (02/10/19 16:54:00)] was greater than the threshold (50.0) (minimum 2 datapoints for OK -> ALARM transition).',
      [99.5, 98.1],
    ],
    [
      'sorted by their timestamps when out of order, across a month boundary',
      'Threshold Crossed: 3 out of the last 3 datapoints [1.0 (30/09/19 23:55:00), 3.0 (01/10/19 00:05:00), 2.0 (01/10/19 00:00:00)] were greater than the threshold (0.5).',
      [3, 2, 1],
    ],
    [
      'an integer-looking 1234.0',
      'Threshold Crossed: 1 out of the last 1 datapoints [1234.0 (06/03/15 17:43:27)] was greater than the threshold (0.0).',
      [1234],
    ],
    [
      'scientific notation',
      'Threshold Crossed: 2 out of the last 2 datapoints [1.2E-4 (02/10/19 16:59:00), 4.5E7 (02/10/19 16:58:00)] were less than the threshold (0.001).',
      [1.2e-4, 4.5e7],
    ],
    [
      'negative values',
      'Threshold Crossed: 2 out of the last 2 datapoints [-3.5 (02/10/19 16:59:00), -12.0 (02/10/19 16:58:00)] were less than the threshold (0.0).',
      [-3.5, -12],
    ],
    [
      'anomaly-detection band values are not datapoints',
      'Thresholds Crossed: 1 out of the last 1 datapoints [0.0 (03/10/19 22:19:00)] was less than the lower thresholds [0.0205] or greater than the upper thresholds [0.3006] (minimum 1 datapoint for OK -> ALARM transition).',
      [0],
    ],
    [
      'the "most recent datapoints which crossed the threshold" form',
      'Threshold Crossed: 5 datapoints were greater than or equal to the threshold (80.0). The most recent datapoints which crossed the threshold: [84.93 (03/09/25 06:24:00), 84.92 (03/09/25 06:23:00)].',
      [84.93, 84.92],
    ],
    [
      'the pre-2018 single-datapoint form',
      'Threshold Crossed: 1 datapoint (10.0) was greater than or equal to the threshold (1.0).',
      [10],
    ],
    [
      'a list without timestamps',
      'Threshold Crossed: 2 datapoints [5.0, 4.0] were greater than the threshold (3.0).',
      [5, 4],
    ],
    ['no datapoints', 'Insufficient Data: 5 datapoints were unknown.', []],
    ['initial creation', 'Unchecked: Initial alarm creation', []],
    [
      'the threshold alone is not a datapoint',
      'Threshold Crossed: no datapoints were found in violation of the threshold (5.0).',
      [],
    ],
  ])('%s', (_name, reason, expected) => {
    expect(datapointsFromReason(reason)).toEqual(expected);
  });
});

describe('datapointsFromReasonData and breachingDatapoints', () => {
  it.each<[string, ReasonData | undefined, number[] | undefined]>([
    [
      'recentDatapoints are chronological: reversed',
      { recentDatapoints: [11.48, 15.39, 20.1] },
      [20.1, 15.39, 11.48],
    ],
    ['empty recentDatapoints', { recentDatapoints: [] }, []],
    [
      'evaluatedDatapoints sorted newest first, unknown values skipped',
      {
        evaluatedDatapoints: [
          { timestamp: '2022-01-17T14:37:00.000+0000', value: 1 },
          { timestamp: '2022-01-17T14:47:00.000+0000' },
          { timestamp: '2022-01-17T14:42:00.000+0000', value: 2 },
        ],
      },
      [2, 1],
    ],
    ['only a threshold', { threshold: 50 }, undefined],
    ['no reasonData', undefined, undefined],
  ])('%s', (_name, data, expected) => {
    expect(datapointsFromReasonData(data)).toEqual(expected);
  });

  it('prefers reasonData over the reason text', () => {
    expect(breachingDatapoints('datapoints [1.0 (02/10/19 16:59:00)]', { recentDatapoints: [7, 8] })).toEqual(
      [8, 7],
    );
  });

  it('falls back to the reason text', () => {
    expect(breachingDatapoints('datapoints [1.0 (02/10/19 16:59:00)]', { threshold: 3 })).toEqual([1]);
  });
});

describe('toIsoUtc', () => {
  it.each<[string, string | undefined]>([
    ['2015-06-03T17:43:27.123+0000', '2015-06-03T17:43:27.123Z'],
    ['2019-10-02T17:04:40Z', '2019-10-02T17:04:40.000Z'],
    ['2016-09-16T12:39:01.604Z', '2016-09-16T12:39:01.604Z'],
    ['2015-06-03T19:43:27.123+02:00', '2015-06-03T17:43:27.123Z'],
    ['2015-06-03T12:43:27-0500', '2015-06-03T17:43:27.000Z'],
    ['2024-05-14T09:31:40.2461234Z', '2024-05-14T09:31:40.246Z'],
    ['2019-02-30T00:00:00Z', undefined],
    ['2019-10-02T17:04:40', undefined],
    ['2019-10-02', undefined],
    ['Wednesday 02 October, 2019 17:30:41 UTC', undefined],
    ['', undefined],
  ])('%s → %s', (text, iso) => {
    expect(toIsoUtc(text)).toBe(iso);
  });
});

describe('normaliseStatistic', () => {
  it.each<[string | null | undefined, string | undefined]>([
    ['AVERAGE', 'Average'],
    ['SUM', 'Sum'],
    ['MINIMUM', 'Minimum'],
    ['MAXIMUM', 'Maximum'],
    ['SAMPLE_COUNT', 'SampleCount'],
    ['Average', 'Average'],
    ['p90', 'p90'],
    ['p99.9', 'p99.9'],
    ['IQM', 'IQM'],
    ['TM(10%:90%)', 'TM(10%:90%)'],
    ['', undefined],
    [null, undefined],
  ])('%s → %s', (statistic, expected) => {
    expect(normaliseStatistic(statistic)).toBe(expected);
  });
});
