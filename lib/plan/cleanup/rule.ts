/**
 * What a cleanup rule is: a pure function from one region's inventory to the orphans of its category,
 * and (optionally) the one-by-one reads it needs for its few suspects before it can decide. Guards
 * common to every category (protect, exclusions, minimum age, caps) are applied afterwards, in one
 * place (`guards.ts`, `plan.ts`), so that no rule can forget one.
 */
import type { Candidate, CleanupCategory } from '../../model/cleanup';
import type { Inventory, LookupRequest, Tags } from '../../model/inventory';
import type { CategoryPolicy } from '../../policy/cleanup';

export interface RuleContext {
  now: Date;
  /** This category's options (minimum age, lineage `keep`, …). */
  options: CategoryPolicy;
  /** Alarms the policy describes: reconcile owns them, cleanup never touches them. */
  policyAlarms: ReadonlySet<string>;
  /** `<alarmPrefix>-`: alarms this deployment created are named so. */
  alarmPrefix: string;
  /** Auto Scaling groups the policy's targets name. */
  policyGroups: ReadonlySet<string>;
  /** Instances the policy's instance targets name, by id or by tags. */
  policyInstances: ReadonlyArray<{ id: string } | { tags: Tags }>;
  /** The orchestrator's own topics (alarms in, notifications out): never orphans. */
  ownTopics: ReadonlySet<string>;
}

export interface Rule {
  category: CleanupCategory;
  /** Every resource of this kind in the inventory, with its tags where the describe returns them. */
  resources(inv: Inventory): { id: string; tags?: Tags; arn?: string }[];
  /** One-by-one reads for the suspects the bulk describes leave in doubt. */
  lookups?(inv: Inventory, ctx: RuleContext): LookupRequest[];
  find(inv: Inventory, ctx: RuleContext): Candidate[];
}
