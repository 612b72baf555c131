import type { InstanceFacts, InstanceTypeFacts } from '../../../lib/model/instance';
import type { InstanceSnapshot } from '../../../lib/model/snapshot';
import { checkCompatibility } from '../../../lib/plan/compatibility';
import { nextRung, planResize, type ResizeInput } from '../../../lib/plan/ladder';
import type { AutoScalingTarget, InstanceTarget, Policy } from '../../../lib/policy/policy';
import { alarm, seedTarget, snapshot as groupSnapshot } from '../../support/builders';

const NOW = new Date('2026-11-27T12:05:00.000Z');
const when = (comparison: 'above' | 'below', threshold: number, forMinutes: number) => ({
  metric: 'CPUUtilization',
  namespace: 'AWS/EC2',
  statistic: 'Average' as const,
  comparison,
  threshold,
  forMinutes,
  periodSeconds: 60,
});

const blog: InstanceTarget = {
  kind: 'instance',
  name: 'blog',
  instance: { tags: { Name: 'wordpress' } },
  scaleUp: { direction: 'high', when: when('above', 70, 5) },
  scaleDown: { direction: 'low', when: when('below', 30, 30) },
  ladder: ['t2.micro', 't2.small', 't2.medium', 't2.large'],
  strategy: 'blue-green',
  reboot: false,
  retire: 'stop',
  cooldownMinutes: 15,
  dryRun: false,
};
const web: AutoScalingTarget = seedTarget();
const policy: Policy = {
  version: 1,
  alarmPrefix: 'autopilot',
  dryRun: false,
  instanceRoles: [],
  notifications: { emails: [] },
  targets: [blog, web],
};

const x86 = (type: string, extra: Partial<InstanceTypeFacts> = {}): InstanceTypeFacts => ({
  type,
  architectures: ['i386', 'x86_64'],
  virtualizationTypes: ['hvm'],
  enaSupport: 'unsupported',
  nvmeSupport: 'unsupported',
  rootDeviceTypes: ['ebs'],
  maxNetworkInterfaces: 3,
  maxEbsAttachments: 27,
  ...extra,
});
const instance = (extra: Partial<InstanceFacts> = {}): InstanceFacts => ({
  id: 'i-0123456789abcdef0',
  type: 't2.micro',
  state: 'running',
  availabilityZone: 'us-east-1a',
  securityGroupIds: ['sg-1'],
  volumeIds: ['vol-1'],
  networkInterfaceCount: 1,
  tags: { Name: 'wordpress' },
  elasticIp: { allocationId: 'eipalloc-1', publicIp: '203.0.113.10' },
  ...extra,
});
const snap = (extra: Partial<InstanceSnapshot> = {}): InstanceSnapshot => ({
  kind: 'instance',
  matches: [instance()],
  types: {
    't2.micro': x86('t2.micro'),
    't2.small': x86('t2.small'),
    't2.medium': x86('t2.medium'),
    't2.large': x86('t2.large'),
  },
  offeredInZone: true,
  record: { target: 'blog', version: 0 },
  ...extra,
});
const plan = (input: Partial<ResizeInput>) =>
  planResize({
    policy,
    trigger: alarm({ alarmName: 'autopilot-blog-high', datapoints: [85] }),
    target: blog,
    rule: blog.scaleUp!,
    snapshot: snap(),
    now: NOW,
    ...input,
  });

describe('the ladder', () => {
  it.each([
    ['t2.micro', 'up', 't2.small'],
    ['t2.large', 'up', undefined],
    ['t2.small', 'down', 't2.micro'],
    ['t2.micro', 'down', undefined],
    ['m5.large', 'up', undefined],
  ] as const)('%s %s → %s', (from, direction, to) => {
    expect(nextRung(blog.ladder, from, direction)).toBe(to);
  });
});

