/**
 * Every error class says its own name as a literal, so that minified bundles (which rename classes)
 * still log and report it; `cause` is kept. The packaged bundle's log is checked in package.test.ts.
 */
import {
  ActionFailedError,
  AutopilotError,
  AwsCallError,
  PolicyError,
  ResizeRefused,
  RetryableFailureError,
  ValidationError,
} from '../../lib/errors';

const cause = new Error('underneath');

describe('error names', () => {
  it.each<[string, AutopilotError]>([
    ['AutopilotError', new AutopilotError('broken', { cause })],
    ['ValidationError', new ValidationError('a.b', 'required', { cause })],
    ['PolicyError', new PolicyError('autopilot.yml', ['targets: required'], { cause })],
    ['AwsCallError', new AwsCallError('DescribeAlarms', 'Throttling', 'slow down', true, { cause })],
    ['ActionFailedError', new ActionFailedError('set-desired-capacity', 'refused', { cause })],
    ['RetryableFailureError', new RetryableFailureError('an action failed', { cause })],
  ])('%s', (name, error) => {
    expect(error.name).toBe(name);
    expect(error.constructor.name).toBe(name);
    expect(error).toBeInstanceOf(AutopilotError);
    expect(error.cause).toBe(cause);
    expect(String(error)).toMatch(new RegExp(`^${name}: `));
  });
});

it('names a refused resize step as the state machine matches it: Refused', () => {
  const error = new ResizeRefused('i-1 has no Elastic IP to move', { cause });
  expect(error.name).toBe('Refused');
  expect(error).toBeInstanceOf(AutopilotError);
  expect(error.retryable).toBe(false);
  expect(error.cause).toBe(cause);
});
