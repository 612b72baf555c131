import { parseEvent } from '../../../lib/events/parse-event';
import type { AlarmTrigger, Trigger } from '../../../lib/events/trigger';
import { REMOVE, edit, fixture, snsWithMessage, validationError } from './helpers';
import type { Json } from './helpers';

/** What AWS's own sample (the Lambda console's SNS test event) parses to. */
const SAMPLE: AlarmTrigger = {
  kind: 'alarm',
  source: 'sns',
  alarmName: 'EXAMPLE',
  alarmArn: 'arn:aws:cloudwatch:REGION:ACCOUNT_NUMBER:alarm:EXAMPLE',
  topicArn: 'arn:aws:sns:EXAMPLE',
  region: undefined,
  account: '123456789012',
  state: 'ALARM',
  previousState: 'INSUFFICIENT_DATA',
  stateChangeTime: '2015-06-03T17:43:27.123Z',
  reason:
    'Threshold Crossed: 1 out of the last 1 datapoints [1234.0 (06/03/15 17:43:27)] was greater than the threshold (0.0) (minimum 1 datapoint for OK -> ALARM transition).',
  metric: {
    namespace: 'AWS/EC2',
    name: 'NetworkOut',
    dimensions: { InstanceId: 'TestInstance' },
    statistic: 'Average',
    periodSeconds: 60,
    unit: 'Bytes',
  },
  threshold: 0,
  comparison: 'GreaterThanThreshold',
  evaluationPeriods: 1,
  datapoints: [1234],
};

