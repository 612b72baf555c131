/**
 * Image retention's planner, one guard per test: a lineage `web` of six images (web-1 oldest … web-6
 * newest) with `keep: 2`, each with one 8 GiB snapshot, and nothing using any of them unless a test says
 * so. With no guard in the way, web-1 … web-4 are retired.
 */
import type { ImageFacts, InstanceRecord, LaunchTemplateFacts } from '../../../lib/model/inventory';
import { TAGS } from '../../../lib/model/tags';
import {
  planDiscard,
  planRetention,
  retentionLookups,
  retentionMarks,
  type DiscardInput,
  type KeepCause,
  type RetentionInput,
} from '../../../lib/plan/image-retention';

const NOW = new Date('2026-11-27T12:00:00.000Z');
const created = (n: number) => new Date(Date.UTC(2026, 10, n)).toISOString();

const image = (n: number, extra: Partial<ImageFacts> = {}): ImageFacts => ({
  id: `ami-${n}`,
  name: `web-${n}`,
  createdAt: created(n),
  state: 'available',
  public: false,
  snapshots: [{ id: `snap-${n}`, sizeGiB: 8 }],
  ownerId: '123456789012',
  ...extra,
  tags: { [TAGS.lineage]: 'web', [TAGS.managed]: 'true', ...extra.tags },
});

const LINEAGE = [1, 2, 3, 4, 5, 6].map((n) => image(n));
const noShares = (images: ImageFacts[]) => Object.fromEntries(images.map((i) => [i.id, 0]));

const instance = (id: string, imageId: string, state = 'running'): InstanceRecord => ({
  id,
  state,
  imageId,
  volumeIds: [],
  tags: {},
});

const template = (versions: [number, string][], defaultVersion = 1): LaunchTemplateFacts => ({
  id: 'lt-1',
  name: 'web-lt',
  defaultVersion,
  latestVersion: Math.max(...versions.map(([v]) => v)),
  versions: versions.map(([number, imageId]) => ({ number, imageId })),
  tags: {},
});

function input(over: Partial<RetentionInput> = {}): RetentionInput {
  const images = over.images ?? LINEAGE;
  return {
    target: 'web',
    region: 'us-east-1',
    keep: 2,
    retire: 'deregister',
    refreshRunning: false,
    now: NOW,
    images,
    accountImages: images,
    instances: [],
    launchTemplates: [],
    launchConfigurations: [],
    imageShares: noShares(images),
    ...over,
  };
}

const retiredImages = (i: RetentionInput) =>
  planRetention(i)
    .actions.filter((a) => a.category === 'image')
    .map((a) => a.resourceId)
    .sort();

const keptWhy = (i: RetentionInput, id: string) => planRetention(i).kept.find((k) => k.id === id);

