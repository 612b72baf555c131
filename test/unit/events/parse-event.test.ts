import { ValidationError } from '../../../lib/errors';
import { parseEvent } from '../../../lib/events/parse-event';
import { fixture, validationError } from './helpers';

describe('parseEvent: recognising the envelope', () => {
  it.each<[string, unknown, string, string]>([
    ['null', null, '(event)', 'expected an object'],
    ['undefined', undefined, '(event)', 'expected an object'],
    ['a number', 42, '(event)', 'expected an object'],
    ['a string', '{"Records": []}', '(event)', 'expected an object'],
    ['an array', [fixture('eventbridge-ec2-state-change.json')], '(event)', 'expected an object'],
    [
      'an empty object',
      {},
      '(event)',
      'unrecognised event: expected an SNS event (Records), an EventBridge event (detail-type) or a CloudWatch alarm action (alarmData)',
    ],
    [
      'an EventBridge Scheduler default payload',
      { kind: 'schedule' },
      '(event)',
      'unrecognised event: expected an SNS event (Records), an EventBridge event (detail-type) or a CloudWatch alarm action (alarmData)',
    ],
    [
      'an unsupported detail-type',
      { 'detail-type': 'Foo', source: 'aws.foo' },
      'detail-type',
      'unsupported value "Foo"',
    ],
    [
      'an alarm configuration change',
      {
        ...fixture('eventbridge-alarm-state-change.json'),
        'detail-type': 'CloudWatch Alarm Configuration Change',
      },
      'detail-type',
      'unsupported value "CloudWatch Alarm Configuration Change"',
    ],
    ['a detail-type that is not a string', { 'detail-type': 7 }, 'detail-type', 'expected a string'],
    ['an alarm action without alarmArn', { source: 'aws.cloudwatch', alarmData: {} }, 'alarmArn', 'required'],
  ])('%s', (_name, event, field, problem) => {
    const error = validationError(() => parseEvent(event));
    expect({ field: error.field, message: error.message }).toEqual({
      field,
      message: `${field}: ${problem}`,
    });
  });

  it('wraps the zod error as the cause instead of leaking it', () => {
    const error = validationError(() => parseEvent({ Records: 'nope' }));
    expect(error).toBeInstanceOf(ValidationError);
    expect(error.name).toBe('ValidationError');
    expect(error.retryable).toBe(false);
    expect((error.cause as Error).name).toBe('ZodError');
  });
});
