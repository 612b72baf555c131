/**
 * The cleanup benchmark (bundled and run by bench/cleanup.mjs): about 11,000 resources seeded in two
 * regions (one fresh moto each, see cleanup-seed.ts), then `report`, `mark` and `delete` runs, each counting its API calls by
 * category with the product's own call log. Printed per category: resources, orphans, describe calls
 * made against the AWS minimum (ceil(N / page size) per describe and region), one-by-one lookups and
 * re-verifications, and actions made against the minimum (one per action), with each run's wall time.
 */
import { runCleanup } from '../lib/app/cleanup';
import { silentLogger } from '../lib/log';
import { AwsClients } from '../lib/aws/clients';
import { CallLog, type CallCount } from '../lib/aws/cleanup/calls';
import { MarkTable } from '../lib/aws/cleanup/mark-table';
import { PAGE } from '../lib/aws/cleanup/scan-ec2';
import { SERVICE_PAGE } from '../lib/aws/cleanup/scan-services';
import { ensureDeployment } from '../lib/aws/deployment';
import { startMoto } from '../lib/local/moto';
import type { CleanupCategory, CleanupReport } from '../lib/model/cleanup';
import { CATEGORIES } from '../lib/model/cleanup-categories';
import { parsePolicy } from '../lib/policy/load';
import { plan, seedRegion } from './cleanup-seed';

const REGIONS = ['us-east-1', 'eu-west-1'];
const DAY = 86_400_000;

const POLICY = `
version: 1
cleanup:
  graceDays: 1
  maxDeletionsPerRun: 10000
  regions: [${REGIONS.join(', ')}]
  minAgeDays: { volumes: 0, snapshots: 0, images: 0, launchConfigurations: 0, launchTemplateVersions: 0, alarms: 0, autoScalingGroups: 0, instances: 0 }
  categories:
    launchTemplateVersions: { enabled: true }
    instances: { enabled: true, terminate: true }
    images: { keep: 1 }
`;

/** The category each describe's calls count for (its own kind). */
const PART_CATEGORY: Record<string, CleanupCategory> = {
  addresses: 'elastic-ip',
  volumes: 'volume',
  snapshots: 'snapshot',
  images: 'image',
  instances: 'instance',
  launchTemplates: 'launch-template',
  launchConfigurations: 'launch-configuration',
  groups: 'auto-scaling-group',
  alarms: 'alarm',
  topics: 'topic',
  subscriptions: 'subscription',
};
const LOOKUP_CATEGORY: Record<string, CleanupCategory> = {
  'instance-states': 'elastic-ip',
  'image-shares': 'image',
  'alarm-tags': 'alarm',
  'topic-tags': 'topic',
  'topic-exists': 'subscription',
  'group-activity': 'auto-scaling-group',
};

/** AWS's minimum describe calls for a region's resources of a category: ceil(N / largest page). */
function minimumDescribes(category: CleanupCategory, n: number, templates: number[]): number {
  const pages = (count: number, size: number) => Math.max(1, Math.ceil(count / size));
  switch (category) {
    case 'elastic-ip':
      return 1; // DescribeAddresses is not paginated
    case 'volume':
      return pages(n, PAGE.volumes);
    case 'snapshot':
      return pages(n, PAGE.snapshots);
    case 'image':
      return pages(n, PAGE.images);
    case 'instance':
      return pages(n, PAGE.instances);
    case 'launch-template':
      return (
        pages(templates.length, PAGE.launchTemplates) +
        templates.reduce((s, v) => s + pages(v, PAGE.launchTemplateVersions), 0)
      );
    case 'launch-configuration':
      return pages(n, SERVICE_PAGE.launchConfigurations);
    case 'auto-scaling-group':
      return pages(n, SERVICE_PAGE.groups);
    case 'alarm':
      return pages(n, SERVICE_PAGE.alarms);
    case 'topic':
    case 'subscription':
      return pages(n, 100);
  }
}

interface Row {
  category: CleanupCategory;
  resources: number;
  orphans: number;
  describes: number;
  minDescribes: number;
  lookups: number;
  verify: number;
  actions: number;
  minActions: number;
}

function rows(
  report: CleanupReport,
  calls: CallLog,
  scans: Awaited<ReturnType<typeof runCleanup>>['scans'],
): Row[] {
  const entries = calls.entries();
  const sum = (pred: (c: CallCount) => boolean) => entries.filter(pred).reduce((s, c) => s + c.calls, 0);
  return CATEGORIES.map(({ category }) => {
    const part = Object.keys(PART_CATEGORY).find((k) => PART_CATEGORY[k] === category)!;
    let minDescribes = 0;
    for (const scan of scans) {
      const inv = scan.inventory as unknown as Record<string, unknown[] | undefined>;
      const items = inv[part] ?? [];
      const templates = (scan.inventory.launchTemplates ?? []).map((t) => t.versions.length);
      minDescribes += minimumDescribes(category, items.length, templates);
    }
    const findings = report.findings.filter((f) => f.category === category);
    const changed =
      findings.filter((f) => f.status && f.status !== 'dropped').length +
      report.unmarked.filter((u) => u.category === category).length;
    return {
      category,
      resources: report.stats[category]?.scanned ?? 0,
      orphans: findings.length,
      describes: sum((c) => c.purpose === 'scan' && c.subject === part),
      minDescribes,
      lookups: sum((c) => c.purpose === 'lookup' && LOOKUP_CATEGORY[c.subject] === category),
      verify: sum((c) => c.purpose === 'verify' && c.subject === category),
      actions: sum((c) => c.purpose === 'act' && c.subject === category),
      minActions: changed,
    };
  });
}

