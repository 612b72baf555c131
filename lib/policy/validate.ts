/**
 * Validates a policy document already parsed into plain data (from YAML, JSON, or inlined into a Lambda
 * bundle at package time), and resolves it. No file and no YAML here, so a function's cold start does
 * not load a YAML parser.
 */
import { PolicyError } from '../errors';
import { describeZodIssues } from '../validation/zod-issue';
import type { Policy } from './policy';
import { resolvePolicy } from './resolve';
import { PolicyFileSchema } from './schema';

export function validatePolicy(raw: unknown, file: string): Policy {
  // reportInput lets the messages tell a missing field ("required") from one of the wrong type.
  const parsed = PolicyFileSchema.safeParse(raw ?? {}, { reportInput: true });
  if (!parsed.success) throw new PolicyError(file, describeZodIssues(parsed.error.issues));
  const resolved = resolvePolicy(parsed.data);
  if (!resolved.policy) throw new PolicyError(file, resolved.issues);
  return resolved.policy;
}
