/**
 * The cleanup planner's guards and lifecycle, table by table: protect, exclusions (tags, ids, name
 * patterns), minimum ages, caps per run and per category, the three modes and the mark's date, unmarking
 * what is in use again, and a failed scan that acts on nothing.
 */
import { planCleanup, type CleanupPlan } from '../../../lib/plan/cleanup/plan';
import { address, daysAgo, input, NOW, scan, volume, type Parts } from './builders';

const DELETE_AFTER = '2026-12-04';
const marked = (date = '2026-11-20') => ({ 'autopilot:delete-after': date });

const policy = (cleanup: string) => `version: 1\ncleanup:\n${cleanup}`;
const plan = (inv: Parts, cleanup = '  mode: mark\n', extra = {}): CleanupPlan =>
  planCleanup([scan(inv, extra)], input(policy(cleanup)));
const actions = (p: CleanupPlan) => Object.fromEntries(p.findings.map((f) => [f.id, f.action]));

describe('guards', () => {
  it('autopilot:protect=true: listed as protected, never marked nor deleted, whatever the mode', () => {
    const inv = {
      addresses: [
        address('eipalloc-p', { tags: { 'autopilot:protect': 'true', ...marked() } }),
        address('eipalloc-q', { tags: { 'autopilot:protect': 'TRUE' } }),
      ],
    };
    for (const mode of ['report', 'mark', 'delete']) {
      const p = plan(inv, `  mode: ${mode}\n`);
      expect(p.findings.map((f) => [f.id, f.protected, f.action])).toEqual([
        ['eipalloc-p', true, 'keep'],
        ['eipalloc-q', true, 'keep'],
      ]);
      expect(p.changes).toEqual([]);
      expect(p.unmarked).toEqual([]);
    }
  });

  it.each([
    ['a tag', '  exclude: { tags: { Environment: prod } }\n', { tags: { Environment: 'prod' } }],
    ['a tag with any value', "  exclude: { tags: { Owner: '*' } }\n", { tags: { Owner: 'someone' } }],
    ['an id', '  exclude: { ids: [vol-excluded] }\n', { id: 'vol-excluded' }],
    ['a name pattern on the Name tag', "  exclude: { names: ['keep-*'] }\n", { tags: { Name: 'keep-data' } }],
    ['a one-character wildcard', "  exclude: { names: ['db-?'] }\n", { tags: { Name: 'db-1' } }],
  ])('excludes by %s: not listed, counted as excluded', (_, exclude, look) => {
    const v = volume((look as { id?: string }).id ?? 'vol-excluded', {
      tags: (look as { tags?: object }).tags ?? {},
    });
    const p = plan({ volumes: [v, volume('vol-other')] }, `  mode: mark\n${exclude}`);
    expect(p.findings.map((f) => f.id)).toEqual(['vol-other']);
    expect(p.stats.volume).toEqual({ scanned: 2, orphans: 1, tooYoung: 0, excluded: 1 });
  });

  it('does not exclude on a partial name or another tag value', () => {
    const p = plan(
      { volumes: [volume('vol-1', { tags: { Name: 'not-keep-data', Environment: 'production' } })] },
      "  mode: mark\n  exclude: { names: ['keep-*'], tags: { Environment: prod } }\n",
    );
    expect(p.findings.map((f) => f.id)).toEqual(['vol-1']);
  });

  it.each([
    [6.9, false],
    [7, true],
    [30, true],
  ])('minimum age 7 days: a volume %s days old is an orphan: %s', (days, orphan) => {
    const p = plan(
      { volumes: [volume('vol-1', { createdAt: daysAgo(days) })] },
      '  mode: mark\n  minAgeDays: { volumes: 7 }\n',
    );
    expect(p.findings.map((f) => f.id)).toEqual(orphan ? ['vol-1'] : []);
    expect(p.stats.volume!.tooYoung).toBe(orphan ? 0 : 1);
  });

  it('has no minimum age where AWS gives no date (Elastic IPs)', () => {
    expect(plan({ addresses: [address('eipalloc-1')] }).findings.map((f) => f.ageDays)).toEqual([null]);
  });

  it('caps changes per run, keeping the biggest savings, and per category', () => {
    const inv = {
      addresses: [address('eipalloc-1'), address('eipalloc-2'), address('eipalloc-3')],
      volumes: [
        volume('vol-100', { sizeGiB: 100 }),
        volume('vol-50', { sizeGiB: 50 }),
        volume('vol-10', { sizeGiB: 10 }),
      ],
    };
    const p = plan(
      inv,
      '  mode: mark\n  maxDeletionsPerRun: 3\n  minAgeDays: { volumes: 0 }\n  categories: { volumes: { maxPerRun: 1 } }\n',
    );
    // vol-100 ($8) first; vol-50 ($4) is over its category's cap; then two of the $3.65 addresses.
    expect(actions(p)).toEqual({
      'vol-100': 'mark',
      'vol-50': 'report',
      'vol-10': 'report',
      'eipalloc-1': 'mark',
      'eipalloc-2': 'mark',
      'eipalloc-3': 'report',
    });
    expect(p.findings.find((f) => f.id === 'vol-50')!.detail).toBe(
      "over this run's cap (categories.volumes.maxPerRun 1)",
    );
    expect(p.findings.find((f) => f.id === 'eipalloc-3')!.detail).toBe(
      "over this run's cap (maxDeletionsPerRun 3)",
    );
    expect(p.changes.filter((c) => c.kind === 'mark')).toHaveLength(3);
  });

  it('caps deletions the same way: the rest waits for the next run', () => {
    const inv = { addresses: [1, 2, 3].map((n) => address(`eipalloc-${n}`, { tags: marked() })) };
    const p = plan(inv, '  mode: delete\n  maxDeletionsPerRun: 2\n');
    expect(Object.values(actions(p)).sort()).toEqual(['delete', 'delete', 'wait']);
  });
});