describe('a high alarm on an instance target', () => {
  it('resizes one rung up, blue-green, moving the Elastic IP and re-pointing the alarms', () => {
    const decision = plan({});
    expect(decision.ignored).toBeUndefined();
    expect(decision.actions.map((a) => a.type)).toEqual([
      'resize-instance',
      'move-address',
      'update-alarm',
      'update-alarm',
    ]);
    expect(decision.actions[0]).toMatchObject({
      type: 'resize-instance',
      target: 'blog',
      instanceId: 'i-0123456789abcdef0',
      from: 't2.micro',
      to: 't2.small',
      direction: 'up',
      strategy: 'blue-green',
      publicIp: '203.0.113.10',
      // (0.023 − 0.0116) × 730
      monthlyCostDeltaUsd: 8.32,
      reason:
        'CPUUtilization at 85 % was above 70 for 5 min: resize blog (i-0123456789abcdef0) t2.micro → t2.small, blue-green, keeping 203.0.113.10',
    });
    expect(decision.actions[1]).toMatchObject({
      type: 'move-address',
      allocationId: 'eipalloc-1',
      fromInstance: 'i-0123456789abcdef0',
      partOf: 'resize-instance',
    });
    expect(decision.actions[2]).toMatchObject({
      type: 'update-alarm',
      change: 'repoint',
      alarm: { name: 'autopilot-blog-high', dimensions: { InstanceId: '(replacement)' } },
    });
  });

  it('in place, needs no address move', () => {
    const decision = plan({ target: { ...blog, strategy: 'in-place' } });
    expect(decision.actions.map((a) => a.type)).toEqual(['resize-instance']);
  });

  it('never goes past the top of the ladder', () => {
    const decision = plan({ snapshot: snap({ matches: [instance({ type: 't2.large' })] }) });
    expect(decision.actions).toEqual([]);
    expect(decision.ignored).toMatchObject({
      severity: 'warning',
      reason: expect.stringContaining("already t2.large, the top of blog's ladder"),
    });
  });

  it('escalates to the Auto Scaling target at the top, and says so', () => {
    const decision = plan({
      target: { ...blog, then: { scaleOut: 'web' } },
      snapshot: snap({ matches: [instance({ type: 't2.large' })] }),
      linked: { target: web, snapshot: groupSnapshot({ desiredCapacity: 1 }) },
    });
    expect(decision.actions).toEqual([
      expect.objectContaining({ type: 'set-desired-capacity', target: 'web', from: 1, to: 3 }),
    ]);
    expect(decision.actions[0]!.reason).toMatch(
      /^blog is already t2\.large, the top of its ladder, so web-asg scales out instead: /,
    );
  });

  it.each([
    ['no instance matches', snap({ matches: [] }), 'no live instance matches Name=wordpress', 'warning'],
    [
      'two instances match',
      snap({ matches: [instance(), instance({ id: 'i-0fedcba9876543210' })] }),
      '2 instances match Name=wordpress',
      'warning',
    ],
    [
      'a resize is in flight',
      snap({ lock: { owner: 'op-1', since: '2026-11-27T12:00:00Z' } }),
      'in flight since',
      'info',
    ],
    ['the instance is stopping', snap({ matches: [instance({ state: 'stopping' })] }), 'is stopping', 'info'],
    [
      'the type is off the ladder',
      snap({ matches: [instance({ type: 'm5.large' })] }),
      "not on blog's ladder",
      'warning',
    ],
    [
      'blue-green without an Elastic IP',
      snap({ matches: [instance({ elasticIp: undefined })] }),
      'has no Elastic IP',
      'warning',
    ],
    [
      'the cooldown',
      snap({
        record: {
          target: 'blog',
          version: 1,
          lastActionAt: '2026-11-27T12:00:00.000Z',
          lastDirection: 'up',
          lastFrom: 't2.nano',
          lastTo: 't2.micro',
        },
      }),
      'cooling down until 2026-11-27 12:15 UTC',
      'info',
    ],
  ] as const)('changes nothing when %s', (_name, snapshot, words, severity) => {
    const decision = plan({ snapshot });
    expect(decision.actions).toEqual([]);
    expect(decision.ignored?.severity).toBe(severity);
    expect(decision.ignored?.reason).toContain(words);
  });

  it('refuses an arm64 type for an x86_64 instance, and says why', () => {
    const target = { ...blog, ladder: ['t2.micro', 't4g.small'] };
    const decision = plan({
      target,
      snapshot: snap({
        types: {
          't2.micro': x86('t2.micro'),
          't4g.small': x86('t4g.small', { architectures: ['arm64'], enaSupport: 'required' }),
        },
      }),
    });
    expect(decision.actions).toEqual([]);
    expect(decision.ignored).toMatchObject({ severity: 'warning' });
    expect(decision.ignored?.reason).toContain('resize of i-0123456789abcdef0 t2.micro → t4g.small refused');
    expect(decision.ignored?.reason).toContain('runs i386/x86_64 but t4g.small supports only arm64');
  });
});

