/**
 * The rules of launch configurations and template versions, alarms, topics, subscriptions and empty
 * groups, against their orphan and the look-alikes that must not be taken for one. Pure.
 */
import type { Candidate } from '../../../lib/model/cleanup';
import { RULES } from '../../../lib/plan/cleanup/rules';
import { context, daysAgo, found, inventory, volume, type Parts } from './builders';

const idsOf = (cs: Candidate[]) => cs.map((c) => c.id);

describe('launch configurations and template versions', () => {
  it('finds configurations no group uses', () => {
    const inv = {
      launchConfigurations: [{ name: 'used' }, { name: 'free', imageId: 'ami-1' }],
      groups: [
        {
          name: 'g',
          minSize: 1,
          maxSize: 1,
          desiredCapacity: 1,
          instanceIds: [],
          launchConfigurationName: 'used',
          launchTemplates: [],
          tags: {},
        },
      ],
    } as Parts;
    expect(found('launch-configuration', inv)).toEqual([
      expect.objectContaining({
        id: 'free',
        reason: 'Launch configuration free (image ami-1) is used by no Auto Scaling group.',
      }),
    ]);
  });

  it('finds versions that are neither default nor latest nor used by a group or instance', () => {
    const versions = [1, 2, 3, 4, 5, 6, 7].map((number) => ({ number, createdAt: daysAgo(40) }));
    const group = (version?: string, ref: Record<string, string> = { id: 'lt-1' }) => ({
      name: `g-${version}`,
      minSize: 1,
      maxSize: 1,
      desiredCapacity: 1,
      instanceIds: [],
      launchTemplates: [{ ...ref, ...(version ? { version } : {}) }],
      tags: {},
    });
    const inv = {
      launchTemplates: [{ id: 'lt-1', name: 'app', defaultVersion: 2, latestVersion: 7, versions, tags: {} }],
      groups: [group('3'), group('$Latest'), group(undefined), group('4', { name: 'app' })],
      instances: [
        {
          id: 'i-1',
          state: 'running',
          volumeIds: [],
          tags: {},
          launchTemplate: { id: 'lt-1', version: '5' },
        },
      ],
    } as Parts;
    expect(idsOf(found('launch-template', inv))).toEqual(['lt-1:1', 'lt-1:6']);
  });
});

describe('alarms', () => {
  const alarm = (name: string, extra: Record<string, unknown> = {}) => ({
    name,
    arn: `arn:aws:cloudwatch:us-east-1:123456789012:alarm:${name}`,
    state: 'OK',
    stateUpdatedAt: daysAgo(30),
    configurationUpdatedAt: daysAgo(30),
    dimensions: [],
    actions: [],
    metricCount: 1,
    highResolution: false,
    ...extra,
  });
  const inv = (alarms: unknown[], tags: Record<string, Record<string, string>> = {}) =>
    ({
      alarms,
      instances: [{ id: 'i-live', state: 'stopped', volumeIds: [], tags: {} }],
      groups: [
        {
          name: 'web-asg',
          minSize: 1,
          maxSize: 1,
          desiredCapacity: 1,
          instanceIds: [],
          launchTemplates: [],
          tags: {},
        },
      ],
      volumes: [volume('vol-live')],
      lookups: { tags },
    }) as Parts;
  const own = 'Managed by ec2-autopilot: scale api out';

  it.each([
    ['watching a terminated instance', alarm('a', { dimensions: [{ InstanceId: 'i-dead' }] }), true],
    ['watching a stopped instance', alarm('b', { dimensions: [{ InstanceId: 'i-live' }] }), false],
    [
      'watching a group that is gone',
      alarm('c', { dimensions: [{ AutoScalingGroupName: 'old-asg' }] }),
      true,
    ],
    ['watching a volume that is gone', alarm('d', { dimensions: [{ VolumeId: 'vol-gone' }] }), true],
    [
      'metric math over one metric that is gone',
      alarm('e', { dimensions: [{ InstanceId: 'i-live' }, { InstanceId: 'i-dead' }] }),
      true,
    ],
    ['insufficient data for 30 days', alarm('f', { state: 'INSUFFICIENT_DATA' }), true],
    [
      'insufficient data since yesterday',
      alarm('g', { state: 'INSUFFICIENT_DATA', stateUpdatedAt: daysAgo(1) }),
      false,
    ],
    [
      'in ALARM on something that exists',
      alarm('h', { state: 'ALARM', dimensions: [{ AutoScalingGroupName: 'web-asg' }] }),
      false,
    ],
    [
      "the policy's own, even with no data",
      alarm('autopilot-web-high', {
        state: 'INSUFFICIENT_DATA',
        dimensions: [{ AutoScalingGroupName: 'old' }],
      }),
      false,
    ],
  ])('%s', (_, a, orphan) => {
    expect(idsOf(found('alarm', inv([a]), { minAgeDays: 7 }))).toEqual(orphan ? [a.name] : []);
  });

  it('finds the alarms it created for targets no longer in the policy, proven by its tag', () => {
    const mine = alarm('autopilot-api-high', {
      description: own,
      dimensions: [{ AutoScalingGroupName: 'web-asg' }],
    });
    const copied = alarm('autopilot-copy-high', { description: own });
    const other = alarm('team-api-high', { description: own });
    const tags: Record<string, Record<string, string>> = {
      [mine.arn]: { 'autopilot:managed': 'true', 'autopilot:target': 'api' },
      [copied.arn]: {},
    };
    const cs = found('alarm', inv([mine, copied, other], tags));
    expect(cs.map((c) => [c.id, c.reason])).toEqual([
      [
        'autopilot-api-high',
        'Alarm autopilot-api-high was created by ec2-autopilot for target api, which is no longer in the policy.',
      ],
    ]);
  });

  it('reads the tags of old suspects only, and prices high resolution and metric math', () => {
    const alarms = [
      alarm('a', { dimensions: [{ InstanceId: 'i-dead' }] }),
      alarm('b', { dimensions: [{ InstanceId: 'i-dead' }], configurationUpdatedAt: daysAgo(1) }),
      alarm('c'),
    ];
    expect(RULES.alarm.lookups!(inventory(inv(alarms)), context({ minAgeDays: 7 }))).toEqual([
      { kind: 'alarm-tags', arns: [alarms[0]!.arn] },
    ]);
    const [c] = found(
      'alarm',
      inv([alarm('x', { dimensions: [{ InstanceId: 'i-dead' }], metricCount: 3, highResolution: true })]),
    );
    expect(c!.monthlyCostUsd).toBe(0.9);
  });
});

