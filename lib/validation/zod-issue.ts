/**
 * Turns zod's issues into the one-line `field: problem` that ValidationError carries.
 *
 * zod's own messages ("Invalid input: expected string, received undefined") are written for
 * developers; an operator reading an e-mail or a CLI error wants `Records[0].Sns.Message.AlarmName:
 * required`, or `targets[0].scaleOut.add: expected a positive integer` in a policy file.
 */
// The zod core that zod/mini is built on, imported by name: `z.core.…` through the zod/mini namespace
// would put all of it, locales included, in the bundle.
import { $constructor, $ZodError, _safeParse } from 'zod/v4/core';
import type { $ZodIssue, $ZodType, output } from 'zod/v4/core';
import { ValidationError } from '../errors';

type Issue = $ZodIssue;

/**
 * The error a failed parse carries as its cause. zod/mini's own is named `$ZodError`; this is the same
 * core error under the name classic zod gives it (`ZodError`, which `instanceof ZodError` also
 * recognises), so a logged or inspected cause reads as it did before the schemas moved to zod/mini.
 */
const ZodError = $constructor<$ZodError>(
  'ZodError',
  (inst, issues) => {
    $ZodError.init(inst, issues);
    inst.name = 'ZodError';
  },
  undefined,
  { Parent: Error },
);
const safeParse = _safeParse(ZodError);

const IDENTIFIER = /^[^.[\]]+$/;

/** `['Records', 0, 'Sns', 'Message']` → `Records[0].Sns.Message`; `[]` → `''` (the root). */
export function formatZodPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') {
      out += `[${key}]`;
    } else if (typeof key === 'symbol') {
      out += `[${key.toString()}]`;
    } else if (IDENTIFIER.test(key)) {
      // Keys such as `detail-type` or `Availability Zone` stay readable rather than bracket-quoted.
      out += out === '' ? key : `.${key}`;
    } else {
      out += `[${JSON.stringify(key)}]`;
    }
  }
  return out;
}

/** The first issue of a failed parse, as a field path and a short human problem. */
export function firstIssue(error: $ZodError): { field: string; problem: string } {
  const { path, problem } = describeIssues(error.issues);
  return { field: formatZodPath(path), problem };
}

/**
 * Parses `value` with `schema`, or throws a ValidationError whose field is `prefix` joined with the
 * issue's path (`(event)` when both are empty).
 */
export function parseWith<S extends $ZodType>(
  schema: S,
  value: unknown,
  prefix: readonly PropertyKey[] = [],
): output<S> {
  // reportInput lets the formatter tell a missing field ("required") from one of the wrong type.
  const result = safeParse(schema, value, { reportInput: true });
  if (result.success) return result.data;
  const { path, problem } = describeIssues(result.error.issues);
  throw new ValidationError(formatZodPath([...prefix, ...path]) || '(event)', problem, {
    cause: result.error,
  });
}

function describeIssues(issues: readonly Issue[]): { path: PropertyKey[]; problem: string } {
  const issue = issues[0];
  if (!issue) return { path: [], problem: 'invalid value' };
  return describeIssue(issue);
}

/** One line per issue, each `path: problem` (just the problem for the document itself): for the policy file. */
export function describeZodIssues(issues: readonly Issue[]): string[] {
  return issues.map((issue) => {
    const { path, problem } = describeIssue(issue);
    const field = formatZodPath(path);
    return field ? `${field}: ${problem}` : problem;
  });
}

/**
 * zod's own English messages start like these, and so does `Invalid input`, the only message zod/mini
 * writes when no locale is loaded (as in the Lambda bundles); anything else was written by a schema
 * (`{ error: … }`) for its readers, and is kept as it is.
 */
const ZOD_DEFAULT_MESSAGE = /^(Invalid|Too (small|big)|Unrecognized|Expected|Number must|String must)/;

