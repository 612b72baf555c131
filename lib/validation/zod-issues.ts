/**
 * Turns zod's issues into the one-line problems the product promises: `targets[0].scaleOut.add:
 * expected a positive integer`. Schemas carry their own wording (`{ error: ... }`) where zod's
 * default would be obscure; the generic cases are worded here.
 */
import type { z } from 'zod';

/** `['targets', 0, 'scaleOut', 'add']` → `targets[0].scaleOut.add`. */
export function formatZodPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else out += out ? `.${String(key)}` : String(key);
  }
  return out;
}

type Issue = z.core.$ZodIssue;

function problem(issue: Issue): string {
  switch (issue.code) {
    case 'unrecognized_keys':
      return `unknown field${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `"${k}"`).join(', ')}`;
    case 'invalid_type':
      // zod reports a missing key as "expected X, received undefined".
      if (issue.input === undefined) return 'required';
      return issue.message.startsWith('Invalid input') ? `expected ${issue.expected}` : issue.message;
    case 'invalid_value':
      return issue.message.startsWith('Invalid')
        ? `expected one of ${issue.values.map((v) => String(v)).join(', ')}`
        : issue.message;
    default:
      return issue.message;
  }
}

/** One line per issue, each `path: problem` (the path is omitted for the document itself). */
export function describeZodIssues(issues: readonly Issue[]): string[] {
  return issues.map((issue) => {
    const path = formatZodPath(issue.path);
    return path ? `${path}: ${problem(issue)}` : problem(issue);
  });
}
