/**
 * The size of an instance type as its name says it (`t3.micro`, `m5.2xlarge`): enough to see, without
 * asking AWS, that a ladder goes up. Within a family each size has twice the vCPUs or memory of the one
 * before; across families only the size word is compared (a `c5.large` is not bigger than an
 * `m5.xlarge`), and the exact facts are checked against DescribeInstanceTypes before any resize.
 */
const WORDS = ['nano', 'micro', 'small', 'medium', 'large', 'xlarge'] as const;

/** The rank of a type's size, or undefined for a name this does not read (metal, future names). */
export function sizeRank(type: string): number | undefined {
  const size = /^[a-z0-9-]+\.([a-z0-9]+)$/.exec(type)?.[1];
  if (!size) return undefined;
  const word = WORDS.indexOf(size as (typeof WORDS)[number]);
  if (word >= 0) return word;
  const n = /^(\d+)xlarge$/.exec(size)?.[1];
  // 2xlarge is one step above xlarge, 4xlarge two…: log2 of the multiple.
  return n ? WORDS.length - 1 + Math.log2(Number(n)) : undefined;
}

export const familyOf = (type: string): string => type.split('.')[0] ?? type;

/**
 * Why `next` is not bigger than `previous` on a scale-up ladder, or undefined: within a family it must
 * be a larger size, across families not a smaller one.
 */
export function notBigger(previous: string, next: string): string | undefined {
  const a = sizeRank(previous);
  const b = sizeRank(next);
  if (a === undefined || b === undefined) return undefined;
  if (familyOf(previous) === familyOf(next) ? b <= a : b < a)
    return `${next} is not bigger than ${previous} before it: a ladder goes up, smallest first`;
  return undefined;
}
