import * as z from 'zod';
import { ValidationError } from '../../../lib/errors';
import { firstIssue, formatZodPath, parseWith } from '../../../lib/validation/zod-issue';
import { validationError } from '../events/helpers';

describe('formatZodPath', () => {
  it.each<[PropertyKey[], string]>([
    [[], ''],
    [['Records', 0, 'Sns', 'Message', 'NewStateValue'], 'Records[0].Sns.Message.NewStateValue'],
    [[0, 'a'], '[0].a'],
    [['detail-type'], 'detail-type'],
    [['detail', 'instance-id'], 'detail.instance-id'],
    [['Details', 'Availability Zone'], 'Details.Availability Zone'],
    [['scaling', 'a.b'], 'scaling["a.b"]'],
    [['list', 2, 3], 'list[2][3]'],
    [['', 'x'], '[""].x'],
    [[Symbol('s')], '[Symbol(s)]'],
  ])('%j → %s', (path, expected) => {
    expect(formatZodPath(path)).toBe(expected);
  });
});

describe('firstIssue', () => {
  const issueOf = (
    schema: z.ZodType,
    value: unknown,
    reportInput = false,
  ): { field: string; problem: string } => {
    const result = schema.safeParse(value, { reportInput });
    if (result.success) throw new Error('expected the parse to fail');
    return firstIssue(result.error);
  };

  const policy = z.object({
    name: z.string(),
    mode: z.enum(['scale-up', 'scale-out']),
    targets: z.array(z.object({ min: z.number().int().min(0), max: z.number().max(100) })).min(1),
    tags: z.record(z.string(), z.string()).optional(),
    cooldown: z.union([z.number(), z.string()]).optional(),
    dryRun: z.boolean().optional(),
  });
  const valid = { name: 'web', mode: 'scale-up', targets: [{ min: 1, max: 4 }] };

  it.each<[string, unknown, { field: string; problem: string }]>([
    ['a missing field', { ...valid, name: undefined }, { field: 'name', problem: 'required' }],
    ['a wrong type', { ...valid, name: 3 }, { field: 'name', problem: 'expected a string' }],
    ['an array expected', { ...valid, targets: 'all' }, { field: 'targets', problem: 'expected an array' }],
    ['an object expected at the root', 'web', { field: '', problem: 'expected an object' }],
    [
      'an enum',
      { ...valid, mode: 'sideways' },
      { field: 'mode', problem: 'expected one of scale-up, scale-out' },
    ],
    ['an empty list', { ...valid, targets: [] }, { field: 'targets', problem: 'must have at least 1 item' }],
    [
      'a nested number below its minimum',
      { ...valid, targets: [{ min: -1, max: 4 }] },
      { field: 'targets[0].min', problem: 'must be at least 0' },
    ],
    [
      'a nested number above its maximum',
      { ...valid, targets: [{ min: 1, max: 400 }] },
      { field: 'targets[0].max', problem: 'must be at most 100' },
    ],
    [
      'an integer expected',
      { ...valid, targets: [{ min: 1.5, max: 4 }] },
      { field: 'targets[0].min', problem: 'expected an integer' },
    ],
    ['a record value', { ...valid, tags: { team: 1 } }, { field: 'tags.team', problem: 'expected a string' }],
    [
      'a union of types',
      { ...valid, cooldown: true },
      { field: 'cooldown', problem: 'expected a number or a string' },
    ],
    ['a boolean', { ...valid, dryRun: 'yes' }, { field: 'dryRun', problem: 'expected a boolean' }],
  ])('%s', (_name, value, expected) => {
    expect(issueOf(policy, value)).toEqual(expected);
    expect(issueOf(policy, value, true)).toEqual(expected);
  });

  it('reports an unknown key of a strict object at the key', () => {
    expect(issueOf(z.strictObject({ a: z.string() }), { a: 'x', colour: 'red' })).toEqual({
      field: 'colour',
      problem: 'unknown key',
    });
  });

  it('reports an empty string', () => {
    expect(issueOf(z.object({ a: z.string().min(1) }), { a: '' })).toEqual({
      field: 'a',
      problem: 'must not be empty',
    });
  });

  it('reports a literal', () => {
    expect(issueOf(z.object({ source: z.literal('aws.ec2') }), { source: 'aws.s3' })).toEqual({
      field: 'source',
      problem: 'expected aws.ec2',
    });
  });

  it('reports a discriminated union by its discriminator', () => {
    const schema = z.discriminatedUnion('type', [
      z.object({ type: z.literal('a') }),
      z.object({ type: z.literal('b') }),
    ]);
    expect(issueOf(schema, { type: 'c' })).toEqual({ field: 'type', problem: 'expected one of a, b' });
  });

  it('keeps a custom message', () => {
    const schema = z.object({ n: z.number().refine((n) => n % 2 === 0, { message: 'must be even' }) });
    expect(issueOf(schema, { n: 3 })).toEqual({ field: 'n', problem: 'must be even' });
  });

  it('reports the branch of a union of objects that got furthest', () => {
    const schema = z.union([z.object({ kind: z.literal('a'), size: z.number() }), z.string()]);
    expect(issueOf(schema, { kind: 'a', size: 'big' })).toEqual({
      field: 'size',
      problem: 'expected a number',
    });
  });
});

describe('parseWith', () => {
  it('returns the parsed value', () => {
    expect(parseWith(z.object({ a: z.string() }), { a: 'x', b: 1 })).toEqual({ a: 'x' });
  });

  it('prefixes the field and names the root (event)', () => {
    const schema = z.object({ a: z.string() });
    expect(validationError(() => parseWith(schema, {}, ['Records', 2])).message).toBe(
      'Records[2].a: required',
    );
    expect(validationError(() => parseWith(schema, 7)).message).toBe('(event): expected an object');
  });

  it('throws a ValidationError carrying the ZodError as its cause', () => {
    const error = validationError(() => parseWith(z.string(), 1));
    expect(error).toBeInstanceOf(ValidationError);
    expect(error.cause).toBeInstanceOf(z.ZodError);
  });
});