describe('CloudWatch alarm through SNS', () => {
  it.each<[string, Trigger[]]>([
    ['sns-cloudwatch-alarm.json', [SAMPLE]],
    [
      'sns-alarm-legacy-no-arn.json',
      [
        {
          kind: 'alarm',
          source: 'sns',
          alarmName: 'queue-depth',
          topicArn: 'arn:aws:sns:eu-west-1:111122223333:cloudwatch-alarms',
          region: 'eu-west-1',
          account: '111122223333',
          state: 'ALARM',
          previousState: 'OK',
          stateChangeTime: '2017-01-12T16:30:42.236Z',
          reason: 'Threshold Crossed: 1 datapoint (10.0) was greater than or equal to the threshold (1.0).',
          metric: {
            namespace: 'AWS/SQS',
            name: 'ApproximateNumberOfMessagesVisible',
            dimensions: { QueueName: 'jobs' },
            statistic: 'Sum',
            periodSeconds: 300,
          },
          threshold: 1,
          comparison: 'GreaterThanOrEqualToThreshold',
          evaluationPeriods: 1,
          datapoints: [10],
        },
      ],
    ],
    [
      'sns-alarm-extended-statistic.json',
      [
        {
          kind: 'alarm',
          source: 'sns',
          alarmName: 'web-latency-p90',
          alarmArn: 'arn:aws:cloudwatch:sa-east-1:111122223333:alarm:web-latency-p90',
          topicArn: 'arn:aws:sns:sa-east-1:111122223333:autopilot-alarms',
          region: 'sa-east-1',
          account: '111122223333',
          state: 'ALARM',
          previousState: 'OK',
          stateChangeTime: '2024-03-05T10:16:02.451Z',
          reason:
            'Threshold Crossed: 3 out of the last 3 datapoints [1.9871 (05/03/24 10:14:00), 2.0 (05/03/24 10:13:00), 1.5012 (05/03/24 10:12:00)] were greater than the threshold (1.5) (minimum 3 datapoints for OK -> ALARM transition).',
          metric: {
            namespace: 'AWS/ApplicationELB',
            name: 'TargetResponseTime',
            dimensions: { LoadBalancer: 'app/web/50dc6c495c0c9188' },
            statistic: 'p90',
            periodSeconds: 60,
          },
          threshold: 1.5,
          comparison: 'GreaterThanThreshold',
          evaluationPeriods: 3,
          datapoints: [1.9871, 2, 1.5012],
        },
      ],
    ],
    [
      'sns-alarm-metric-math.json',
      [
        {
          kind: 'alarm',
          source: 'sns',
          alarmName: 'fleet-network-total',
          alarmArn: 'arn:aws:cloudwatch:eu-central-1:111122223333:alarm:fleet-network-total',
          topicArn: 'arn:aws:sns:eu-central-1:111122223333:autopilot-alarms',
          region: 'eu-central-1',
          account: '111122223333',
          state: 'ALARM',
          previousState: 'OK',
          stateChangeTime: '2024-06-11T08:05:31.117Z',
          reason:
            'Threshold Crossed: 1 out of the last 1 datapoints [1.2E7 (11/06/24 08:00:00)] was greater than the threshold (1.0E7) (minimum 1 datapoint for OK -> ALARM transition).',
          metricMath: [
            { id: 'e1', expression: 'm1 + m2', returnData: true },
            {
              id: 'm1',
              metric: {
                namespace: 'AWS/EC2',
                name: 'NetworkIn',
                dimensions: { AutoScalingGroupName: 'web-asg' },
                statistic: 'Sum',
                periodSeconds: 300,
              },
              returnData: false,
            },
            {
              id: 'm2',
              metric: {
                namespace: 'AWS/EC2',
                name: 'NetworkOut',
                dimensions: { AutoScalingGroupName: 'web-asg' },
                statistic: 'Sum',
                periodSeconds: 300,
              },
              returnData: false,
            },
          ],
          threshold: 1e7,
          comparison: 'GreaterThanThreshold',
          evaluationPeriods: 1,
          datapoints: [1.2e7],
        },
      ],
    ],
    [
      'sns-alarm-anomaly-detection.json',
      [
        {
          kind: 'alarm',
          source: 'sns',
          alarmName: 'web-cpu-anomaly',
          alarmArn: 'arn:aws:cloudwatch:us-east-2:111122223333:alarm:web-cpu-anomaly',
          topicArn: 'arn:aws:sns:us-east-2:111122223333:autopilot-alarms',
          region: 'us-east-2',
          account: '111122223333',
          state: 'ALARM',
          previousState: 'OK',
          stateChangeTime: '2024-07-01T13:41:20.004Z',
          reason:
            'Thresholds Crossed: 2 out of the last 2 datapoints [81.5 (01/07/24 13:40:00), 77.25 (01/07/24 13:35:00)] were greater than the upper thresholds [60.1, 59.8] (minimum 2 datapoints for OK -> ALARM transition).',
          metricMath: [
            {
              id: 'm1',
              metric: {
                namespace: 'AWS/EC2',
                name: 'CPUUtilization',
                dimensions: { InstanceId: 'i-0abc1234def567890' },
                statistic: 'Average',
                periodSeconds: 300,
              },
              returnData: true,
            },
            { id: 'ad1', expression: 'ANOMALY_DETECTION_BAND(m1, 2)', returnData: true },
          ],
          comparison: 'GreaterThanUpperThreshold',
          evaluationPeriods: 2,
          datapoints: [81.5, 77.25],
        },
      ],
    ],
    [
      'sns-alarm-composite.json',
      [
        {
          kind: 'alarm',
          source: 'sns',
          alarmName: 'web-degraded',
          alarmArn: 'arn:aws:cloudwatch:ap-northeast-1:111122223333:alarm:web-degraded',
          topicArn: 'arn:aws:sns:ap-northeast-1:111122223333:autopilot-alarms',
          region: 'ap-northeast-1',
          account: '111122223333',
          state: 'ALARM',
          previousState: 'OK',
          stateChangeTime: '2024-09-20T02:10:11.321Z',
          reason:
            'arn:aws:cloudwatch:ap-northeast-1:111122223333:alarm:web-latency-high transitioned to ALARM at Friday 20 September, 2024 02:10:11 UTC',
          composite: true,
          datapoints: [],
        },
      ],
    ],
    [
      'sns-multiple-records.json',
      [
        {
          kind: 'alarm',
          source: 'sns',
          alarmName: 'web-cpu-high',
          alarmArn: 'arn:aws:cloudwatch:us-west-2:111122223333:alarm:web-cpu-high',
          topicArn: 'arn:aws:sns:us-west-2:111122223333:autopilot-events',
          region: 'us-west-2',
          account: '111122223333',
          state: 'OK',
          previousState: 'ALARM',
          stateChangeTime: '2024-05-14T09:45:12.640Z',
          reason:
            'Threshold Crossed: 1 out of the last 1 datapoints [12.5 (14/05/24 09:40:00)] was not greater than the threshold (70.0) (minimum 1 datapoint for ALARM -> OK transition).',
          metric: {
            namespace: 'AWS/EC2',
            name: 'CPUUtilization',
            dimensions: { AutoScalingGroupName: 'web-asg' },
            statistic: 'Average',
            periodSeconds: 300,
            unit: 'Percent',
          },
          threshold: 70,
          comparison: 'GreaterThanThreshold',
          evaluationPeriods: 1,
          datapoints: [12.5],
        },
        {
          kind: 'autoscaling-notification',
          event: 'autoscaling:EC2_INSTANCE_LAUNCH',
          autoScalingGroupName: 'web-asg',
          region: 'us-west-2',
          account: '111122223333',
          instanceId: 'i-0c55bedeb30ef1f08',
          time: '2024-05-14T09:31:40.246Z',
          statusCode: 'InProgress',
          cause:
            'At 2024-05-14T09:30:58Z a monitor alarm web-cpu-high in state ALARM triggered policy scale-out changing the desired capacity from 2 to 3.  At 2024-05-14T09:31:01Z an instance was started in response to a difference between desired and actual capacity, increasing the capacity from 2 to 3.',
          description: 'Launching a new EC2 instance: i-0c55bedeb30ef1f08',
        },
      ],
    ],
  ])('%s parses to the expected triggers', (name, expected) => {
    expect(parseEvent(fixture(name))).toEqual(expected);
  });

  describe('documented variants', () => {
    const sample = (change: (message: Json) => void): Json =>
      snsWithMessage('sns-cloudwatch-alarm.json', change);

    it.each<[string, Json, Partial<AlarmTrigger>]>([
      [
        'null Unit',
        sample((m) => ((m.Trigger as Json).Unit = null)),
        { metric: { ...SAMPLE.metric!, unit: undefined } },
      ],
      ['null AlarmDescription', sample((m) => (m.AlarmDescription = null)), {}],
      [
        'upper-case SAMPLE_COUNT statistic',
        sample((m) => ((m.Trigger as Json).Statistic = 'SAMPLE_COUNT')),
        { metric: { ...SAMPLE.metric!, statistic: 'SampleCount' } },
      ],
      [
        'extended statistic kept as written',
        sample((m) =>
          Object.assign(m.Trigger as Json, {
            StatisticType: 'ExtendedStatistic',
            ExtendedStatistic: 'TM(10%:90%)',
            Statistic: undefined,
          }),
        ),
        { metric: { ...SAMPLE.metric!, statistic: 'TM(10%:90%)' } },
      ],
      [
        'missing AlarmArn: account from AWSAccountId',
        sample((m) => delete m.AlarmArn),
        { alarmArn: undefined },
      ],
      [
        'missing AWSAccountId: account from the AlarmArn',
        sample((m) => {
          delete m.AWSAccountId;
          m.AlarmArn = 'arn:aws:cloudwatch:eu-west-2:210987654321:alarm:EXAMPLE';
        }),
        {
          account: '210987654321',
          alarmArn: 'arn:aws:cloudwatch:eu-west-2:210987654321:alarm:EXAMPLE',
          region: 'eu-west-2',
        },
      ],
      ['no OldStateValue', sample((m) => delete m.OldStateValue), { previousState: undefined }],
      [
        'state-change time with a non-UTC offset',
        sample((m) => (m.StateChangeTime = '2015-06-03T19:43:27.123+0200')),
        { stateChangeTime: '2015-06-03T17:43:27.123Z' },
      ],
      [
        'no dimensions',
        sample((m) => ((m.Trigger as Json).Dimensions = [])),
        { metric: { ...SAMPLE.metric!, dimensions: {} } },
      ],
      [
        'composite alarm without TriggeringChildren objects (documented as strings)',
        sample((m) => {
          delete m.Trigger;
          m.AlarmRule = 'ALARM(a) OR ALARM(b)';
          m.TriggeringChildren = ['arn:aws:cloudwatch:us-east-1:123456789012:alarm:a'];
        }),
        {
          metric: undefined,
          threshold: undefined,
          comparison: undefined,
          evaluationPeriods: undefined,
          composite: true,
        },
      ],
    ])('%s', (_name, event, overrides) => {
      expect(parseEvent(event)).toEqual([{ ...SAMPLE, ...overrides }]);
    });
  });

  describe('region resolution: AlarmArn, then display name, then topic, then default', () => {
    const withRegion = (
      region: string,
      arns: { alarm?: string; topic?: string; subscription?: string } = {},
    ): Json => {
      let event = snsWithMessage('sns-cloudwatch-alarm.json', (m) => {
        m.Region = region;
        if (arns.alarm) m.AlarmArn = arns.alarm;
        else delete m.AlarmArn;
      });
      event = edit(event, ['Records', 0, 'Sns', 'TopicArn'], arns.topic ?? 'arn:aws:sns:EXAMPLE');
      return edit(event, ['Records', 0, 'EventSubscriptionArn'], arns.subscription ?? 'arn:aws:sns:EXAMPLE');
    };

    it.each<[string, Json, string | undefined, string | undefined]>([
      [
        'ARN region wins over the display name',
        withRegion('US East (Ohio)', { alarm: 'arn:aws:cloudwatch:eu-west-2:123456789012:alarm:x' }),
        undefined,
        'eu-west-2',
      ],
      ['EU (Ireland)', withRegion('EU (Ireland)'), undefined, 'eu-west-1'],
      ['Europe (Ireland)', withRegion('Europe (Ireland)'), undefined, 'eu-west-1'],
      ['EU - Ireland (old messages)', withRegion('EU - Ireland'), undefined, 'eu-west-1'],
      ['US East (N. Virginia)', withRegion('US East (N. Virginia)'), undefined, 'us-east-1'],
      ['US - N. Virginia (old messages)', withRegion('US - N. Virginia'), undefined, 'us-east-1'],
      ['South America (São Paulo)', withRegion('South America (São Paulo)'), undefined, 'sa-east-1'],
      ['South America (Sao Paulo)', withRegion('South America (Sao Paulo)'), undefined, 'sa-east-1'],
      ['AWS GovCloud (US-West)', withRegion('AWS GovCloud (US-West)'), undefined, 'us-gov-west-1'],
      ['China (Ningxia)', withRegion('China (Ningxia)'), undefined, 'cn-northwest-1'],
      [
        'unknown name falls back to the TopicArn',
        withRegion('Mars (Olympus Mons)', { topic: 'arn:aws:sns:ap-northeast-2:123456789012:alarms' }),
        undefined,
        'ap-northeast-2',
      ],
      [
        'unknown name falls back to the subscription ARN',
        withRegion('Mars (Olympus Mons)', {
          subscription: 'arn:aws:sns:eu-north-1:123456789012:alarms:0d1e2f3a',
        }),
        undefined,
        'eu-north-1',
      ],
      [
        'unknown name and no ARN region falls back to the default',
        withRegion('EXAMPLE'),
        'eu-south-2',
        'eu-south-2',
      ],
      ['nothing known leaves the region unset', withRegion('EXAMPLE'), undefined, undefined],
    ])('%s', (_name, event, defaultRegion, region) => {
      const [trigger] = parseEvent(event, { defaultRegion });
      expect(trigger).toEqual({
        ...SAMPLE,
        alarmArn: (trigger as AlarmTrigger).alarmArn,
        topicArn: (event.Records as { Sns: { TopicArn: string } }[])[0]!.Sns.TopicArn,
        region,
      });
    });
  });

  describe('the delivering topic', () => {
    it('is kept exactly as the record names it', () => {
      const topic = 'arn:aws:sns:eu-west-1:210987654321:ec2-autopilot-prod-alarms';
      const event = edit(fixture('sns-cloudwatch-alarm.json'), ['Records', 0, 'Sns', 'TopicArn'], topic);
      expect(parseEvent(event)).toEqual([{ ...SAMPLE, topicArn: topic, region: 'eu-west-1' }]);
    });

    it('is left unset when a hand-built record names none, and a record without Type is a notification', () => {
      let event = edit(fixture('sns-cloudwatch-alarm.json'), ['Records', 0, 'Sns', 'TopicArn'], REMOVE);
      event = edit(event, ['Records', 0, 'Sns', 'Type'], REMOVE);
      const [trigger] = parseEvent(event);
      expect(trigger).toEqual({ ...SAMPLE, topicArn: undefined });
    });
  });

  describe('malformed messages name the field', () => {
    const message = (change: (m: Json) => void): Json => snsWithMessage('sns-cloudwatch-alarm.json', change);
    const rawMessage = (text: unknown): Json =>
      edit(fixture('sns-cloudwatch-alarm.json'), ['Records', 0, 'Sns', 'Message'], text);

    it.each<[string, unknown, string, string]>([
      [
        'missing AlarmName',
        message((m) => delete m.AlarmName),
        'Records[0].Sns.Message.AlarmName',
        'required',
      ],
      [
        'empty AlarmName',
        message((m) => (m.AlarmName = '')),
        'Records[0].Sns.Message.AlarmName',
        'must not be empty',
      ],
      [
        'unknown NewStateValue',
        message((m) => (m.NewStateValue = 'WARNING')),
        'Records[0].Sns.Message.NewStateValue',
        'expected one of OK, ALARM, INSUFFICIENT_DATA',
      ],
      [
        'unknown OldStateValue',
        message((m) => (m.OldStateValue = 'alarm')),
        'Records[0].Sns.Message.OldStateValue',
        'expected one of OK, ALARM, INSUFFICIENT_DATA',
      ],
      [
        'missing NewStateValue',
        message((m) => delete m.NewStateValue),
        'Records[0].Sns.Message.NewStateValue',
        'required',
      ],
      [
        'unparseable StateChangeTime',
        message((m) => (m.StateChangeTime = '03/06/2015 17:43')),
        'Records[0].Sns.Message.StateChangeTime',
        'expected an ISO-8601 timestamp such as 2019-10-02T17:04:40Z',
      ],
      [
        'NewStateReason not a string',
        message((m) => (m.NewStateReason = 42)),
        'Records[0].Sns.Message.NewStateReason',
        'expected a string',
      ],
      [
        'Trigger with neither MetricName nor Metrics',
        message((m) => delete (m.Trigger as Json).MetricName),
        'Records[0].Sns.Message.Trigger.MetricName',
        'required (or Metrics for a metric-math alarm)',
      ],
      [
        'negative EvaluationPeriods',
        message((m) => ((m.Trigger as Json).EvaluationPeriods = -1)),
        'Records[0].Sns.Message.Trigger.EvaluationPeriods',
        'expected a whole number ≥ 1',
      ],
      [
        'a period of 0 seconds',
        message((m) => ((m.Trigger as Json).Period = 0)),
        'Records[0].Sns.Message.Trigger.Period',
        'expected a positive number of seconds',
      ],
      [
        'Trigger without Namespace',
        message((m) => delete (m.Trigger as Json).Namespace),
        'Records[0].Sns.Message.Trigger.Namespace',
        'required',
      ],
      [
        'Period as text',
        message((m) => ((m.Trigger as Json).Period = '60')),
        'Records[0].Sns.Message.Trigger.Period',
        'expected a number',
      ],
      [
        'dimension value not a string',
        message((m) => ((m.Trigger as Json).Dimensions = [{ name: 'InstanceId', value: 7 }])),
        'Records[0].Sns.Message.Trigger.Dimensions[0].value',
        'expected a string',
      ],
      [
        'metric-math query with neither MetricStat nor Expression',
        snsWithMessage(
          'sns-alarm-metric-math.json',
          (m) => delete ((m.Trigger as Json).Metrics as Json[])[1]!.MetricStat,
        ),
        'Records[0].Sns.Message.Trigger.Metrics[1].MetricStat',
        'required (or Expression)',
      ],
      [
        'Message is not JSON',
        rawMessage('{"AlarmName": "EXAMPLE",'),
        'Records[0].Sns.Message',
        'expected a JSON document',
      ],
      ['Message is a JSON array', rawMessage('[1, 2]'), 'Records[0].Sns.Message', 'expected a JSON object'],
      [
        'Message is plain text',
        rawMessage('Hello from SNS'),
        'Records[0].Sns.Message',
        'expected a JSON document',
      ],
      [
        'Message is not a string',
        rawMessage({ AlarmName: 'x' }),
        'Records[0].Sns.Message',
        'expected a string',
      ],
      ['Message is missing', rawMessage(REMOVE), 'Records[0].Sns.Message', 'required'],
      [
        'Message is neither an alarm, an Auto Scaling notification nor a command',
        rawMessage('{"hello":"world"}'),
        'Records[0].Sns.Message',
        'expected a CloudWatch alarm, an Auto Scaling notification or an ec2-autopilot command (autopilot)',
      ],
      [
        'a SubscriptionConfirmation, even one carrying an alarm',
        edit(fixture('sns-cloudwatch-alarm.json'), ['Records', 0, 'Sns', 'Type'], 'SubscriptionConfirmation'),
        'Records[0].Sns.Type',
        'expected Notification, got "SubscriptionConfirmation": only a notification carries an event to act on',
      ],
      [
        'an UnsubscribeConfirmation as SNS words it',
        edit(
          edit(
            fixture('sns-cloudwatch-alarm.json'),
            ['Records', 0, 'Sns', 'Type'],
            'UnsubscribeConfirmation',
          ),
          ['Records', 0, 'Sns', 'Message'],
          'You have chosen to deactivate subscription arn:aws:sns:EXAMPLE:0d1e2f3a.',
        ),
        'Records[0].Sns.Type',
        'expected Notification, got "UnsubscribeConfirmation": only a notification carries an event to act on',
      ],
      [
        'a SubscriptionConfirmation past the first record',
        edit(fixture('sns-multiple-records.json'), ['Records', 1, 'Sns', 'Type'], 'SubscriptionConfirmation'),
        'Records[1].Sns.Type',
        'expected Notification, got "SubscriptionConfirmation": only a notification carries an event to act on',
      ],
      ['Records not an array', { Records: { Sns: {} } }, 'Records', 'expected an array'],
      ['Records empty', { Records: [] }, 'Records', 'must have at least 1 item'],
      ['a record that is not an object', { Records: [null] }, 'Records[0]', 'expected an object'],
      ['a record without Sns', { Records: [{ EventSource: 'aws:sns' }] }, 'Records[0].Sns', 'required'],
      [
        'a record from another source',
        edit(fixture('sns-cloudwatch-alarm.json'), ['Records', 0, 'EventSource'], 'aws:sqs'),
        'Records[0].EventSource',
        'expected aws:sns',
      ],
      [
        'the first of several records',
        snsWithMessage('sns-multiple-records.json', (m) => (m.NewStateValue = 'BROKEN'), 0),
        'Records[0].Sns.Message.NewStateValue',
        'expected one of OK, ALARM, INSUFFICIENT_DATA',
      ],
      [
        'an index past the first record',
        snsWithMessage('sns-multiple-records.json', (m) => delete m.AutoScalingGroupName, 1),
        'Records[1].Sns.Message.AutoScalingGroupName',
        'required',
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