describe('the lifecycle', () => {
  const inv = {
    addresses: [
      address('eipalloc-new'),
      address('eipalloc-due', { tags: marked('2026-11-20') }),
      address('eipalloc-today', { tags: marked('2026-11-27') }),
    ],
  };

  it('report changes nothing and shows the marks already there', () => {
    const p = plan(inv, '  mode: report\n');
    expect(actions(p)).toEqual({
      'eipalloc-new': 'report',
      'eipalloc-due': 'report',
      'eipalloc-today': 'report',
    });
    expect(p.findings.find((f) => f.id === 'eipalloc-due')!.deleteAfter).toBe('2026-11-20');
    expect(p.changes).toEqual([]);
  });

  it('mark tags new findings with now + graceDays, and leaves marked ones be (mark never deletes)', () => {
    const p = plan(inv, '  mode: mark\n  graceDays: 7\n');
    expect(actions(p)).toEqual({ 'eipalloc-new': 'mark', 'eipalloc-due': 'wait', 'eipalloc-today': 'wait' });
    expect(p.changes).toEqual([
      expect.objectContaining({
        kind: 'mark',
        id: 'eipalloc-new',
        store: 'ec2-tags',
        action: expect.objectContaining({
          type: 'mark-resource',
          deleteAfter: DELETE_AFTER,
          resourceId: 'eipalloc-new',
        }),
      }),
    ]);
  });

  it('delete deletes once the mark’s day is over, marks new findings, and waits for the others', () => {
    const p = plan(inv, '  mode: delete\n');
    expect(actions(p)).toEqual({
      'eipalloc-new': 'mark',
      'eipalloc-due': 'delete',
      'eipalloc-today': 'wait',
    });
    expect(p.changes.find((c) => c.kind === 'delete')!.action).toEqual({
      type: 'release-address',
      target: 'cleanup',
      region: 'us-east-1',
      category: 'elastic-ip',
      resourceId: 'eipalloc-due',
      reason: expect.stringContaining('associated with nothing'),
      monthlyCostDeltaUsd: -3.65,
    });
  });

  it('unmarks a marked resource that is in use again, and one excluded since', () => {
    const p = plan(
      {
        volumes: [
          volume('vol-back', { state: 'in-use', attachedTo: ['i-1'], tags: marked() }),
          volume('vol-excluded', { tags: { ...marked(), Environment: 'prod' } }),
          volume('vol-protected', {
            state: 'in-use',
            attachedTo: ['i-1'],
            tags: { ...marked(), 'autopilot:protect': 'true' },
          }),
        ],
      },
      '  mode: delete\n  exclude: { tags: { Environment: prod } }\n',
    );
    expect(p.unmarked.map((u) => [u.id, u.reason])).toEqual([
      [
        'vol-excluded',
        'vol-excluded is excluded now (it is tagged Environment=prod (cleanup.exclude.tags)): its mark is removed.',
      ],
      ['vol-back', 'vol-back is no longer an orphan (in use again): its mark is removed and it is kept.'],
    ]);
    expect(p.changes.map((c) => [c.kind, c.id])).toEqual([
      ['unmark', 'vol-excluded'],
      ['unmark', 'vol-back'],
    ]);
  });

  it('reads the marks of untaggable kinds from the state table, and forgets those of resources gone', () => {
    const inv = {
      launchConfigurations: [
        { name: 'lc-due', createdAt: daysAgo(60) },
        { name: 'lc-used', createdAt: daysAgo(60) },
      ],
      groups: [
        {
          name: 'g',
          minSize: 1,
          maxSize: 1,
          desiredCapacity: 1,
          instanceIds: [],
          launchConfigurationName: 'lc-used',
          launchTemplates: [],
          tags: {},
        },
      ],
    };
    const p = plan(inv, '  mode: delete\n', {
      tableMarks: {
        'launch-configuration': { 'lc-due': '2026-11-01', 'lc-used': '2026-11-01', 'lc-gone': '2026-11-01' },
      },
    });
    expect(actions(p)).toEqual({ 'lc-due': 'delete' });
    expect(p.unmarked.map((u) => u.id)).toEqual(['lc-used']);
    expect(p.tables.filter((t) => t.category === 'launch-configuration')).toEqual([
      {
        region: 'us-east-1',
        category: 'launch-configuration',
        before: { 'lc-due': '2026-11-01', 'lc-used': '2026-11-01', 'lc-gone': '2026-11-01' },
        base: { 'lc-due': '2026-11-01', 'lc-used': '2026-11-01' },
      },
    ]);
  });

  it('only reports stopped instances unless the policy asks to terminate them', () => {
    const stopped = {
      instances: [{ id: 'i-1', state: 'stopped', stoppedAt: daysAgo(60), volumeIds: [], tags: marked() }],
    };
    expect(
      actions(plan(stopped, '  mode: delete\n  categories: { instances: { enabled: true } }\n')),
    ).toEqual({ 'i-1': 'report' });
    expect(
      actions(
        plan(stopped, '  mode: delete\n  categories: { instances: { enabled: true, terminate: true } }\n'),
      ),
    ).toEqual({ 'i-1': 'delete' });
    expect(actions(plan(stopped, '  mode: delete\n'))).toEqual({});
  });
});