describe('planRetention', () => {
  it('keeps the newest `keep` by creation date and retires the others, images then snapshots', () => {
    // Given out of order: the planner sorts by creation date, not by the listing.
    const plan = planRetention(input({ images: [...LINEAGE].reverse() }));
    expect(plan.actions.map((a) => `${a.type} ${a.resourceId}`)).toEqual([
      'deregister-image ami-4',
      'deregister-image ami-3',
      'deregister-image ami-2',
      'deregister-image ami-1',
      'delete-snapshot snap-4',
      'delete-snapshot snap-3',
      'delete-snapshot snap-2',
      'delete-snapshot snap-1',
    ]);
    expect(plan.kept).toEqual([
      expect.objectContaining({ id: 'ami-6', cause: 'newest', why: 'one of the newest 2 of lineage web' }),
      expect.objectContaining({ id: 'ami-5', cause: 'newest' }),
    ]);
    for (const a of plan.actions) {
      expect(a).toMatchObject({ target: 'web', region: 'us-east-1' });
      expect(a.reason).toMatch(/^(Image web-\d \(ami-\d\) of lineage web|8 GiB snapshot of retired image)/);
    }
    expect(plan.actions[0]).toMatchObject({ category: 'image', monthlyCostDeltaUsd: 0 });
    // 8 GiB at $0.05/GB-month, as cleanup prices snapshots.
    expect(plan.actions[4]).toMatchObject({ category: 'snapshot', monthlyCostDeltaUsd: -0.4 });
    expect(plan.monthlyCostDeltaUsd).toBe(-1.6);
  });

  it('keeps an old image a running instance uses', () => {
    const i = input({ instances: [instance('i-run', 'ami-2')] });
    expect(retiredImages(i)).toEqual(['ami-1', 'ami-3', 'ami-4']);
    expect(keptWhy(i, 'ami-2')).toMatchObject({ cause: 'in-use', why: 'used by instance i-run' });
  });

  it('keeps an old image a stopped instance uses (it needs it to start again)', () => {
    const i = input({ instances: [instance('i-stop', 'ami-1', 'stopped')] });
    expect(retiredImages(i)).toEqual(['ami-2', 'ami-3', 'ami-4']);
    expect(keptWhy(i, 'ami-1')?.why).toBe('used by instance i-stop (stopped)');
  });

  it("keeps an old image the launch template's default version uses", () => {
    const i = input({
      launchTemplates: [
        template(
          [
            [1, 'ami-3'],
            [2, 'ami-6'],
          ],
          1,
        ),
      ],
    });
    expect(retiredImages(i)).toEqual(['ami-1', 'ami-2', 'ami-4']);
    expect(keptWhy(i, 'ami-3')?.why).toBe('used by launch template web-lt version 1 (default)');
  });

  it('keeps an old image a version that is neither default nor latest uses', () => {
    const lt = template(
      [
        [1, 'ami-5'],
        [2, 'ami-4'],
        [3, 'ami-6'],
      ],
      3,
    );
    const i = input({ launchTemplates: [lt] });
    expect(retiredImages(i)).toEqual(['ami-1', 'ami-2', 'ami-3']);
    expect(keptWhy(i, 'ami-4')).toMatchObject({
      cause: 'in-use',
      why: 'used by launch template web-lt version 2',
    });
  });

  it('keeps an old image a launch configuration uses', () => {
    const i = input({ launchConfigurations: [{ name: 'web-lc-1', imageId: 'ami-1' }] });
    expect(retiredImages(i)).toEqual(['ami-2', 'ami-3', 'ami-4']);
    expect(keptWhy(i, 'ami-1')?.why).toBe('used by launch configuration web-lc-1');
  });

  it('keeps a protected image, and asks no launch permissions of it', () => {
    const images = LINEAGE.map((i) =>
      i.id === 'ami-2' ? image(2, { tags: { [TAGS.protect]: 'true' } }) : i,
    );
    const i = input({ images });
    expect(retiredImages(i)).toEqual(['ami-1', 'ami-3', 'ami-4']);
    expect(keptWhy(i, 'ami-2')).toMatchObject({
      cause: 'protected',
      why: 'protected (autopilot:protect=true)',
    });
    expect(retentionLookups(i).sort()).toEqual(['ami-1', 'ami-3', 'ami-4']);
  });

  it('keeps an image that is not the orchestrator’s (no autopilot:managed=true)', () => {
    const images = LINEAGE.map((i) =>
      i.id === 'ami-3' ? image(3, { tags: { [TAGS.managed]: 'false' } }) : i,
    );
    expect(keptWhy(input({ images }), 'ami-3')?.cause).toBe('not-managed');
  });

  it('keeps images shared with another account, public, or whose launch permissions are unknown', () => {
    const images = LINEAGE.map((i) => (i.id === 'ami-4' ? image(4, { public: true }) : i));
    const i = input({ images, imageShares: { 'ami-1': 0, 'ami-2': 1 } });
    expect(retiredImages(i)).toEqual(['ami-1']);
    expect(keptWhy(i, 'ami-2')).toMatchObject({
      cause: 'shared',
      why: 'shared with 1 other account or group',
    });
    expect(keptWhy(i, 'ami-3')?.why).toBe('its launch permissions were not read: it may be shared');
    expect(keptWhy(i, 'ami-4')?.cause).toBe('public');
  });

  it('asks the launch permissions of exactly the images the image rule suspects', () => {
    const i = input({ instances: [instance('i-run', 'ami-2')] });
    expect(retentionLookups(i).sort()).toEqual(['ami-1', 'ami-3', 'ami-4']);
  });

  it('retires nothing while an instance refresh runs on the group, and says so', () => {
    const i = input({ refreshRunning: true });
    const plan = planRetention(i);
    expect(plan.actions).toEqual([]);
    expect(plan.kept.map((k) => k.cause)).toEqual([
      'newest',
      'newest',
      'refresh-running',
      'refresh-running',
      'refresh-running',
      'refresh-running',
    ]);
    expect(plan.kept[2]?.why).toMatch(/instance refresh is running/);
    expect(retentionLookups(i)).toEqual([]);
  });

  it('keeps a snapshot another image (of another lineage) is made from, and deletes the rest', () => {
    const copy: ImageFacts = {
      ...image(9),
      id: 'ami-copy',
      tags: {},
      snapshots: [{ id: 'snap-2', sizeGiB: 8 }],
    };
    const plan = planRetention(input({ accountImages: [...LINEAGE, copy] }));
    const snapshots = plan.actions.filter((a) => a.type === 'delete-snapshot').map((a) => a.resourceId);
    expect(snapshots.sort()).toEqual(['snap-1', 'snap-3', 'snap-4']);
    expect(plan.actions.filter((a) => a.type === 'deregister-image')).toHaveLength(4);
    expect(plan.keptSnapshots).toEqual([
      { id: 'snap-2', imageId: 'ami-2', why: 'image ami-copy is made from it too' },
    ]);
  });

  it('deletes a snapshot two retired images share once', () => {
    const images = LINEAGE.map((i) =>
      i.id === 'ami-1' ? image(1, { snapshots: [{ id: 'snap-2', sizeGiB: 8 }] }) : i,
    );
    const plan = planRetention(input({ images }));
    expect(plan.actions.filter((a) => a.resourceId === 'snap-2')).toHaveLength(1);
    expect(plan.keptSnapshots).toEqual([]);
  });

  it('deprecates instead, deleting no snapshot, with `retire: deprecate`', () => {
    const plan = planRetention(input({ retire: 'deprecate', accountImages: undefined }));
    expect(plan.actions.map((a) => `${a.type} ${a.resourceId}`)).toEqual([
      'deprecate-image ami-4',
      'deprecate-image ami-3',
      'deprecate-image ami-2',
      'deprecate-image ami-1',
    ]);
    expect(plan.actions[0]).toMatchObject({ category: 'image', monthlyCostDeltaUsd: 0 });
    expect(plan.actions[0]?.reason).toMatch(/deprecated .*its snapshots stay/);
    expect(retentionMarks(plan.actions, NOW)).toEqual([]);
  });

  it('ignores images of other lineages, and keeps a pending one', () => {
    const other = { ...image(0), id: 'ami-api', tags: { [TAGS.lineage]: 'api', [TAGS.managed]: 'true' } };
    const images = [...LINEAGE.map((i) => (i.id === 'ami-1' ? image(1, { state: 'pending' }) : i)), other];
    const i = input({ images, imageShares: noShares(images) });
    expect(retiredImages(i)).toEqual(['ami-2', 'ami-3', 'ami-4']);
    expect(keptWhy(i, 'ami-1')?.cause).toBe('not-available');
    expect(planRetention(i).kept.map((k) => k.id)).not.toContain('ami-api');
  });

  it('needs every image of the account to delete snapshots', () => {
    expect(() => planRetention(input({ accountImages: undefined }))).toThrow(/accountImages/);
  });

  it('marks, due today, exactly what it deletes', () => {
    const plan = planRetention(input());
    const marks = retentionMarks(plan.actions, NOW);
    expect(marks.map((m) => `${m.category} ${m.resourceId} ${m.deleteAfter}`)).toEqual(
      plan.actions.map((a) => `${a.category} ${a.resourceId} 2026-11-27`),
    );
    expect(marks.every((m) => m.type === 'mark-resource' && m.target === 'web')).toBe(true);
  });

  it('is pure: the same input gives the same plan, and the input is not changed', () => {
    const i = input({ images: [...LINEAGE].reverse() });
    const before = JSON.stringify(i);
    expect(planRetention(i)).toEqual(planRetention(i));
    expect(JSON.stringify(i)).toBe(before);
  });
});

