/** A blue-green launch refused for the old instance's instance profile says what to change. */
import { ActionFailedError, AwsCallError } from '../../../lib/errors';
import type { InstanceFacts } from '../../../lib/model/instance';
import { passRoleHint } from '../../../lib/workflows/resize-steps';

const old = (profile?: string) =>
  ({
    id: 'i-0abc',
    ...(profile ? { iamInstanceProfileArn: profile } : {}),
  }) as InstanceFacts;

const denied = new AwsCallError(
  'RunInstances',
  'UnauthorizedOperation',
  'You are not authorized to perform this operation.',
  false,
);

it('names the profile and the policy key when the launch is refused', () => {
  const hint = passRoleHint(denied, old('arn:aws:iam::123456789012:instance-profile/web'));
  expect(hint).toBeInstanceOf(ActionFailedError);
  expect((hint as Error).message).toMatch(
    /could not be launched with its instance profile arn:aws:iam::123456789012:instance-profile\/web: list that profile's role in the policy's instanceRoles .*UnauthorizedOperation/,
  );
  expect((hint as Error).cause).toBe(denied);
});

it('leaves other errors, and refusals of instances without a profile, as they are', () => {
  expect(passRoleHint(denied, old())).toBe(denied);
  const throttled = new AwsCallError('RunInstances', 'RequestLimitExceeded', 'slow down', true);
  expect(passRoleHint(throttled, old('arn:aws:iam::1:instance-profile/web'))).toBe(throttled);
});
