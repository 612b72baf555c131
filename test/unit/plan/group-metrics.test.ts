/** Reconcile turns on the group metrics the dashboard draws for the policy's groups that exist. Pure. */
import { parsePolicy } from '../../../lib/policy/load';
import { planGroupMetrics } from '../../../lib/plan/group-metrics';

const policy = parsePolicy(`
version: 1
targets:
  - name: web
    autoScalingGroup: web-asg
    scaleOut: { when: { above: 70, forMinutes: 5 }, add: 2 }
  - name: api
    autoScalingGroup: api-asg
    scaleOut: { when: { above: 70, forMinutes: 5 }, add: 1 }
  - name: blog
    instance: { tags: { Name: wordpress } }
    scaleUp: { when: { above: 70, forMinutes: 5 }, ladder: [t3.small, t3.medium] }
`);

const groups = (entries: Record<string, { status?: string; enabledMetrics: string[] }>) =>
  new Map(Object.entries(entries));

it('turns on what a group lacks, and nothing for an instance target', () => {
  const actions = planGroupMetrics(
    policy.targets,
    groups({
      'web-asg': { enabledMetrics: ['GroupMaxSize'] },
      'api-asg': { enabledMetrics: ['GroupDesiredCapacity'] },
    }),
  );
  expect(actions).toEqual([
    {
      type: 'enable-group-metrics',
      target: 'web',
      autoScalingGroup: 'web-asg',
      metrics: ['GroupDesiredCapacity', 'GroupInServiceInstances'],
      reason:
        "web-asg does not publish GroupDesiredCapacity and GroupInServiceInstances (the dashboard's capacity graph): turn its group metrics collection on for them (free)",
    },
    expect.objectContaining({
      target: 'api',
      autoScalingGroup: 'api-asg',
      metrics: ['GroupInServiceInstances'],
    }),
  ]);
});

it('does nothing for a group that has them, one that is missing, or one being deleted', () => {
  expect(
    planGroupMetrics(
      policy.targets,
      groups({
        'web-asg': { enabledMetrics: ['GroupInServiceInstances', 'GroupDesiredCapacity', 'GroupMaxSize'] },
        'api-asg': { status: 'Delete in progress', enabledMetrics: [] },
      }),
    ),
  ).toEqual([]);
  expect(planGroupMetrics(policy.targets, groups({}))).toEqual([]);
});
