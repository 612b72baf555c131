/**
 * SNS topics with no subscriptions (confirmed or pending): whatever is published to them reaches no
 * one. Kept: the orchestrator's own topics, and topics an alarm still names as an action (deleting
 * them would make that alarm fail silently; the alarm rule deals with the alarm first). Topic listings
 * carry no tags, so they are read for the suspects only.
 */
import type { Candidate } from '../../../model/cleanup';
import type { Inventory } from '../../../model/inventory';
import { parseArn } from '../facts';
import type { Rule, RuleContext } from '../rule';

/** Every deployment's topics are `ec2-autopilot-<stage>-…`, not only this one's. */
const OWN_TOPIC = /^ec2-autopilot-/;

function suspects(inv: Inventory, ctx: RuleContext): string[] {
  const subscribed = new Set((inv.subscriptions ?? []).map((s) => s.topicArn));
  const named = new Set((inv.alarms ?? []).flatMap((a) => a.actions));
  return (inv.topics ?? [])
    .map((t) => t.arn)
    .filter(
      (arn) =>
        !subscribed.has(arn) &&
        !named.has(arn) &&
        !ctx.ownTopics.has(arn) &&
        !OWN_TOPIC.test(parseArn(arn)?.resource ?? ''),
    );
}

export const topicRule: Rule = {
  category: 'topic',
  resources: (inv) => (inv.topics ?? []).map((t) => ({ id: t.arn })),
  lookups: (inv, ctx) => {
    const arns = suspects(inv, ctx);
    return arns.length > 0 ? [{ kind: 'topic-tags', arns }] : [];
  },
  find(inv, ctx) {
    return suspects(inv, ctx).map((arn): Candidate => {
      const name = parseArn(arn)?.resource ?? arn;
      return {
        category: 'topic',
        id: arn,
        region: inv.region,
        reason: `SNS topic ${name} has no subscriptions: nothing published to it reaches anyone.`,
        ageDays: null,
        monthlyCostUsd: 0,
        tags: inv.lookups.tags[arn] ?? {},
        names: [name],
      };
    });
  },
};
