import { parseEvent } from '../../../lib/events/parse-event';
import type { ScheduleTrigger } from '../../../lib/events/trigger';
import { REMOVE, edit, fixture, validationError } from './helpers';
import type { Json } from './helpers';

const RECONCILE: ScheduleTrigger = {
  kind: 'schedule',
  time: '2024-05-14T06:00:00.000Z',
  region: 'eu-west-1',
  account: '111122223333',
  ruleArn: 'arn:aws:events:eu-west-1:111122223333:rule/autopilot-reconcile',
};

describe('EventBridge Scheduled Event', () => {
  const sample = (path: (string | number)[], value: unknown): Json =>
    edit(fixture('eventbridge-scheduled-event.json'), path, value);

  it.each<[string, Json, ScheduleTrigger]>([
    ['eventbridge-scheduled-event.json', fixture('eventbridge-scheduled-event.json'), RECONCILE],
    ['without resources', sample(['resources'], REMOVE), { ...RECONCILE, ruleArn: undefined }],
    ['without detail', sample(['detail'], REMOVE), RECONCILE],
  ])('%s', (_name, event, expected) => {
    expect(parseEvent(event)).toEqual([expected]);
  });

  it.each<[string, Json, string, string]>([
    ['wrong source', sample(['source'], 'aws.scheduler'), 'source', 'expected aws.events'],
    [
      'bad time',
      sample(['time'], '2024-05-14T06:00:00'),
      'time',
      'expected an ISO-8601 timestamp such as 2019-10-02T17:04:40Z',
    ],
    ['resources with a non-string', sample(['resources', 0], 7), 'resources[0]', 'expected a string'],
  ])('malformed: %s', (_name, event, field, problem) => {
    const error = validationError(() => parseEvent(event));
    expect({ field: error.field, message: error.message }).toEqual({
      field,
      message: `${field}: ${problem}`,
    });
  });
});
