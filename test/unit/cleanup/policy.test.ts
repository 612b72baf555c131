/** The `cleanup:` block: the issue's block accepted as it is, defaults, and errors naming their field. */
import { parsePolicy } from '../../../lib/policy/load';
import { CLEANUP_DEFAULTS, defaultCleanupPolicy } from '../../../lib/policy/cleanup';
import { issuesOf } from '../../support/builders';

const ISSUE_BLOCK = `
version: 1
cleanup:
  schedule: rate(1 day)
  mode: report          # report | mark | delete
  graceDays: 7
  maxDeletionsPerRun: 50
  minAgeDays: { volumes: 7, snapshots: 30, images: 30, alarms: 7, autoScalingGroups: 7 }
  exclude: { tags: { Environment: prod } }
`;

describe('the issue’s cleanup block', () => {
  it('is accepted as it is and means what it says', () => {
    const cleanup = parsePolicy(ISSUE_BLOCK).cleanup!;
    expect(cleanup).toMatchObject({
      schedule: 'rate(1 day)',
      mode: 'report',
      graceDays: 7,
      maxDeletionsPerRun: 50,
      exclude: { tags: { Environment: 'prod' }, ids: [], names: [] },
      concurrency: CLEANUP_DEFAULTS.concurrency,
    });
    expect(cleanup.regions).toBeUndefined();
    expect(cleanup.categories).toEqual({
      'elastic-ip': { enabled: true },
      volume: { enabled: true, minAgeDays: 7 },
      snapshot: { enabled: true, minAgeDays: 30 },
      image: { enabled: true, minAgeDays: 30, keep: 3 },
      'launch-configuration': { enabled: true, minAgeDays: 7 },
      'launch-template': { enabled: false, minAgeDays: 7 },
      alarm: { enabled: true, minAgeDays: 7 },
      topic: { enabled: true },
      subscription: { enabled: true },
      'auto-scaling-group': { enabled: true, minAgeDays: 7 },
      instance: { enabled: false, minAgeDays: 30, terminate: false },
    });
  });

  it('is what a policy without the block gets, except that such a policy has none', () => {
    expect(parsePolicy('version: 1\n').cleanup).toBeUndefined();
    expect(defaultCleanupPolicy()).toEqual(
      parsePolicy(
        ISSUE_BLOCK.replace(/minAgeDays: .*\n/, 'minAgeDays: { snapshots: 30 }\n').replace(
          /^ {2}exclude: .*\n/m,
          '',
        ),
      ).cleanup,
    );
  });

  it('takes regions, concurrency and per-category options', () => {
    const cleanup = parsePolicy(`
version: 1
cleanup:
  mode: delete
  regions: [us-east-1, eu-west-1]
  concurrency: 2
  exclude: { ids: [vol-1], names: ['keep-*'] }
  categories:
    images: { keep: 5, maxPerRun: 10 }
    instances: { enabled: true, terminate: true }
    topics: { enabled: false }
`).cleanup!;
    expect(cleanup.regions).toEqual(['us-east-1', 'eu-west-1']);
    expect(cleanup.categories.image).toEqual({ enabled: true, minAgeDays: 30, keep: 5, maxPerRun: 10 });
    expect(cleanup.categories.instance).toEqual({ enabled: true, minAgeDays: 30, terminate: true });
    expect(cleanup.categories.topic.enabled).toBe(false);
  });
});

describe('errors name the field', () => {
  const c = (body: string) => `version: 1\ncleanup:\n${body}`;
  it.each([
    [c('  mode: purge\n'), 'cleanup.mode: expected one of report, mark, delete'],
    [c('  graceDays: 0\n'), 'cleanup.graceDays: expected a whole number of days from 1 to 365'],
    [c('  maxDeletionsPerRun: -1\n'), 'cleanup.maxDeletionsPerRun: expected a whole number from 1 to 10000'],
    [
      c('  schedule: every day\n'),
      'cleanup.schedule: expected an EventBridge schedule such as rate(1 day) or cron(0 3 * * ? *)',
    ],
    [
      c('  minAgeDays: { volumes: 2.5 }\n'),
      'cleanup.minAgeDays.volumes: expected a whole number of days from 0 to 3650',
    ],
    [c('  minAgeDays: { elasticIps: 3 }\n'), 'cleanup.minAgeDays.elasticIps: unknown key'],
    [c('  exclude: { tag: { a: b } }\n'), 'cleanup.exclude.tag: unknown key'],
    [c("  exclude: { names: [''] }\n"), 'cleanup.exclude.names[0]: expected a non-empty pattern'],
    [c('  regions: [mars-1]\n'), 'cleanup.regions[0]: expected a region code such as eu-west-1'],
    [c('  regions: [us-east-1, us-east-1]\n'), 'cleanup.regions[1]: us-east-1 is listed twice'],
    [c('  categories: { volume: { enabled: true } }\n'), 'cleanup.categories.volume: unknown key'],
    [
      c('  categories: { images: { keep: 0 } }\n'),
      'cleanup.categories.images.keep: expected a positive integer',
    ],
    [
      c('  categories: { volumes: { terminate: true } }\n'),
      'cleanup.categories.volumes.terminate: unknown key',
    ],
    [
      c('  categories: { instances: { enabled: false, terminate: true } }\n'),
      'cleanup.categories.instances.terminate: needs enabled: true (the category is off)',
    ],
    [c('  concurrency: 100\n'), 'cleanup.concurrency: expected a whole number from 1 to 16'],
  ])('%s', (text, issue) => {
    expect(issuesOf(text)).toEqual([issue]);
  });

  it.each(['rate(5 minutes)', 'rate(1 hour)', 'rate(12 hours)', 'cron(0 3 * * ? *)'])(
    'accepts schedule %s',
    (schedule) => {
      expect(parsePolicy(c(`  schedule: ${schedule}\n`)).cleanup!.schedule).toBe(schedule);
    },
  );
});
