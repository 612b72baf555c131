import { parseEvent } from '../../../lib/events/parse-event';
import type { AlarmTrigger } from '../../../lib/events/trigger';
import { REMOVE, edit, fixture, validationError } from './helpers';
import type { Json } from './helpers';

const METRIC_ALARM: AlarmTrigger = {
  kind: 'alarm',
  source: 'lambda-action',
  alarmName: 'lambda-demo-metric-alarm',
  alarmArn: 'arn:aws:cloudwatch:us-east-1:444455556666:alarm:lambda-demo-metric-alarm',
  region: 'us-east-1',
  account: '444455556666',
  state: 'ALARM',
  previousState: 'INSUFFICIENT_DATA',
  stateChangeTime: '2023-08-04T12:36:15.490Z',
  reason:
    'Threshold Crossed: 1 out of the last 1 datapoints [161.0 (04/08/23 12:35:00)] was greater than or equal to the threshold (150.0) (minimum 1 datapoint for INSUFFICIENT_DATA -> ALARM transition).',
  metric: {
    namespace: 'AWS/Logs',
    name: 'CallCount',
    dimensions: { InstanceId: 'i-12345678' },
    statistic: 'Average',
    periodSeconds: 60,
    unit: 'Percent',
  },
  threshold: 150,
  datapoints: [161],
};

describe('Lambda alarm action payload', () => {
  it.each<[string, AlarmTrigger]>([
    ['lambda-alarm-action-metric.json', METRIC_ALARM],
    [
      'lambda-alarm-action-composite.json',
      {
        kind: 'alarm',
        source: 'lambda-action',
        alarmName: 'CompositeDemo.Main',
        alarmArn: 'arn:aws:cloudwatch:us-east-1:444455556666:alarm:CompositeDemo.Main',
        region: 'us-east-1',
        account: '444455556666',
        state: 'ALARM',
        previousState: 'ALARM',
        stateChangeTime: '2023-08-04T12:56:46.138Z',
        reason:
          'arn:aws:cloudwatch:us-east-1:444455556666:alarm:CompositeDemo.FirstChild transitioned to ALARM at Friday 04 August, 2023 12:54:46 UTC',
        composite: true,
        datapoints: [],
      },
    ],
  ])('%s parses to the expected trigger', (name, expected) => {
    expect(parseEvent(fixture(name))).toEqual([expected]);
  });

  it('is told apart from an EventBridge event with the same source', () => {
    const [trigger] = parseEvent(fixture('eventbridge-alarm-state-change.json'));
    expect((trigger as AlarmTrigger).source).toBe('eventbridge');
  });

  describe('malformed payloads name the field', () => {
    const sample = (path: (string | number)[], value: unknown): Json =>
      edit(fixture('lambda-alarm-action-metric.json'), path, value);

    it.each<[string, Json, string, string]>([
      ['missing alarmArn', sample(['alarmArn'], REMOVE), 'alarmArn', 'required'],
      ['accountId not a string', sample(['accountId'], 444455556666), 'accountId', 'expected a string'],
      [
        'region not a code',
        sample(['region'], 'us east 1'),
        'region',
        'expected an AWS region code such as eu-west-1',
      ],
      [
        'bad time',
        sample(['time'], '2023-08-04'),
        'time',
        'expected an ISO-8601 timestamp such as 2019-10-02T17:04:40Z',
      ],
      ['alarmData not an object', sample(['alarmData'], 'ALARM'), 'alarmData', 'expected an object'],
      ['missing alarmName', sample(['alarmData', 'alarmName'], REMOVE), 'alarmData.alarmName', 'required'],
      [
        'unknown state',
        sample(['alarmData', 'state', 'value'], 'FIRING'),
        'alarmData.state.value',
        'expected one of OK, ALARM, INSUFFICIENT_DATA',
      ],
      [
        'reason not a string',
        sample(['alarmData', 'state', 'reason'], null),
        'alarmData.state.reason',
        'expected a string',
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
