/** Inventories and contexts for the cleanup unit tests: only what a test changes is spelt out. */
import { emptyLookups, type Inventory, type Lookups } from '../../../lib/model/inventory';
import type { Candidate } from '../../../lib/model/cleanup';
import type { CleanupInput, RegionScan } from '../../../lib/plan/cleanup/plan';
import { ruleContext } from '../../../lib/plan/cleanup/plan';
import type { RuleContext } from '../../../lib/plan/cleanup/rule';
import { RULES } from '../../../lib/plan/cleanup/rules';
import { parsePolicy } from '../../../lib/policy/load';
import type { CategoryPolicy } from '../../../lib/policy/cleanup';

export const NOW = new Date('2026-11-27T12:00:00.000Z');
export const daysAgo = (n: number) => new Date(NOW.getTime() - n * 86_400_000).toISOString();

/** An inventory's parts, with only the lookups a test sets. */
export type Parts = Omit<Partial<Inventory>, 'lookups'> & { lookups?: Partial<Lookups> };

export function inventory(parts: Parts = {}): Inventory {
  return { region: 'us-east-1', ...parts, lookups: { ...emptyLookups(), ...parts.lookups } } as Inventory;
}

export const POLICY = `
version: 1
targets:
  - name: web
    autoScalingGroup: web-asg
    scaleOut: { when: { above: 70 }, add: 1 }
  - name: wp
    instance: { tags: { Name: wordpress } }
    scaleUp: { when: { above: 80 }, ladder: [t3.small, t3.medium] }
cleanup:
  mode: delete
  categories:
    launchTemplateVersions: { enabled: true }
    instances: { enabled: true, terminate: true }
`;

export function context(options: Partial<CategoryPolicy> = {}, policyText = POLICY): RuleContext {
  const policy = parsePolicy(policyText);
  return ruleContext(
    { policy, now: NOW, ownTopics: ['arn:aws:sns:us-east-1:123456789012:own'] },
    {
      enabled: true,
      minAgeDays: 0,
      keep: 3,
      ...options,
    },
  );
}

export function input(policyText = POLICY, overrides: Partial<CleanupInput> = {}): CleanupInput {
  const policy = parsePolicy(policyText);
  return {
    policy,
    cleanup: policy.cleanup!,
    mode: policy.cleanup!.mode,
    now: NOW,
    ownTopics: [],
    ...overrides,
  };
}

export function scan(inv: Parts, extra: Partial<RegionScan> = {}): RegionScan {
  const i = inventory(inv);
  return { region: i.region, inventory: i, failures: [], tableMarks: {}, ...extra };
}

export const address = (allocationId: string, extra: Record<string, unknown> = {}) => ({
  allocationId,
  publicIp: '203.0.113.10',
  tags: {},
  ...extra,
});

export const volume = (id: string, extra: Record<string, unknown> = {}) => ({
  id,
  state: 'available',
  sizeGiB: 100,
  type: 'gp3',
  createdAt: daysAgo(30),
  attachedTo: [] as string[],
  tags: {},
  ...extra,
});

/** What a category's rule finds in an inventory built from `parts`, with `options` for the category. */
export const found = (
  category: keyof typeof RULES,
  parts: Parts,
  options: Partial<CategoryPolicy> = {},
): Candidate[] => RULES[category].find(inventory(parts), context(options));
