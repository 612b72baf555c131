/**
 * `set-desired-capacity`: the group's new desired capacity. The target's record is written first, with
 * a condition on its version: that conditional write is what makes two racing decisions give one change.
 */
import { isRetryable } from '../errors';
import { groupRefusal } from '../plan/capacity';
import { defineAction, need, type Check } from './action-module';

export const setDesiredCapacity = defineAction({
  type: 'set-desired-capacity',
  permissions: ['autoscaling:SetDesiredCapacity'],

  async verify(items, ports, ctx) {
    const groups = need(ports, 'groups', 'set-desired-capacity');
    return Promise.all(
      items.map(async ({ action: a }): Promise<Check> => {
        // The group as the plan saw it, when it was read moments ago in this same run; else read again.
        const fresh =
          ctx.basis?.group && ctx.basis.group.name === a.autoScalingGroup
            ? ctx.basis.group
            : await groups.describeGroup(a.autoScalingGroup);
        const refused = groupRefusal(fresh, a.autoScalingGroup, a.direction);
        if (refused || !fresh)
          return { ok: false, detail: refused?.reason ?? `${a.autoScalingGroup} is gone` };
        if (fresh.desiredCapacity !== a.from)
          return {
            ok: false,
            detail: `${a.autoScalingGroup}'s desired capacity changed to ${fresh.desiredCapacity} since the plan (${a.from})`,
          };
        return { ok: true };
      }),
    );
  },

  async apply({ action: a }, ports, ctx) {
    const groups = need(ports, 'groups', a.type);
    const records = need(ports, 'records', a.type);
    const record = ctx.basis?.record ?? (await records.readTarget(a.target));
    const change = {
      at: ctx.now().toISOString(),
      direction: a.direction,
      from: a.from,
      to: a.to,
      ...(ctx.operationKey ? { key: ctx.operationKey } : {}),
    };
    const recorded = await records.recordChange(a.target, record.version, change);
    if (!recorded)
      return { status: 'dropped', detail: `another change to ${a.target} was recorded meanwhile` };
    try {
      await groups.setDesiredCapacity(a.autoScalingGroup, a.to);
    } catch (error) {
      // Not known to have failed (a timeout, a lost answer): the record stays, and a retry of this event
      // finds from the group whether the change landed, and resumes it (plan/capacity.ts).
      if (isRetryable(error)) throw error;
      // AWS refused: nothing changed, so give the cooldown back; the next alarm must not be held back.
      const previous = record.lastActionAt
        ? {
            at: record.lastActionAt,
            direction: record.lastDirection ?? a.direction,
            from: record.lastFrom ?? a.from,
            to: record.lastTo ?? a.from,
            ...(record.lastKey ? { key: record.lastKey } : {}),
          }
        : undefined;
      await records.recordChange(a.target, recorded.version, previous).catch(() => undefined);
      throw error;
    }
    return { status: 'applied' };
  },

  line: (a, cost) => `${a.type}  ${a.target}  ${a.autoScalingGroup} ${a.from} → ${a.to}${cost}`,
  headline: (a, verb, done) =>
    `${verb}${done ? 'scaled' : 'scale'} ${a.autoScalingGroup} ${a.direction} ${a.from} → ${a.to}`,
});