describe('planDiscard', () => {
  const failed = image(7, { state: 'pending' });
  const discard = (over: Partial<DiscardInput> = {}) =>
    planDiscard({
      target: 'web',
      region: 'us-east-1',
      image: failed,
      accountImages: [...LINEAGE, failed],
      instances: [],
      launchTemplates: [],
      launchConfigurations: [],
      imageShares: { 'ami-7': 0 },
      ...over,
    });

  it('deregisters the image (newest and pending as it is) and deletes its snapshots', () => {
    expect(discard().actions.map((a) => `${a.type} ${a.resourceId}`)).toEqual([
      'deregister-image ami-7',
      'delete-snapshot snap-7',
    ]);
  });

  const cases: [string, Partial<DiscardInput>, KeepCause][] = [
    ['used by an instance', { instances: [instance('i-1', 'ami-7')] }, 'in-use'],
    ['protected', { image: image(7, { tags: { [TAGS.protect]: 'true' } }) }, 'protected'],
    ['shared', { imageShares: { 'ami-7': 2 } }, 'shared'],
    ['its launch permissions unknown', { imageShares: {} }, 'shared'],
  ];
  it.each(cases)('keeps it when %s', (_name, over, cause) => {
    const plan = discard(over);
    expect(plan.actions).toEqual([]);
    expect(plan.kept[0]?.cause).toBe(cause);
  });
});