describe('a scan that failed part-way', () => {
  it('acts on nothing, keeps the failure, and drops the categories that read the failed part', () => {
    const failures = [{ region: 'us-east-1', part: 'volumes', operation: 'DescribeVolumes', error: 'boom' }];
    const inv = {
      addresses: [address('eipalloc-new'), address('eipalloc-due', { tags: marked() })],
      snapshots: [
        {
          id: 'snap-1',
          volumeId: 'vol-gone',
          sizeGiB: 8,
          state: 'completed',
          description: '',
          startedAt: daysAgo(90),
          tags: {},
        },
      ],
      images: [],
    };
    const p = plan(inv, '  mode: delete\n', { failures });
    expect(p.failures).toEqual(failures);
    expect(p.changes).toEqual([]);
    expect(actions(p)).toEqual({ 'eipalloc-new': 'report', 'eipalloc-due': 'wait' });
    expect(p.findings.every((f) => f.detail === 'not acted on: the scan failed part-way')).toBe(true);
    // Snapshots need the volumes to judge "its volume no longer exists": not judged at all.
    expect(p.stats.snapshot).toBeUndefined();
  });

  it('in another region stops this region too: the run acts on nothing', () => {
    const failing = scan(
      { region: 'eu-west-1' },
      {
        region: 'eu-west-1',
        failures: [
          { region: 'eu-west-1', part: 'lookup:alarm-tags', operation: 'ListTagsForResource', error: 'x' },
        ],
      },
    );
    const p = planCleanup(
      [scan({ addresses: [address('eipalloc-1')] }), failing],
      input(policy('  mode: mark\n')),
    );
    expect(p.regions).toEqual(['us-east-1', 'eu-west-1']);
    expect(actions(p)).toEqual({ 'eipalloc-1': 'report' });
  });
});

it('uses the injected clock only', () => {
  const p = planCleanup(
    [scan({ addresses: [address('eipalloc-1')] })],
    input(policy('  mode: mark\n  graceDays: 30\n'), { now: NOW }),
  );
  expect(p.findings[0]!.deleteAfter).toBe('2026-12-27');
});