function describeIssue(issue: Issue): { path: PropertyKey[]; problem: string } {
  const path = [...issue.path];
  if (issue.code !== 'unrecognized_keys' && !ZOD_DEFAULT_MESSAGE.test(issue.message)) {
    return { path, problem: issue.message };
  }
  switch (issue.code) {
    case 'invalid_type':
      return { path, problem: isMissing(issue) ? 'required' : `expected ${withArticle(issue.expected)}` };
    case 'invalid_value':
      if (isMissing(issue)) return { path, problem: 'required' };
      return { path, problem: expectedOneOf(issue.values) };
    case 'invalid_union':
      return describeUnion(issue, path);
    case 'too_small':
      return { path, problem: tooSmall(issue) };
    case 'too_big':
      return { path, problem: tooBig(issue) };
    case 'invalid_format':
      return {
        path,
        problem:
          issue.format === 'regex'
            ? `does not match ${issue.pattern ?? 'the expected pattern'}`
            : `expected ${withArticle(issue.format)}`,
      };
    case 'not_multiple_of':
      return { path, problem: `must be a multiple of ${issue.divisor}` };
    case 'unrecognized_keys':
      return {
        path: [...path, issue.keys[0] ?? ''],
        problem: issue.keys.length > 1 ? `unknown key (and ${issue.keys.length - 1} more)` : 'unknown key',
      };
    case 'invalid_key':
    case 'invalid_element': {
      const inner = describeIssues(issue.issues);
      return { path: [...path, ...inner.path], problem: inner.problem };
    }
    case 'custom':
      return { path, problem: issue.message };
  }
}

/**
 * A union fails as a whole; say what any branch would have accepted when every branch rejected the
 * value's type at the same place, otherwise report the branch that got furthest into the value.
 */
function describeUnion(
  issue: Extract<Issue, { code: 'invalid_union' }>,
  path: PropertyKey[],
): { path: PropertyKey[]; problem: string } {
  if ('options' in issue && issue.options) {
    return { path, problem: isMissing(issue) ? 'required' : expectedOneOf(issue.options) };
  }
  if (isMissing(issue)) return { path, problem: 'required' };
  const branches = issue.errors
    .map((branch) => branch[0])
    .filter((first): first is Issue => first !== undefined);
  const typeOnly = branches.every((b) => b.code === 'invalid_type' && b.path.length === 0);
  if (typeOnly && branches.length > 0) {
    const expected = branches.map((b) =>
      withArticle((b as Extract<Issue, { code: 'invalid_type' }>).expected),
    );
    return { path, problem: `expected ${joinOr(expected)}` };
  }
  const deepest = branches.reduce<Issue | undefined>(
    (best, b) => (best === undefined || b.path.length > best.path.length ? b : best),
    undefined,
  );
  if (!deepest) return { path, problem: 'invalid value' };
  const inner = describeIssue(deepest);
  return { path: [...path, ...inner.path], problem: inner.problem };
}

function isMissing(issue: Issue): boolean {
  // With reportInput the issue carries the input; without it only classic zod's English message says so.
  // lib/ always parses with reportInput, since zod/mini loads no locale and its message says nothing.
  if ('input' in issue) return issue.input === undefined;
  return /received undefined$/.test(issue.message);
}

function expectedOneOf(values: readonly unknown[]): string {
  const shown = values.map((v) => (typeof v === 'string' ? v : String(v)));
  return shown.length === 1 ? `expected ${shown[0]}` : `expected one of ${shown.join(', ')}`;
}

function tooSmall(issue: Extract<Issue, { code: 'too_small' }>): string {
  const min = Number(issue.minimum);
  if (issue.origin === 'string')
    return min <= 1 ? 'must not be empty' : `must have at least ${min} characters`;
  if (issue.origin === 'array' || issue.origin === 'set')
    return `must have at least ${min} item${min === 1 ? '' : 's'}`;
  return issue.inclusive === false ? `must be greater than ${min}` : `must be at least ${min}`;
}

function tooBig(issue: Extract<Issue, { code: 'too_big' }>): string {
  const max = Number(issue.maximum);
  if (issue.origin === 'string') return `must have at most ${max} characters`;
  if (issue.origin === 'array' || issue.origin === 'set')
    return `must have at most ${max} item${max === 1 ? '' : 's'}`;
  return issue.inclusive === false ? `must be less than ${max}` : `must be at most ${max}`;
}

function withArticle(noun: string): string {
  if (noun === 'null' || noun === 'undefined') return noun;
  if (noun === 'int') return 'an integer';
  return /^[aeiou]/i.test(noun) ? `an ${noun}` : `a ${noun}`;
}

function joinOr(items: readonly string[]): string {
  const unique = [...new Set(items)];
  if (unique.length <= 1) return unique[0] ?? '';
  return `${unique.slice(0, -1).join(', ')} or ${unique[unique.length - 1]}`;
}
