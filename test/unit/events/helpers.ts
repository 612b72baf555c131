import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ValidationError } from '../../../lib/errors';

const FIXTURES = join(__dirname, '../../fixtures/aws-events');

export type Json = Record<string, unknown>;

/** A fresh copy of a fixture under test/fixtures/aws-events, safe to mutate. */
export function fixture(name: string): Json {
  return JSON.parse(readFileSync(join(FIXTURES, name), 'utf8')) as Json;
}

/** Marks a key for removal in `edit`. */
export const REMOVE = Symbol('remove');

/** A copy of `value` with the value at `path` replaced (or removed with REMOVE). */
export function edit(value: unknown, path: readonly (string | number)[], replacement: unknown): Json {
  const copy = structuredClone(value) as Json;
  let node: Record<string | number, unknown> = copy;
  for (const key of path.slice(0, -1)) node = node[key] as Record<string | number, unknown>;
  const last = path[path.length - 1] as string | number;
  if (replacement === REMOVE) delete node[last];
  else node[last] = replacement;
  return copy;
}

/** An SNS fixture whose record `index` has its decoded Message changed by `change`. */
export function snsWithMessage(name: string, change: (message: Json) => void, index = 0): Json {
  const event = fixture(name);
  const record = (event.Records as { Sns: { Message: string } }[])[index];
  if (!record) throw new Error(`${name} has no record ${index}`);
  const message = JSON.parse(record.Sns.Message) as Json;
  change(message);
  record.Sns.Message = JSON.stringify(message);
  return event;
}

/** The ValidationError `run` throws; fails the test when it throws nothing or something else. */
export function validationError(run: () => unknown): ValidationError {
  try {
    run();
  } catch (error) {
    if (error instanceof ValidationError) return error;
    throw new Error(`expected a ValidationError, got ${String(error)}`, { cause: error });
  }
  throw new Error('expected a ValidationError, nothing was thrown');
}
