/** Whether a target's image can be refreshed now, and the plan's two actions. */
import type { InstanceFacts } from '../../../lib/model/instance';
import type { GroupLaunch } from '../../../lib/model/launch';
import { planImageRefresh, type RefreshInput } from '../../../lib/plan/image-refresh';
import { parsePolicy } from '../../../lib/policy/load';
import type { AutoScalingTarget } from '../../../lib/policy/policy';

const target = parsePolicy(`version: 1
targets:
  - name: web
    autoScalingGroup: web-asg
    imageRefresh:
      from: { instance: { tags: { Role: golden } } }
      keep: 2
      rollout: { minHealthyPercentage: 90, warmupSeconds: 300, checkpoints: [50, 100] }
`).targets[0] as AutoScalingTarget;

const golden: InstanceFacts = {
  id: 'i-0golden',
  type: 't3.micro',
  state: 'running',
  tags: { Role: 'golden' },
  securityGroupIds: [],
  volumeIds: [],
  networkInterfaceCount: 1,
};
const template: GroupLaunch = {
  kind: 'launch-template',
  templateId: 'lt-1',
  templateName: 'web',
  version: '7',
  resolvedVersion: 7,
  defaultVersion: 7,
  latestVersion: 4,
  imageId: 'ami-old',
};
const input = (over: Partial<RefreshInput> = {}): RefreshInput => ({
  target,
  sources: [golden],
  launch: template,
  region: 'us-east-1',
  ...over,
});

it('plans the workflow and its rollout with the policy preferences', () => {
  const plan = planImageRefresh(input());
  expect(plan.ignored).toBeUndefined();
  expect(plan.actions).toEqual([
    expect.objectContaining({
      type: 'refresh-image',
      target: 'web',
      autoScalingGroup: 'web-asg',
      sourceInstanceId: 'i-0golden',
      fromImageId: 'ami-old',
      reason: expect.stringContaining('launch template web (a new default version)'),
    }),
    expect.objectContaining({
      type: 'start-instance-refresh',
      partOf: 'refresh-image',
      launch: 'launch-template',
      preferences: {
        minHealthyPercentage: 90,
        warmupSeconds: 300,
        skipMatching: true,
        autoRollback: true,
        checkpoints: [50, 100],
        checkpointDelaySeconds: 3600,
      },
      reason: expect.stringMatching(/pausing at 50, 100 %, rolled back by Auto Scaling if it fails/),
    }),
  ]);
});

it('promises no rollback by Auto Scaling for a group on $Default (AWS allows it only for a pinned version)', () => {
  const plan = planImageRefresh(input({ launch: { ...template, version: '$Default' } }));
  expect(plan.actions[1]!.reason).not.toContain('rolled back');
});

it('says a launch configuration gets a copy, and Auto Scaling does not roll it back', () => {
  const plan = planImageRefresh(input({ launch: { kind: 'launch-configuration', name: 'web-lc' } }));
  expect(plan.actions[0]!.reason).toContain('launch configuration web-lc (a copy with the new image)');
  expect(plan.actions[1]!.reason).not.toContain('rolled back');
});

it.each<[string, Partial<RefreshInput>, RegExp]>([
  ['no group', { launch: undefined }, /the group web-asg does not exist/],
  [
    'a mixed instances policy',
    { launch: { kind: 'unsupported', detail: 'it launches from a mixed instances policy' } },
    /web-asg: it launches from a mixed instances policy/,
  ],
  ['no source instance', { sources: [] }, /no live instance matches web's image source/],
  [
    'two source instances',
    { sources: [golden, { ...golden, id: 'i-0other' }] },
    /2 instances match .*i-0golden, i-0other/,
  ],
  [
    'another operation',
    { lock: { owner: 'refresh-web-x', since: '2026-12-01' } },
    /held by operation refresh-web-x/,
  ],
  [
    'an instance refresh running',
    { active: { id: 'r-1', status: 'InProgress' } },
    /instance refresh r-1 is InProgress on web-asg/,
  ],
])('refuses with %s, as a warning, planning nothing', (_name, over, reason) => {
  const plan = planImageRefresh(input(over));
  expect(plan.actions).toEqual([]);
  expect(plan.ignored).toEqual({ target: 'web', severity: 'warning', reason: expect.stringMatching(reason) });
});
