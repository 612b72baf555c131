/**
 * The EC2 rules (Elastic IPs, volumes, snapshots, images, stopped instances) against their orphan and
 * the look-alikes that must not be taken for one. Pure: inventories are built by hand, lookups included.
 */
import type { Candidate } from '../../../lib/model/cleanup';
import { RULES } from '../../../lib/plan/cleanup/rules';
import { imageNamedBy } from '../../../lib/plan/cleanup/rules/snapshot';
import { address, daysAgo, found, inventory, context, volume, type Parts } from './builders';

const idsOf = (cs: Candidate[]) => cs.map((c) => c.id);

describe('Elastic IPs', () => {
  const instances = [{ id: 'i-live', state: 'running', volumeIds: [], tags: {} }];
  it.each([
    ['no association', address('eipalloc-idle'), {}, true],
    [
      'associated with a live instance',
      address('eipalloc-a', { associationId: 'a', instanceId: 'i-live' }),
      {},
      false,
    ],
    [
      'on a NAT gateway interface',
      address('eipalloc-n', { associationId: 'a', networkInterfaceId: 'eni-1' }),
      {},
      false,
    ],
    [
      'naming a terminated instance',
      address('eipalloc-t', { associationId: 'a', instanceId: 'i-dead' }),
      { 'i-dead': 'terminated' },
      true,
    ],
    [
      'naming an instance EC2 no longer knows',
      address('eipalloc-m', { associationId: 'a', instanceId: 'i-gone' }),
      { 'i-gone': 'missing' },
      true,
    ],
    [
      'naming an instance still shutting down',
      address('eipalloc-s', { associationId: 'a', instanceId: 'i-s' }),
      { 'i-s': 'shutting-down' },
      false,
    ],
    [
      'naming an instance not looked up',
      address('eipalloc-u', { associationId: 'a', instanceId: 'i-u' }),
      {},
      false,
    ],
  ])('%s', (_, a, states, orphan) => {
    const inv = { addresses: [a], instances, lookups: { instanceStates: states } } as Parts;
    expect(idsOf(found('elastic-ip', inv))).toEqual(orphan ? [a.allocationId] : []);
  });

  it('asks for the state of instances that addresses name but are not live, once each', () => {
    const inv = inventory({
      addresses: [
        address('eipalloc-1', { associationId: 'a', instanceId: 'i-dead' }),
        address('eipalloc-2', { associationId: 'b', instanceId: 'i-dead' }),
        address('eipalloc-3', { associationId: 'c', instanceId: 'i-live' }),
      ],
      instances,
    });
    expect(RULES['elastic-ip'].lookups!(inv, context())).toEqual([
      { kind: 'instance-states', ids: ['i-dead'] },
    ]);
  });

  it('costs $0.005 an hour, 730 hours a month, and carries its mark', () => {
    const [c] = found('elastic-ip', {
      addresses: [address('eipalloc-1', { tags: { 'autopilot:delete-after': '2026-12-04' } })],
    });
    expect(c).toMatchObject({ monthlyCostUsd: 3.65, ageDays: null, markedUntil: '2026-12-04' });
  });
});

describe('volumes', () => {
  it.each([
    ['available', volume('vol-1'), true],
    ['in use', volume('vol-2', { state: 'in-use', attachedTo: ['i-1'] }), false],
    ['creating', volume('vol-3', { state: 'creating' }), false],
  ])('%s', (_, v, orphan) => {
    expect(idsOf(found('volume', { volumes: [v] }))).toEqual(orphan ? [v.id] : []);
  });

  it('says its size and type, prices it, and is as old as the volume', () => {
    const [c] = found('volume', {
      volumes: [volume('vol-1', { type: 'gp3', sizeGiB: 100, iops: 6000, throughputMiBps: 250 })],
    });
    expect(c).toMatchObject({
      reason: '100 GiB gp3 volume attached to no instance.',
      monthlyCostUsd: 28,
      ageDays: 30,
    });
  });
});

