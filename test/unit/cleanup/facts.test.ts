/** Dates of marks, name patterns, and what AWS writes that the scan reads back. */
import { stoppedAt } from '../../../lib/aws/cleanup/scan-ec2';
import { deleteAfterDate, globMatcher, isDue, markOf, parseArn } from '../../../lib/plan/cleanup/facts';

it.each([
  ['2026-12-04', '2026-12-04T23:59:59.999Z', false],
  ['2026-12-04', '2026-12-05T00:00:00.000Z', true],
  ['2026-12-04T10:00:00Z', '2026-12-04T10:00:00.000Z', true],
  ['2026-12-04T10:00:00Z', '2026-12-04T09:59:59.000Z', false],
])('a mark of %s is due at %s: %s', (mark, now, due) => {
  expect(isDue(mark, new Date(now))).toBe(due);
});

it('writes the mark as the UTC day graceDays from now, and reads only dates back', () => {
  expect(deleteAfterDate(new Date('2026-11-27T23:30:00Z'), 7)).toBe('2026-12-04');
  expect(markOf('2026-12-04')).toBe('2026-12-04');
  expect(markOf('soon')).toBeUndefined();
  expect(markOf('2026-13-45')).toBeUndefined();
  expect(markOf(undefined)).toBeUndefined();
});

it.each([
  ['keep-*', 'keep-data', true],
  ['keep-*', 'not-keep-data', false],
  ['db-?', 'db-1', true],
  ['db-?', 'db-10', false],
  ['a.b', 'axb', false],
  ['(x)', '(x)', true],
])('pattern %s matches %s: %s', (pattern, name, match) => {
  expect(globMatcher(pattern).test(name)).toBe(match);
});

it('reads when an instance stopped from its state transition reason', () => {
  expect(stoppedAt('User initiated (2026-10-01 12:00:00 GMT)')).toBe('2026-10-01T12:00:00Z');
  expect(stoppedAt('User initiated (2026-10-01 12:00:00 UTC)')).toBe('2026-10-01T12:00:00Z');
  expect(stoppedAt('')).toBeUndefined();
});

it('parses ARNs, resource parts with colons included', () => {
  expect(parseArn('arn:aws:sns:eu-west-1:210987654321:alerts:4f1c')).toEqual({
    region: 'eu-west-1',
    account: '210987654321',
    resource: 'alerts:4f1c',
  });
  expect(parseArn('not-an-arn')).toBeUndefined();
});
