import { parseEvent } from '../../../lib/events/parse-event';
import type { AlarmTrigger } from '../../../lib/events/trigger';
import { REMOVE, edit, fixture, validationError } from './helpers';
import type { Json } from './helpers';

/** AWS's documented single-metric example. */
const SINGLE_METRIC: AlarmTrigger = {
  kind: 'alarm',
  source: 'eventbridge',
  alarmName: 'ServerCpuTooHigh',
  alarmArn: 'arn:aws:cloudwatch:us-east-1:123456789012:alarm:ServerCpuTooHigh',
  region: 'us-east-1',
  account: '123456789012',
  state: 'ALARM',
  previousState: 'OK',
  stateChangeTime: '2019-10-02T17:04:40.989Z',
  reason:
    'Threshold Crossed: 1 out of the last 1 datapoints [99.50160229693434 (02/10/19 16:59:00)] was greater than the threshold (50.0) (minimum 1 datapoint for OK -> ALARM transition).',
  metric: {
    namespace: 'AWS/EC2',
    name: 'CPUUtilization',
    dimensions: { InstanceId: 'i-12345678901234567' },
    statistic: 'Average',
    periodSeconds: 300,
  },
  threshold: 50,
  datapoints: [99.50160229693434],
};

describe('EventBridge CloudWatch Alarm State Change', () => {
  it.each<[string, AlarmTrigger]>([
    ['eventbridge-alarm-state-change.json', SINGLE_METRIC],
    [
      'eventbridge-alarm-metric-math.json',
      {
        kind: 'alarm',
        source: 'eventbridge',
        alarmName: 'TotalNetworkTrafficTooHigh',
        alarmArn: 'arn:aws:cloudwatch:us-east-1:111122223333:alarm:TotalNetworkTrafficTooHigh',
        region: 'us-east-1',
        account: '111122223333',
        state: 'ALARM',
        previousState: 'INSUFFICIENT_DATA',
        stateChangeTime: '2019-10-02T17:20:48.554Z',
        reason:
          'Threshold Crossed: 1 out of the last 1 datapoints [45628.0 (02/10/19 17:10:00)] was greater than the threshold (10000.0) (minimum 1 datapoint for INSUFFICIENT_DATA -> ALARM transition).',
        metricMath: [
          { id: 'e1', expression: 'SUM(METRICS())', returnData: true },
          {
            id: 'm1',
            metric: {
              namespace: 'AWS/EC2',
              name: 'NetworkIn',
              dimensions: { InstanceId: 'i-12345678901234567' },
              statistic: 'Maximum',
              periodSeconds: 300,
            },
            returnData: false,
          },
          {
            id: 'm2',
            metric: {
              namespace: 'AWS/EC2',
              name: 'NetworkOut',
              dimensions: { InstanceId: 'i-12345678901234567' },
              statistic: 'Maximum',
              periodSeconds: 300,
            },
            returnData: false,
          },
        ],
        threshold: 10000,
        datapoints: [45628],
      },
    ],
    [
      'eventbridge-alarm-anomaly-detection.json',
      {
        kind: 'alarm',
        source: 'eventbridge',
        alarmName: 'EC2 CPU Utilization Anomaly',
        alarmArn: 'arn:aws:cloudwatch:us-east-1:111122223333:alarm:EC2 CPU Utilization Anomaly',
        region: 'us-east-1',
        account: '111122223333',
        state: 'ALARM',
        previousState: 'OK',
        stateChangeTime: '2019-10-03T22:24:10.586Z',
        reason:
          'Thresholds Crossed: 1 out of the last 1 datapoints [0.0 (03/10/19 22:19:00)] was less than the lower thresholds [0.020599444741798756] or greater than the upper thresholds [0.3006915352732461] (minimum 1 datapoint for OK -> ALARM transition).',
        metricMath: [
          {
            id: 'm1',
            metric: {
              namespace: 'AWS/EC2',
              name: 'CPUUtilization',
              dimensions: { InstanceId: 'i-12345678901234567' },
              statistic: 'Average',
              periodSeconds: 60,
            },
            returnData: true,
          },
          { id: 'ad1', expression: 'ANOMALY_DETECTION_BAND(m1, 0.8)', returnData: true },
        ],
        datapoints: [0],
      },
    ],
    [
      'eventbridge-alarm-composite.json',
      {
        kind: 'alarm',
        source: 'eventbridge',
        alarmName: 'ServiceAggregatedAlarm',
        alarmArn: 'arn:aws:cloudwatch:us-east-1:111122223333:alarm:ServiceAggregatedAlarm',
        region: 'us-east-1',
        account: '111122223333',
        state: 'ALARM',
        previousState: 'OK',
        stateChangeTime: '2019-10-02T17:30:41.167Z',
        reason:
          'arn:aws:cloudwatch:us-east-1:111122223333:alarm:ServerCpuTooHigh transitioned to ALARM at Wednesday 02 October, 2019 17:30:41 UTC',
        composite: true,
        datapoints: [],
      },
    ],
    [
      'eventbridge-alarm-multiple-datapoints.json',
      {
        kind: 'alarm',
        source: 'eventbridge',
        alarmName: 'web-cpu-high',
        alarmArn: 'arn:aws:cloudwatch:eu-west-1:111122223333:alarm:web-cpu-high',
        region: 'eu-west-1',
        account: '111122223333',
        state: 'ALARM',
        previousState: 'OK',
        stateChangeTime: '2022-01-17T14:48:42.273Z',
        reason:
          'Threshold Crossed: 2 out of the last 2 datapoints [75.39833 (17/01/22 14:42:00), 71.48833 (17/01/22 14:37:00)] were greater than the threshold (70.0) (minimum 2 datapoints for OK -> ALARM transition).',
        metric: {
          namespace: 'AWS/EC2',
          name: 'CPUUtilization',
          dimensions: { AutoScalingGroupName: 'web-asg' },
          statistic: 'Average',
          periodSeconds: 300,
        },
        threshold: 70,
        // recentDatapoints is [71.48833, 75.39833] (oldest first); triggers hold newest first.
        datapoints: [75.39833, 71.48833],
      },
    ],
  ])('%s parses to the expected trigger', (name, expected) => {
    expect(parseEvent(fixture(name))).toEqual([expected]);
  });

  describe('variants', () => {
    const sample = (path: (string | number)[], value: unknown): Json =>
      edit(fixture('eventbridge-alarm-state-change.json'), path, value);
    const reasonData = (data: Json): Json => sample(['detail', 'state', 'reasonData'], JSON.stringify(data));

    it.each<[string, Json, Partial<AlarmTrigger>]>([
      [
        'no reasonData: datapoints from the reason text',
        sample(['detail', 'state', 'reasonData'], REMOVE),
        { threshold: undefined },
      ],
      [
        'reasonData without recentDatapoints: evaluatedDatapoints, newest first',
        reasonData({
          threshold: 50,
          evaluatedDatapoints: [
            { timestamp: '2019-10-02T16:54:00.000+0000', value: 60 },
            { timestamp: '2019-10-02T16:59:00.000+0000', value: 70 },
            { timestamp: '2019-10-02T16:49:00.000+0000' },
          ],
        }),
        { datapoints: [70, 60] },
      ],
      ['empty recentDatapoints', reasonData({ recentDatapoints: [], threshold: 50 }), { datapoints: [] }],
      ['no previousState', sample(['detail', 'previousState'], REMOVE), { previousState: undefined }],
      ['no configuration', sample(['detail', 'configuration'], REMOVE), { metric: undefined }],
      ['no resources', sample(['resources'], REMOVE), { alarmArn: undefined }],
      [
        'threshold and operator in the configuration win',
        edit(
          sample(['detail', 'configuration', 'threshold'], 55),
          ['detail', 'configuration', 'comparisonOperator'],
          'GreaterThanThreshold',
        ),
        { threshold: 55, comparison: 'GreaterThanThreshold' },
      ],
      [
        'metric without dimensions',
        sample(['detail', 'configuration', 'metrics', 0, 'metricStat', 'metric', 'dimensions'], REMOVE),
        { metric: { ...SINGLE_METRIC.metric!, dimensions: {} } },
      ],
      [
        'extra fields AWS adds (alarmTags, evaluationState) are ignored',
        edit(
          sample(['detail', 'alarmTags'], { team: 'web' }),
          ['detail', 'state', 'evaluationState'],
          'PARTIAL_DATA',
        ),
        {},
      ],
    ])('%s', (_name, event, overrides) => {
      expect(parseEvent(event)).toEqual([{ ...SINGLE_METRIC, ...overrides }]);
    });
  });

  describe('malformed events name the field', () => {
    const sample = (path: (string | number)[], value: unknown): Json =>
      edit(fixture('eventbridge-alarm-state-change.json'), path, value);

    it.each<[string, Json, string, string]>([
      ['missing alarmName', sample(['detail', 'alarmName'], REMOVE), 'detail.alarmName', 'required'],
      [
        'unknown state',
        sample(['detail', 'state', 'value'], 'WARN'),
        'detail.state.value',
        'expected one of OK, ALARM, INSUFFICIENT_DATA',
      ],
      [
        'unknown previous state',
        sample(['detail', 'previousState', 'value'], 'ok'),
        'detail.previousState.value',
        'expected one of OK, ALARM, INSUFFICIENT_DATA',
      ],
      [
        'missing state timestamp',
        sample(['detail', 'state', 'timestamp'], REMOVE),
        'detail.state.timestamp',
        'required',
      ],
      ['missing state', sample(['detail', 'state'], REMOVE), 'detail.state', 'required'],
      [
        'negative evaluationPeriods',
        sample(['detail', 'configuration', 'evaluationPeriods'], -2),
        'detail.configuration.evaluationPeriods',
        'expected a whole number ≥ 1',
      ],
      ['missing detail', sample(['detail'], REMOVE), 'detail', 'required'],
      [
        'reasonData not JSON',
        sample(['detail', 'state', 'reasonData'], '{"version":'),
        'detail.state.reasonData',
        'expected a JSON document',
      ],
      [
        'reasonData datapoint not a number',
        sample(['detail', 'state', 'reasonData'], '{"recentDatapoints":["99.5"]}'),
        'detail.state.reasonData.recentDatapoints[0]',
        'expected a number',
      ],
      [
        'metric query with neither metricStat nor expression',
        sample(['detail', 'configuration', 'metrics', 0, 'metricStat'], REMOVE),
        'detail.configuration.metrics[0].metricStat',
        'required (or expression)',
      ],
      [
        'dimension value not a string',
        sample(
          ['detail', 'configuration', 'metrics', 0, 'metricStat', 'metric', 'dimensions', 'InstanceId'],
          1,
        ),
        'detail.configuration.metrics[0].metricStat.metric.dimensions.InstanceId',
        'expected a string',
      ],
      ['wrong source', sample(['source'], 'aws.ec2'), 'source', 'expected aws.cloudwatch'],
      [
        'region not a code',
        sample(['region'], 'US East (N. Virginia)'),
        'region',
        'expected an AWS region code such as eu-west-1',
      ],
      ['missing account', sample(['account'], REMOVE), 'account', 'required'],
      [
        'bad time',
        sample(['time'], 'Wednesday'),
        'time',
        'expected an ISO-8601 timestamp such as 2019-10-02T17:04:40Z',
      ],
      [
        'resources not an array',
        sample(['resources'], 'arn:aws:cloudwatch:us-east-1:123456789012:alarm:x'),
        'resources',
        'expected an array',
      ],
    ])('%s', (_name, event, field, problem) => {
      const error = validationError(() => parseEvent(event));
      expect({ field: error.field, message: error.message }).toEqual({
        field,
        message: `${field}: ${problem}`,
      });
    });
  });
});