describe('snapshots', () => {
  const snap = (id: string, extra: Record<string, unknown> = {}) => ({
    id,
    sizeGiB: 8,
    state: 'completed',
    description: '',
    startedAt: daysAgo(60),
    tags: {},
    ...extra,
  });
  const images = [
    {
      id: 'ami-0aaa',
      state: 'available',
      public: false,
      snapshots: [{ id: 'snap-backs', sizeGiB: 8 }],
      tags: {},
    },
  ];
  const volumes = [volume('vol-live', { state: 'in-use', attachedTo: ['i-1'] })];
  it.each([
    ['of a volume that no longer exists', snap('snap-1', { volumeId: 'vol-gone' }), true],
    ['a backup of a volume that exists', snap('snap-2', { volumeId: 'vol-live' }), false],
    ['backing a registered image', snap('snap-backs', { volumeId: 'vol-gone' }), false],
    [
      'made for an image that is gone',
      snap('snap-3', {
        volumeId: 'vol-live',
        description: 'Created by CreateImage(i-0abc) for ami-0dead from vol-live',
      }),
      true,
    ],
    [
      'made for an image still registered',
      snap('snap-4', { volumeId: 'vol-gone', description: 'Created by CreateImage(i-0abc) for ami-0aaa' }),
      false,
    ],
    [
      'copied for an image that is gone',
      snap('snap-5', {
        volumeId: 'vol-ffffffff',
        description: 'Copied for DestinationAmi ami-0dead from SourceAmi ami-1 for SourceSnapshot snap-x',
      }),
      true,
    ],
    ['a copy with no known source', snap('snap-6', { volumeId: 'vol-ffffffff' }), false],
    ['still pending', snap('snap-7', { volumeId: 'vol-gone', state: 'pending' }), false],
    [
      'owned by a Data Lifecycle Manager policy',
      snap('snap-8', { volumeId: 'vol-gone', tags: { 'aws:dlm:lifecycle-policy-id': 'p' } }),
      false,
    ],
    [
      'made by AWS Backup',
      snap('snap-9', { volumeId: 'vol-gone', description: 'This snapshot is created by AWS Backup.' }),
      false,
    ],
  ])('%s', (_, s, orphan) => {
    expect(idsOf(found('snapshot', { snapshots: [s], images, volumes }))).toEqual(orphan ? [s.id] : []);
  });

  it('reads the image and instance from a CreateImage description', () => {
    expect(imageNamedBy('Created by CreateImage(i-0abc123) for ami-0def456 from vol-0123')).toEqual({
      imageId: 'ami-0def456',
      instanceId: 'i-0abc123',
    });
    expect(imageNamedBy('Auto-created snapshot for AMI ami-1')).toBeUndefined();
  });

  it('prices the archive tier at its own rate', () => {
    const [c] = found('snapshot', {
      snapshots: [snap('snap-1', { volumeId: 'vol-gone', sizeGiB: 100, storageTier: 'archive' })],
      images: [],
      volumes: [],
    });
    expect(c!.monthlyCostUsd).toBe(1.25);
  });
});

