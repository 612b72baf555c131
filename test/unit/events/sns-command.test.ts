import { parseEvent } from '../../../lib/events/parse-event';
import type { CommandTrigger } from '../../../lib/events/trigger';
import { REMOVE, edit, validationError } from './helpers';
import type { Json } from './helpers';

const TOPIC = 'arn:aws:sns:eu-west-1:123456789012:ec2-autopilot-prod-alarms';
const MESSAGE_ID = '6f3c7a1e-0b5d-5e2a-9c41-2d8f3e7b9a10';

/** What SNS hands Lambda when `body` is published to the alarm topic (`aws sns publish --message …`). */
function delivered(body: unknown, index = 0): Json {
  const record = (message: unknown, n: number) => ({
    EventSource: 'aws:sns',
    EventVersion: '1.0',
    EventSubscriptionArn: `${TOPIC}:0d1e2f3a-4b5c-6d7e-8f90-a1b2c3d4e5f6`,
    Sns: {
      Type: 'Notification',
      MessageId: n === 0 ? MESSAGE_ID : `${MESSAGE_ID.slice(0, -1)}${n}`,
      TopicArn: TOPIC,
      Subject: null,
      Message: typeof message === 'string' ? message : JSON.stringify(message),
      Timestamp: '2026-11-27T12:03:04.567Z',
      SignatureVersion: '1',
      Signature: 'EXAMPLE',
      SigningCertUrl: 'EXAMPLE',
      UnsubscribeUrl: 'EXAMPLE',
      MessageAttributes: {},
    },
  });
  const other = { autopilot: 'refresh-image', target: 'api' };
  return {
    Records: Array.from({ length: index + 1 }, (_, n) => record(n === index ? body : other, n)),
  };
}

const WEB: CommandTrigger = {
  kind: 'command',
  command: 'refresh-image',
  target: 'web',
  messageId: MESSAGE_ID,
  topicArn: TOPIC,
  region: 'eu-west-1',
  account: '123456789012',
  time: '2026-11-27T12:03:04.567Z',
};

describe('an ec2-autopilot command published to the alarm topic', () => {
  it('is a command trigger carrying its target, the message id and the delivering topic', () => {
    expect(parseEvent(delivered({ autopilot: 'refresh-image', target: 'web' }))).toEqual([WEB]);
  });

  it('keeps the reason given, trimmed, and drops an empty one', () => {
    expect(
      parseEvent(delivered({ autopilot: 'refresh-image', target: 'web', reason: ' release 2.4.1 ' })),
    ).toEqual([{ ...WEB, reason: 'release 2.4.1' }]);
    expect(parseEvent(delivered({ autopilot: 'refresh-image', target: 'web', reason: '' }))).toEqual([WEB]);
  });

  it('takes its region from the topic, else the function’s own; a record without Timestamp has no time', () => {
    let event = edit(
      delivered({ autopilot: 'refresh-image', target: 'web' }),
      ['Records', 0, 'Sns', 'TopicArn'],
      REMOVE,
    );
    event = edit(event, ['Records', 0, 'EventSubscriptionArn'], REMOVE);
    event = edit(event, ['Records', 0, 'Sns', 'Timestamp'], REMOVE);
    const { topicArn: _t, account: _a, time: _time, ...rest } = WEB;
    expect(parseEvent(event, { defaultRegion: 'us-east-2' })).toEqual([{ ...rest, region: 'us-east-2' }]);
  });

  it('is recognised before an alarm: alarm keys in a command are refused as unknown keys', () => {
    const error = validationError(() =>
      parseEvent(delivered({ autopilot: 'refresh-image', target: 'web', AlarmName: 'autopilot-web-high' })),
    );
    expect(error.message).toBe('Records[0].Sns.Message.AlarmName: unknown key');
  });

  it('is one trigger among the records of one delivery', () => {
    const triggers = parseEvent(delivered({ autopilot: 'refresh-image', target: 'web' }, 1));
    expect(triggers.map((t) => (t.kind === 'command' ? t.target : t.kind))).toEqual(['api', 'web']);
  });

  describe('malformed commands are bad input naming the field', () => {
    it.each<[string, Json, string, string]>([
      [
        'the target is missing',
        delivered({ autopilot: 'refresh-image' }),
        'Records[0].Sns.Message.target',
        'required',
      ],
      [
        'the target is empty',
        delivered({ autopilot: 'refresh-image', target: '' }),
        'Records[0].Sns.Message.target',
        'must not be empty',
      ],
      [
        'the target is not a string',
        delivered({ autopilot: 'refresh-image', target: 7 }),
        'Records[0].Sns.Message.target',
        'expected a string',
      ],
      [
        'the target is a list',
        delivered({ autopilot: 'refresh-image', target: ['web', 'api'] }),
        'Records[0].Sns.Message.target',
        'expected a string',
      ],
      [
        'an unknown command',
        delivered({ autopilot: 'reboot', target: 'web' }),
        'Records[0].Sns.Message.autopilot',
        'expected refresh-image',
      ],
      [
        'a command that is not a string',
        delivered({ autopilot: true, target: 'web' }),
        'Records[0].Sns.Message.autopilot',
        'expected refresh-image',
      ],
      [
        'the reason is not a string',
        delivered({ autopilot: 'refresh-image', target: 'web', reason: 42 }),
        'Records[0].Sns.Message.reason',
        'expected a string',
      ],
      [
        'a key the command does not know (it would not do what it says)',
        delivered({ autopilot: 'refresh-image', target: 'web', dryRun: true }),
        'Records[0].Sns.Message.dryRun',
        'unknown key',
      ],
      [
        'a bad command in the second record',
        delivered({ autopilot: 'refresh-image', target: null }, 1),
        'Records[1].Sns.Message.target',
        'expected a string',
      ],
      [
        'no MessageId (a duplicate could not be told from a second request)',
        edit(
          delivered({ autopilot: 'refresh-image', target: 'web' }),
          ['Records', 0, 'Sns', 'MessageId'],
          REMOVE,
        ),
        'Records[0].Sns.MessageId',
        'required',
      ],
      [
        'a Timestamp that is not a time',
        edit(
          delivered({ autopilot: 'refresh-image', target: 'web' }),
          ['Records', 0, 'Sns', 'Timestamp'],
          'today',
        ),
        'Records[0].Sns.Timestamp',
        'expected an ISO-8601 timestamp such as 2019-10-02T17:04:40Z',
      ],
      [
        'a SubscriptionConfirmation carrying a command',
        edit(
          delivered({ autopilot: 'refresh-image', target: 'web' }),
          ['Records', 0, 'Sns', 'Type'],
          'SubscriptionConfirmation',
        ),
        'Records[0].Sns.Type',
        'expected Notification, got "SubscriptionConfirmation": only a notification carries an event to act on',
      ],
      [
        'plain text instead of JSON',
        delivered('refresh-image web'),
        'Records[0].Sns.Message',
        'expected a JSON document',
      ],
    ])('%s', (_name, event, field, problem) => {
      const error = validationError(() => parseEvent(event));
      expect(error.field).toBe(field);
      expect(error.message).toBe(`${field}: ${problem}`);
    });
  });
});
