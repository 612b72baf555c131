import { parseEvent } from '../../../lib/events/parse-event';
import type { AutoScalingNotificationTrigger } from '../../../lib/events/trigger';
import { REMOVE, edit, fixture, snsWithMessage, validationError } from './helpers';
import type { Json } from './helpers';

const LAUNCH: AutoScalingNotificationTrigger = {
  kind: 'autoscaling-notification',
  event: 'autoscaling:EC2_INSTANCE_LAUNCH',
  autoScalingGroupName: 'web-asg',
  region: 'eu-west-1',
  account: '111122223333',
  instanceId: 'i-0c55bedeb30ef1f08',
  time: '2024-05-14T09:31:40.246Z',
  statusCode: 'InProgress',
  cause:
    'At 2024-05-14T09:30:58Z a monitor alarm web-cpu-high in state ALARM triggered policy scale-out changing the desired capacity from 2 to 3.  At 2024-05-14T09:31:01Z an instance was started in response to a difference between desired and actual capacity, increasing the capacity from 2 to 3.',
  description: 'Launching a new EC2 instance: i-0c55bedeb30ef1f08',
};

describe('Auto Scaling notifications', () => {
  it.each<[string, AutoScalingNotificationTrigger]>([
    [
      'sns-autoscaling-terminate.json',
      {
        kind: 'autoscaling-notification',
        event: 'autoscaling:EC2_INSTANCE_TERMINATE',
        autoScalingGroupName: 'autoscale-group-name',
        region: 'us-east-1',
        account: '123456789123',
        instanceId: 'i-00000000',
        time: '2016-09-16T12:39:01.604Z',
        statusCode: 'InProgress',
        cause:
          'At 2016-09-16T12:37:09Z a user request update of AutoScalingGroup constraints to min: 0, max: 0, desired: 0 changing the desired capacity from 1 to 0.  At 2016-09-16T12:37:38Z an instance was taken out of service in response to a difference between desired and actual capacity, shrinking the capacity from 1 to 0.  At 2016-09-16T12:37:39Z instance i-00000000 was selected for termination.',
        description: 'Terminating EC2 instance: i-00000000',
      },
    ],
    ['sns-autoscaling-launch.json', LAUNCH],
    [
      'sns-autoscaling-launch-error.json',
      {
        kind: 'autoscaling-notification',
        event: 'autoscaling:EC2_INSTANCE_LAUNCH_ERROR',
        autoScalingGroupName: 'web-asg',
        region: 'eu-west-1',
        account: '111122223333',
        // A failed launch has no instance; AWS sends an empty EC2InstanceId.
        time: '2024-05-14T10:02:11.858Z',
        statusCode: 'Failed',
        cause:
          'At 2024-05-14T10:02:09Z an instance was started in response to a difference between desired and actual capacity, increasing the capacity from 2 to 3.',
        description:
          'Launching a new EC2 instance.  Status Reason: We currently do not have sufficient c5.large capacity in the Availability Zone you requested (eu-west-1a). Launching EC2 instance failed.',
      },
    ],
    [
      'sns-autoscaling-test-notification.json',
      {
        kind: 'autoscaling-notification',
        event: 'autoscaling:TEST_NOTIFICATION',
        autoScalingGroupName: 'web-asg',
        region: 'eu-west-1',
        account: '111122223333',
        time: '2024-05-13T15:00:01.930Z',
      },
    ],
    [
      'eventbridge-autoscaling-launch-successful.json',
      {
        kind: 'autoscaling-notification',
        event: 'autoscaling:EC2_INSTANCE_LAUNCH',
        autoScalingGroupName: 'web-asg',
        region: 'us-west-2',
        account: '111122223333',
        instanceId: 'i-1234567890abcdef0',
        time: '2024-05-14T09:31:41.000Z',
        statusCode: 'InProgress',
        cause:
          'At 2024-05-14T09:30:58Z a user request update of AutoScalingGroup constraints to min: 1, max: 4, desired: 3 changing the desired capacity from 2 to 3.',
        description: 'Launching a new EC2 instance: i-1234567890abcdef0',
      },
    ],
    [
      'eventbridge-autoscaling-launch-unsuccessful.json',
      {
        kind: 'autoscaling-notification',
        event: 'autoscaling:EC2_INSTANCE_LAUNCH_ERROR',
        autoScalingGroupName: 'web-asg',
        region: 'us-west-2',
        account: '111122223333',
        time: '2024-05-14T10:02:12.000Z',
        statusCode: 'Failed',
        cause:
          'At 2024-05-14T10:02:09Z an instance was started in response to a difference between desired and actual capacity, increasing the capacity from 2 to 3.',
      },
    ],
  ])('%s parses to the expected trigger', (name, expected) => {
    expect(parseEvent(fixture(name))).toEqual([expected]);
  });

  describe('variants', () => {
    it.each<[string, Json, Partial<AutoScalingNotificationTrigger>]>([
      [
        'no group ARN: region from the topic',
        edit(
          snsWithMessage('sns-autoscaling-launch.json', (m) => delete m.AutoScalingGroupARN),
          ['Records', 0, 'Sns', 'TopicArn'],
          'arn:aws:sns:eu-west-3:111122223333:asg-notifications',
        ),
        { region: 'eu-west-3' },
      ],
      [
        'no AccountId: account from the group ARN',
        snsWithMessage('sns-autoscaling-launch.json', (m) => delete m.AccountId),
        {},
      ],
      [
        'terminate error',
        snsWithMessage('sns-autoscaling-launch.json', (m) =>
          Object.assign(m, { Event: 'autoscaling:EC2_INSTANCE_TERMINATE_ERROR', StatusCode: 'Failed' }),
        ),
        { event: 'autoscaling:EC2_INSTANCE_TERMINATE_ERROR', statusCode: 'Failed' },
      ],
      [
        'EventBridge terminate successful',
        edit(
          fixture('eventbridge-autoscaling-launch-successful.json'),
          ['detail-type'],
          'EC2 Instance Terminate Successful',
        ),
        {
          event: 'autoscaling:EC2_INSTANCE_TERMINATE',
          region: 'us-west-2',
          instanceId: 'i-1234567890abcdef0',
          time: '2024-05-14T09:31:41.000Z',
          cause:
            'At 2024-05-14T09:30:58Z a user request update of AutoScalingGroup constraints to min: 1, max: 4, desired: 3 changing the desired capacity from 2 to 3.',
          description: 'Launching a new EC2 instance: i-1234567890abcdef0',
        },
      ],
    ])('%s', (_name, event, overrides) => {
      expect(parseEvent(event)).toEqual([{ ...LAUNCH, ...overrides }]);
    });
  });

  describe('malformed notifications name the field', () => {
    const message = (change: (m: Json) => void): Json =>
      snsWithMessage('sns-autoscaling-launch.json', change);
    const eventBridge = (path: (string | number)[], value: unknown): Json =>
      edit(fixture('eventbridge-autoscaling-launch-successful.json'), path, value);

    it.each<[string, Json, string, string]>([
      [
        'unknown Event',
        message((m) => (m.Event = 'autoscaling:EC2_INSTANCE_LAUNCHING')),
        'Records[0].Sns.Message.Event',
        'expected one of autoscaling:EC2_INSTANCE_LAUNCH, autoscaling:EC2_INSTANCE_LAUNCH_ERROR, autoscaling:EC2_INSTANCE_TERMINATE, autoscaling:EC2_INSTANCE_TERMINATE_ERROR, autoscaling:TEST_NOTIFICATION',
      ],
      ['missing Event', message((m) => delete m.Event), 'Records[0].Sns.Message.Event', 'required'],
      [
        'missing AutoScalingGroupName',
        message((m) => delete m.AutoScalingGroupName),
        'Records[0].Sns.Message.AutoScalingGroupName',
        'required',
      ],
      ['missing Time', message((m) => delete m.Time), 'Records[0].Sns.Message.Time', 'required'],
      [
        'EC2InstanceId not a string',
        message((m) => (m.EC2InstanceId = 12)),
        'Records[0].Sns.Message.EC2InstanceId',
        'expected a string',
      ],
      [
        'a lifecycle-hook message',
        message((m) => {
          delete m.Event;
          Object.assign(m, {
            LifecycleTransition: 'autoscaling:EC2_INSTANCE_LAUNCHING',
            LifecycleActionToken: 'token',
            LifecycleHookName: 'hook',
          });
        }),
        'Records[0].Sns.Message',
        'Auto Scaling lifecycle hook notifications are not supported',
      ],
      [
        'EventBridge lifecycle action',
        eventBridge(['detail-type'], 'EC2 Instance-launch Lifecycle Action'),
        'detail-type',
        'unsupported value "EC2 Instance-launch Lifecycle Action"',
      ],
      ['EventBridge wrong source', eventBridge(['source'], 'aws.ec2'), 'source', 'expected aws.autoscaling'],
      [
        'EventBridge without the group',
        eventBridge(['detail', 'AutoScalingGroupName'], REMOVE),
        'detail.AutoScalingGroupName',
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
