/**
 * `enable-group-metrics`: reconcile turns on the group metrics the dashboard draws (desired and
 * in-service capacity) for a group the policy names. EnableMetricsCollection adds to what is enabled,
 * so a repeat is harmless and the group's other metrics stay on.
 */
import { defineAction, need } from './action-module';

export const enableGroupMetrics = defineAction({
  type: 'enable-group-metrics',
  permissions: ['autoscaling:EnableMetricsCollection'],

  async apply({ action: a }, ports) {
    await need(ports, 'groups', a.type).enableMetrics(a.autoScalingGroup, a.metrics);
    return { status: 'applied' };
  },

  line: (a, cost) => `${a.type}  ${a.target}  ${a.autoScalingGroup}: ${a.metrics.join(', ')}${cost}`,
  headline: (a, verb) => `${verb}turn on ${a.autoScalingGroup}'s group metrics (${a.metrics.join(', ')})`,
});
