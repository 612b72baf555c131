/**
 * AWS's answer to a deletion, in three words. A "not found" is a resource already gone (someone else
 * deleted it, or a lost answer made us ask twice); an "in use" is AWS refusing because something still
 * depends on it. Anything else is an error.
 */
import { AwsCallError } from '../errors';
import type { Deleted } from '../model/deleted';

const GONE = /NotFound|\.Unavailable$|not found/i;
const IN_USE = /InUse|ResourceInUse|DependencyViolation|ScalingActivityInProgress/;

export function deletedFrom(error: unknown): Deleted | undefined {
  if (!(error instanceof AwsCallError)) return undefined;
  // Auto Scaling says "not found" as a ValidationError (a group or launch configuration deleted meanwhile).
  if (GONE.test(error.code) || (error.code === 'ValidationError' && /not found/i.test(error.message)))
    return { status: 'gone' };
  if (IN_USE.test(error.code)) return { status: 'in-use', code: error.code };
  return undefined;
}

/** Runs one deletion call and reads AWS's answer. */
export async function deletion(run: () => Promise<unknown>): Promise<Deleted> {
  try {
    await run();
    return { status: 'applied' };
  } catch (error) {
    const answer = deletedFrom(error);
    if (answer) return answer;
    throw error;
  }
}

/** A per-item failure some APIs answer in a 200 (DeleteLaunchTemplateVersions): the same three words. */
export function deletedFromCode(operation: string, code: string, message: string): Deleted {
  if (GONE.test(code)) return { status: 'gone' };
  if (IN_USE.test(code)) return { status: 'in-use', code };
  throw new AwsCallError(operation, code, message, false);
}