function table(title: string, rs: Row[], ms: number, calls: CallLog, print: (s: string) => void) {
  const head = [
    'category',
    'resources',
    'orphans',
    'describes made/min',
    'lookups',
    're-verify',
    'actions made/min',
  ];
  const body = rs.map((r) => [
    r.category,
    String(r.resources),
    String(r.orphans),
    `${r.describes} / ${r.minDescribes}`,
    String(r.lookups),
    String(r.verify),
    `${r.actions} / ${r.minActions}`,
  ]);
  const total = rs.reduce(
    (t, r) => ({
      d: t.d + r.describes,
      md: t.md + r.minDescribes,
      l: t.l + r.lookups,
      v: t.v + r.verify,
      a: t.a + r.actions,
      ma: t.ma + r.minActions,
      n: t.n + r.resources,
      o: t.o + r.orphans,
    }),
    { d: 0, md: 0, l: 0, v: 0, a: 0, ma: 0, n: 0, o: 0 },
  );
  const marks = calls.total((c) => c.subject.startsWith('marks:'));
  body.push([
    'total',
    String(total.n),
    String(total.o),
    `${total.d} / ${total.md}`,
    String(total.l),
    String(total.v),
    `${total.a} / ${total.ma}`,
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((r) => r[i]!.length)));
  print(
    `\n${title}: ${(ms / 1000).toFixed(1)} s wall, ${calls.total()} API calls (${marks} reading marks from the state table)`,
  );
  for (const r of [head, ...body])
    print(r.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  '));
}

/**
 * Each region's clients: one attempt per call (every request moto sees is one the log counts), and
 * DeleteLaunchTemplateVersions, which moto lacks, answered as AWS does (the call is still counted).
 */
const made = new Map<string, AwsClients>();
const endpoints: Record<string, string> = {};
function stubbedClients(region: string): AwsClients {
  let c = made.get(region);
  if (c) return c;
  c = new AwsClients({ region, endpoint: endpoints[region]!, maxAttempts: 1 });
  made.set(region, c);
  void c.ec2().then(({ client }) =>
    client.middlewareStack.add(
      (next, context) => async (args) => {
        if (context.commandName !== 'DeleteLaunchTemplateVersionsCommand') return next(args);
        const input = args.input as { LaunchTemplateId: string; Versions: string[] };
        const deleted = input.Versions.map((v) => ({
          LaunchTemplateId: input.LaunchTemplateId,
          VersionNumber: Number(v),
        }));
        return {
          output: { $metadata: {}, SuccessfullyDeletedLaunchTemplateVersions: deleted },
          response: {},
        } as never;
      },
      { step: 'initialize', name: 'stubDeleteLaunchTemplateVersions' },
    ),
  );
  return c;
}

export async function runBench(options: { print?: (s: string) => void; scale?: number } = {}): Promise<void> {
  const print = options.print ?? console.log;
  const started = Date.now();
  // One moto per region: a moto process answers about 170 calls a second on one core, and the
  // regions are scanned in parallel, as they would be on AWS.
  const motos = await Promise.all(REGIONS.map(() => startMoto()));
  REGIONS.forEach((r, i) => (endpoints[r] = motos[i]!.endpoint));
  Object.assign(process.env, {
    AWS_ACCESS_KEY_ID: 'bench',
    AWS_SECRET_ACCESS_KEY: 'bench',
    AWS_REGION: REGIONS[0],
  });
  try {
    const p = plan(options.scale ?? 1);
    const seedStart = Date.now();
    await Promise.all(REGIONS.map((r) => seedRegion(r, endpoints[r]!, p)));
    const home = stubbedClients(REGIONS[0]!);
    const deployment = await ensureDeployment(home, 'bench');
    print(
      `cleanup bench: ${REGIONS.join(' + ')}, one moto each, seeded in ${((Date.now() - seedStart) / 1000).toFixed(1)} s`,
    );

    const policy = parsePolicy(POLICY);
    const now = new Date();
    const run = async (mode: 'report' | 'mark' | 'delete', at: Date) => {
      const calls = new CallLog();
      const t0 = Date.now();
      const out = await runCleanup({
        policy,
        mode,
        now: at,
        dryRun: false,
        marks: new MarkTable(home, deployment.stateTable),
        ownTopics: [deployment.alarmTopicArn, deployment.notifyTopicArn],
        accountId: '123456789012',
        log: silentLogger,
        calls,
        clients: stubbedClients,
      });
      table(`${mode}`, rows(out.report, calls, out.scans), Date.now() - t0, calls, print);
      if (out.report.failures.length) print(`FAILURES: ${JSON.stringify(out.report.failures)}`);
      return out.report;
    };
    const report = await run('report', now);
    print(
      `\n${report.totals.count} orphans among the resources scanned, ${report.totals.monthlyCostUsd.toFixed(2)} USD a month.`,
    );
    await run('mark', now);
    const deleted = await run('delete', new Date(now.getTime() + 3 * DAY));
    const done = deleted.findings.filter((f) => f.action === 'delete' && f.status === 'applied').length;
    print(
      `\ndelete: ${done} deleted; mark calls are batched (EC2 CreateTags takes 500 resources, Auto Scaling 25 groups).`,
    );
    print(
      "moto returns every DescribeVolumes/Snapshots/Images/Alarms page at once (MaxResults ignored): there, calls made are below AWS's minimum.",
    );
    print(
      'Categories whose marks live in the state table (launch configurations, template versions, alarms, topics, subscriptions) add one conditional PutItem per region and run.',
    );
  } finally {
    await Promise.all(motos.map((m) => m.stop()));
    print(`\ntotal ${((Date.now() - started) / 1000).toFixed(1)} s`);
  }
}
