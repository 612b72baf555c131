/**
 * SNS subscriptions whose topic is gone. Deleting a topic deletes its subscriptions in the topic's
 * account; a subscription this account holds to another account's (or region's) topic outlives it.
 * Whether each suspect's topic still exists is asked of SNS (`topic-exists` lookup): a topic this
 * account may not read is not known to be gone, so its subscription is kept.
 */
import type { Candidate } from '../../../model/cleanup';
import type { Inventory } from '../../../model/inventory';
import { parseArn } from '../facts';
import type { Rule } from '../rule';

/** ListSubscriptions shows these instead of an ARN for subscriptions that are not confirmed. */
const NOT_AN_ARN = new Set(['PendingConfirmation', 'Deleted']);

function suspects(inv: Inventory) {
  const topics = new Set((inv.topics ?? []).map((t) => t.arn));
  return (inv.subscriptions ?? []).filter((s) => !NOT_AN_ARN.has(s.arn) && !topics.has(s.topicArn));
}

export const subscriptionRule: Rule = {
  category: 'subscription',
  resources: (inv) => (inv.subscriptions ?? []).map((s) => ({ id: s.arn })),
  lookups: (inv) => {
    const arns = [...new Set(suspects(inv).map((s) => s.topicArn))];
    return arns.length > 0 ? [{ kind: 'topic-exists', arns }] : [];
  },
  find(inv) {
    return suspects(inv)
      .filter((s) => inv.lookups.topics[s.topicArn] === 'gone')
      .map((s): Candidate => ({
        category: 'subscription',
        id: s.arn,
        region: inv.region,
        reason: `Subscription${s.protocol ? ` (${s.protocol}${s.endpoint ? ` ${s.endpoint}` : ''})` : ''} to ${parseArn(s.topicArn)?.resource ?? s.topicArn}, a topic that no longer exists.`,
        ageDays: null,
        monthlyCostUsd: 0,
        tags: {},
        names: [],
        detail: { topicArn: s.topicArn },
      }));
  },
};