describe('images', () => {
  const image = (id: string, extra: Record<string, unknown> = {}) => ({
    id,
    name: id,
    createdAt: daysAgo(60),
    state: 'available',
    public: false,
    snapshots: [{ id: `snap-${id}`, sizeGiB: 10 }],
    tags: {},
    ...extra,
  });
  const base: Parts = {
    instances: [
      { id: 'i-run', state: 'running', imageId: 'ami-run', volumeIds: [], tags: {} },
      { id: 'i-stop', state: 'stopped', imageId: 'ami-stopped', volumeIds: [], tags: {} },
    ],
    launchTemplates: [
      {
        id: 'lt-1',
        name: 'free',
        defaultVersion: 1,
        latestVersion: 2,
        versions: [{ number: 1, imageId: 'ami-old-version' }, { number: 2 }],
        tags: {},
      },
    ],
    launchConfigurations: [{ name: 'lc', imageId: 'ami-lc' }],
  };
  const shares = (ids: string[], n = 0) => Object.fromEntries(ids.map((id) => [id, n]));

  it.each([
    ['used by nothing', 'ami-free', true],
    ['used by a running instance', 'ami-run', false],
    ['used by a stopped instance', 'ami-stopped', false],
    ['used by any version of a template, in a group or not', 'ami-old-version', false],
    ['used by a launch configuration', 'ami-lc', false],
  ])('%s', (_, id, orphan) => {
    const inv = {
      ...base,
      images: [image(id)],
      lookups: { imageShares: shares([id]) },
    } as Parts;
    expect(idsOf(found('image', inv))).toEqual(orphan ? [id] : []);
  });

  it('keeps public images, shared ones, and those whose sharing is unknown', () => {
    const inv = {
      ...base,
      images: [image('ami-public', { public: true }), image('ami-shared'), image('ami-unknown')],
      lookups: { imageShares: { 'ami-shared': 2 } },
    } as Parts;
    expect(found('image', inv)).toEqual([]);
  });

  it('never takes the newest `keep` of a lineage, whatever their age', () => {
    const lineage = (id: string, days: number) =>
      image(id, { createdAt: daysAgo(days), tags: { 'autopilot:lineage': 'web' } });
    const images = [lineage('ami-1', 90), lineage('ami-2', 80), lineage('ami-3', 70), lineage('ami-4', 60)];
    const inv = { images, lookups: { imageShares: shares(images.map((i) => i.id)) } } as Parts;
    expect(idsOf(found('image', inv, { keep: 3 }))).toEqual(['ami-1']);
    expect(idsOf(found('image', inv, { keep: 1 }))).toEqual(['ami-1', 'ami-2', 'ami-3']);
    expect(found('image', inv, { keep: 3 })[0]!.reason).toContain('older than the newest 3 of lineage web');
  });

  it('asks for the launch permissions of old unused images only, and costs what its snapshots hold', () => {
    const inv = inventory({
      ...base,
      images: [image('ami-free'), image('ami-young', { createdAt: daysAgo(1) }), image('ami-run')],
    });
    expect(RULES.image.lookups!(inv, context({ minAgeDays: 30 }))).toEqual([
      { kind: 'image-shares', ids: ['ami-free'] },
    ]);
    const [c] = found('image', {
      ...base,
      images: [image('ami-free')],
      lookups: { imageShares: shares(['ami-free']) },
    } as Parts);
    expect(c!.monthlyCostUsd).toBe(0.5);
  });
});

describe('stopped instances', () => {
  const instance = (id: string, extra: Record<string, unknown> = {}) => ({
    id,
    state: 'stopped',
    stoppedAt: daysAgo(45),
    launchedAt: daysAgo(400),
    volumeIds: [],
    tags: {},
    ...extra,
  });
  it.each([
    ['stopped', instance('i-1'), true],
    ['running', instance('i-2', { state: 'running' }), false],
    ['in a group (a warm pool)', instance('i-3', { tags: { 'aws:autoscaling:groupName': 'g' } }), false],
    ['named by an instance target', instance('i-4', { tags: { Name: 'wordpress' } }), false],
  ])('%s', (_, i, orphan) => {
    expect(idsOf(found('instance', { instances: [i] } as Parts))).toEqual(orphan ? [i.id] : []);
  });

  it('costs what its volumes and addresses are billed, and is as old as its stop', () => {
    const [c] = found('instance', {
      instances: [instance('i-1', { tags: { Name: 'old' } })],
      volumes: [volume('vol-1', { state: 'in-use', attachedTo: ['i-1'], sizeGiB: 50, type: 'gp2' })],
      addresses: [
        { allocationId: 'e', publicIp: '1.2.3.4', associationId: 'a', instanceId: 'i-1', tags: {} },
      ],
    } as Parts);
    expect(c).toMatchObject({ monthlyCostUsd: 8.65, ageDays: 45 });
    expect(c!.reason).toBe(
      `Instance old (i-1) has been stopped since ${daysAgo(45).slice(0, 10)}; its 1 volume (50 GiB) and 1 Elastic IP are still billed.`,
    );
  });
});
