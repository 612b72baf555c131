import { parseEvent } from '../../../lib/events/parse-event';
import { INSTANCE_STATES } from '../../../lib/events/ec2-state-change';
import type { InstanceStateChangeTrigger } from '../../../lib/events/trigger';
import { REMOVE, edit, fixture, validationError } from './helpers';
import type { Json } from './helpers';

const PENDING: InstanceStateChangeTrigger = {
  kind: 'instance-state-change',
  instanceId: 'i-abcd1111',
  state: 'pending',
  region: 'us-east-1',
  account: '123456789012',
  time: '2021-11-11T21:29:54.000Z',
};

describe('EventBridge EC2 Instance State-change Notification', () => {
  it('eventbridge-ec2-state-change.json parses to the expected trigger', () => {
    expect(parseEvent(fixture('eventbridge-ec2-state-change.json'))).toEqual([PENDING]);
  });

  it.each(INSTANCE_STATES.map((state) => [state]))('state %s', (state) => {
    const event = edit(fixture('eventbridge-ec2-state-change.json'), ['detail', 'state'], state);
    expect(parseEvent(event)).toEqual([{ ...PENDING, state }]);
  });

  describe('malformed events name the field', () => {
    const sample = (path: (string | number)[], value: unknown): Json =>
      edit(fixture('eventbridge-ec2-state-change.json'), path, value);

    it.each<[string, Json, string, string]>([
      [
        'unknown state',
        sample(['detail', 'state'], 'rebooting'),
        'detail.state',
        'expected one of pending, running, stopping, stopped, shutting-down, terminated',
      ],
      ['missing instance-id', sample(['detail', 'instance-id'], REMOVE), 'detail.instance-id', 'required'],
      ['detail not an object', sample(['detail'], []), 'detail', 'expected an object'],
      ['wrong source', sample(['source'], 'aws.autoscaling'), 'source', 'expected aws.ec2'],
      ['missing region', sample(['region'], REMOVE), 'region', 'required'],
    ])('%s', (_name, event, field, problem) => {
      const error = validationError(() => parseEvent(event));
      expect({ field: error.field, message: error.message }).toEqual({
        field,
        message: `${field}: ${problem}`,
      });
    });
  });
});