describe('a low alarm on an instance target', () => {
  const down = (input: Partial<ResizeInput>) =>
    plan({
      trigger: alarm({ alarmName: 'autopilot-blog-low', datapoints: [12] }),
      rule: blog.scaleDown!,
      ...input,
    });

  it('resizes one rung down', () => {
    const decision = down({ snapshot: snap({ matches: [instance({ type: 't2.medium' })] }) });
    expect(decision.actions[0]).toMatchObject({
      from: 't2.medium',
      to: 't2.small',
      direction: 'down',
      monthlyCostDeltaUsd: -17.08,
    });
  });

  it('never goes below the bottom rung', () => {
    const decision = down({});
    expect(decision.actions).toEqual([]);
    expect(decision.ignored?.reason).toContain("the bottom of blog's ladder");
  });

  it('scales the linked group in first, then the instance down', () => {
    const target = { ...blog, then: { scaleOut: 'web' } };
    const withGroup = down({
      target,
      snapshot: snap({ matches: [instance({ type: 't2.large' })] }),
      linked: { target: web, snapshot: groupSnapshot({ desiredCapacity: 3 }) },
    });
    expect(withGroup.actions).toEqual([
      expect.objectContaining({ type: 'set-desired-capacity', target: 'web', from: 3, to: 2 }),
    ]);
    const atMin = down({
      target,
      snapshot: snap({ matches: [instance({ type: 't2.large' })] }),
      linked: { target: web, snapshot: groupSnapshot({ desiredCapacity: 1 }) },
    });
    expect(atMin.actions[0]).toEqual(
      expect.objectContaining({ type: 'resize-instance', from: 't2.large', to: 't2.medium' }),
    );
  });
});

describe('compatibility checks', () => {
  const check = (
    inst: Partial<InstanceFacts>,
    target: Partial<InstanceTypeFacts>,
    strategy: 'in-place' | 'blue-green' = 'blue-green',
    offered = true,
  ) =>
    checkCompatibility({
      instance: instance(inst),
      current: x86('t2.micro'),
      target: x86('x.large', target),
      offeredInZone: offered,
      strategy,
    });

  it.each([
    ['another architecture', {}, { architectures: ['arm64'] }, 'supports only arm64'],
    [
      "the instance's own architecture wins over its type's",
      { architecture: 'x86_64' },
      { architectures: ['i386'] },
      'runs x86_64',
    ],
    ['unsupported virtualization', { virtualizationType: 'paravirtual' }, {}, 'paravirtual virtualization'],
    ['ENA required but not enabled', {}, { enaSupport: 'required' }, 'requires ENA'],
    ['an instance-store root', { rootDeviceType: 'instance-store' }, {}, 'instance-store root volume'],
    [
      'too many network interfaces',
      { networkInterfaceCount: 4 },
      { maxNetworkInterfaces: 2 },
      '4 network interfaces',
    ],
    ['too many volumes', { volumeIds: ['a', 'b', 'c'] }, { maxEbsAttachments: 2 }, '3 volumes attached'],
  ])('refuses %s', (_name, inst, target, words) => {
    const result = check(inst as Partial<InstanceFacts>, target as Partial<InstanceTypeFacts>);
    expect(result.ok).toBe(false);
    expect(result.problems.join('; ')).toContain(words);
  });

  it('refuses a type not offered in the zone', () => {
    expect(check({}, {}, 'blue-green', false).problems[0]).toContain('not offered in us-east-1a');
  });

  it('refuses in place an instance of an Auto Scaling group, which would replace it', () => {
    expect(check({ autoScalingGroup: 'web-asg' }, {}, 'in-place').problems[0]).toContain(
      'belongs to the Auto Scaling group web-asg',
    );
  });

  it('moving onto NVMe storage: refused in place, a note for blue-green', () => {
    expect(check({ enaSupport: true }, { nvmeSupport: 'required' }, 'in-place').ok).toBe(false);
    const bg = check({ enaSupport: true }, { nvmeSupport: 'required' }, 'blue-green');
    expect(bg.ok).toBe(true);
    expect(bg.notes[0]).toContain('NVMe');
  });

  it('passes a compatible move', () => {
    expect(check({ enaSupport: true, virtualizationType: 'hvm' }, {})).toEqual({
      ok: true,
      problems: [],
      notes: [],
    });
  });
});
