/**
 * `start-instance-refresh`: the rollout of an image refresh, an Auto Scaling instance refresh with the
 * policy's preferences. A step of the `refresh-image` workflow: in a plan it is listed for people and
 * shares the workflow's outcome; the workflow applies it through the one executor once the new image is
 * in the group's launch data. Re-verified first: another refresh running on the group is not doubled
 * (the adapter adopts one this operation started after a lost answer).
 */
import { defineAction, need, type Check } from './action-module';

export const startInstanceRefresh = defineAction({
  type: 'start-instance-refresh',
  permissions: ['autoscaling:StartInstanceRefresh'],

  async verify(items, ports) {
    const refreshes = need(ports, 'instanceRefreshes', 'start-instance-refresh');
    return Promise.all(
      items.map(async ({ action: a }): Promise<Check> => {
        if (!a.imageId) return { ok: false, detail: 'no new image to roll out' };
        const active = await refreshes.active(a.autoScalingGroup);
        return active && active.id !== a.adopt
          ? {
              ok: false,
              detail: `instance refresh ${active.id} is ${active.status} on ${a.autoScalingGroup}`,
            }
          : { ok: true };
      }),
    );
  },

  async apply({ action: a }, ports) {
    const started = await need(ports, 'instanceRefreshes', a.type).start(
      a.autoScalingGroup,
      a.preferences,
      a.desired ? { desired: a.desired } : {},
    );
    return {
      status: 'applied',
      detail: `instance refresh ${started.id}${started.adopted ? ' (adopted)' : ''}`,
    };
  },

  line: (a) =>
    `${a.type}  ${a.target}  ${a.autoScalingGroup} → ${a.imageId ?? 'the new image'} (${a.launch}, ≥ ${a.preferences.minHealthyPercentage} % healthy, ${a.preferences.warmupSeconds} s warm-up)`,
  headline: (a, verb, done) =>
    `${verb}${done ? 'rolled' : 'roll'} ${a.imageId ?? 'the new image'} out to ${a.autoScalingGroup}`,
});