describe('topics and subscriptions', () => {
  const topic = (name: string) => `arn:aws:sns:us-east-1:123456789012:${name}`;
  it('finds topics with no subscription, except its own and those an alarm names', () => {
    const inv = {
      topics: [
        topic('idle'),
        topic('subscribed'),
        topic('pending'),
        topic('own'),
        topic('ec2-autopilot-prod-alarms'),
        topic('alarmed'),
      ].map((arn) => ({ arn })),
      subscriptions: [
        { arn: `${topic('subscribed')}:1`, topicArn: topic('subscribed') },
        { arn: 'PendingConfirmation', topicArn: topic('pending') },
      ],
      alarms: [
        {
          name: 'a',
          state: 'OK',
          dimensions: [],
          actions: [topic('alarmed')],
          metricCount: 1,
          highResolution: false,
        },
      ],
      lookups: { tags: { [topic('idle')]: { team: 'x' } } },
    } as Parts;
    expect(found('topic', inv)).toEqual([
      expect.objectContaining({ id: topic('idle'), names: ['idle'], tags: { team: 'x' }, monthlyCostUsd: 0 }),
    ]);
  });

  it('finds subscriptions whose topic is gone, not those it cannot check', () => {
    const other = (name: string) => `arn:aws:sns:eu-west-1:210987654321:${name}`;
    const inv = {
      topics: [{ arn: topic('here') }],
      subscriptions: [
        { arn: `${topic('here')}:1`, topicArn: topic('here') },
        {
          arn: `${other('gone')}:2`,
          topicArn: other('gone'),
          protocol: 'https',
          endpoint: 'https://example.com/hook',
        },
        { arn: `${other('private')}:3`, topicArn: other('private') },
        { arn: 'PendingConfirmation', topicArn: other('gone') },
      ],
      lookups: { topics: { [other('gone')]: 'gone', [other('private')]: 'unknown' } },
    } as Parts;
    expect(found('subscription', inv).map((c) => [c.id, c.reason])).toEqual([
      [
        `${other('gone')}:2`,
        'Subscription (https https://example.com/hook) to gone, a topic that no longer exists.',
      ],
    ]);
    expect(RULES.subscription.lookups!(inventory(inv), context())).toEqual([
      { kind: 'topic-exists', arns: [other('gone'), other('private')] },
    ]);
  });
});

describe('Auto Scaling groups at 0/0/0', () => {
  const group = (name: string, extra: Record<string, unknown> = {}) => ({
    name,
    minSize: 0,
    maxSize: 0,
    desiredCapacity: 0,
    instanceIds: [],
    launchTemplates: [],
    createdAt: daysAgo(100),
    tags: {},
    ...extra,
  });
  it.each([
    ['empty', group('empty'), true],
    ['with a maximum', group('max', { maxSize: 2 }), false],
    ['with an instance left', group('left', { instanceIds: ['i-1'] }), false],
    ['being deleted', group('deleting', { status: 'Delete in progress' }), false],
    ['named by the policy', group('web-asg'), false],
    ['with scheduled actions', group('nightly'), false],
  ])('%s', (_, g, orphan) => {
    expect(
      idsOf(
        found('auto-scaling-group', {
          groups: [g],
          lookups: { scheduledGroups: ['nightly'] },
        } as Parts),
      ),
    ).toEqual(orphan ? [g.name] : []);
  });

  it('is as old as its last scaling activity', () => {
    const [c] = found('auto-scaling-group', {
      groups: [group('empty')],
      lookups: { groupActivity: { empty: daysAgo(3) } },
    } as Parts);
    expect(c!.ageDays).toBe(3);
    expect(c!.reason).toContain(`its last scaling activity was ${daysAgo(3).slice(0, 10)}`);
  });
});
