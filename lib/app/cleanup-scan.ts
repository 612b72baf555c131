/**
 * One region's cleanup scan: the bulk describes the enabled categories need (in parallel, each
 * paginated), then the one-by-one lookups their rules ask for about their suspects, then the marks kept
 * in the state table. A describe that fails is recorded, not thrown: the run then acts on nothing and
 * reports the failure, and categories that did not depend on it are still reported.
 */
import { errorMessage, AwsCallError } from '../errors';
import type { CleanupCategory, ScanFailure } from '../model/cleanup';
import { emptyLookups, type Inventory, type InventoryPart, type LookupRequest } from '../model/inventory';
import { CATEGORIES } from '../model/cleanup-categories';
import { categoryReadable, ruleContext, type CleanupInput, type RegionScan } from '../plan/cleanup/plan';
import { RULES } from '../plan/cleanup/rules';
import type { CleanupPolicy } from '../policy/cleanup';
import type { CleanupIo } from '../aws/cleanup/calls';
import type { MarkTable } from '../aws/cleanup/mark-table';
import * as ec2 from '../aws/cleanup/scan-ec2';
import * as svc from '../aws/cleanup/scan-services';

export interface ScanOptions {
  io: CleanupIo;
  region: string;
  cleanup: CleanupPolicy;
  input: Pick<CleanupInput, 'policy' | 'now' | 'ownTopics'>;
  /** Narrows the snapshot listing to this account (moto ignores `OwnerIds: self`). */
  accountId?: string;
  /** Where table-kept marks are read; without it none are (nothing was ever marked). */
  marks?: MarkTable;
}

const failure = (region: string, part: string, error: unknown): ScanFailure => ({
  region,
  part,
  operation: error instanceof AwsCallError ? error.operation : 'scan',
  error: errorMessage(error),
});

type PartResult = Partial<Omit<Inventory, 'region' | 'lookups'>>;

export async function scanRegion(o: ScanOptions): Promise<RegionScan> {
  const { io, region } = o;
  const enabled = CATEGORIES.filter((c) => o.cleanup.categories[c.category].enabled);
  const parts = new Set<InventoryPart>(enabled.flatMap((c) => c.reads));
  const failures: ScanFailure[] = [];
  const inv: Inventory = {
    region,
    lookups: emptyLookups(),
    ...(o.accountId ? { accountId: o.accountId } : {}),
  };

  const guard = async (part: string, read: () => Promise<PartResult>) => {
    try {
      Object.assign(inv, await read());
    } catch (error) {
      failures.push(failure(region, part, error));
    }
  };
  const want = (p: InventoryPart) => parts.has(p);
  const instances = want('instances')
    ? guard('instances', async () => {
        const out = await ec2.describeInstances(io, region);
        inv.accountId ??= out.accountId;
        return { instances: out.instances };
      })
    : Promise.resolve();
  // Without a known account, wait for the instances' reservations to name it.
  const snapshotsAfter = o.accountId ? Promise.resolve() : instances;
  await Promise.all([
    instances,
    want('addresses') &&
      guard('addresses', async () => ({ addresses: await ec2.describeAddresses(io, region) })),
    want('volumes') && guard('volumes', async () => ({ volumes: await ec2.describeVolumes(io, region) })),
    want('snapshots') &&
      snapshotsAfter.then(() =>
        guard('snapshots', async () => ({
          snapshots: await ec2.describeSnapshots(io, region, inv.accountId),
        })),
      ),
    want('images') && guard('images', async () => ({ images: await ec2.describeImages(io, region) })),
    want('launchTemplates') &&
      guard('launchTemplates', async () => ({
        launchTemplates: await ec2.describeLaunchTemplates(io, region),
      })),
    want('launchConfigurations') &&
      guard('launchConfigurations', async () => ({
        launchConfigurations: await svc.describeLaunchConfigurations(io, region),
      })),
    want('groups') && guard('groups', async () => ({ groups: await svc.describeGroups(io, region) })),
    want('alarms') && guard('alarms', async () => ({ alarms: await svc.describeAlarms(io, region) })),
    want('topics') && guard('topics', async () => ({ topics: await svc.listTopics(io, region) })),
    want('subscriptions') &&
      guard('subscriptions', async () => ({ subscriptions: await svc.listSubscriptions(io, region) })),
  ]);

  await lookups(o, inv, failures);

  const tableMarks: RegionScan['tableMarks'] = {};
  const tableVersions: Partial<Record<CleanupCategory, number>> = {};
  if (o.marks) {
    for (const spec of enabled.filter((c) => c.markStore === 'table')) {
      try {
        const stored = await o.marks.read(io, region, spec.category);
        tableMarks[spec.category] = stored.marks;
        tableVersions[spec.category] = stored.version;
      } catch (error) {
        failures.push(failure(region, `marks:${spec.category}`, error));
      }
    }
  }
  return { region, inventory: inv, failures, tableMarks, tableVersions };
}

/** The suspects' lookups, merged across rules by kind so that no resource is read twice. */
async function lookups(o: ScanOptions, inv: Inventory, failures: ScanFailure[]): Promise<void> {
  const { io, region } = o;
  const failed = new Set(failures.map((f) => f.part));
  const requests = new Map<LookupRequest['kind'], Set<string>>();
  for (const spec of CATEGORIES) {
    const options = o.cleanup.categories[spec.category];
    const rule = RULES[spec.category];
    if (!options.enabled || !rule.lookups || !categoryReadable(spec, failed)) continue;
    for (const r of rule.lookups(inv, ruleContext(o.input, options))) {
      const ids = 'ids' in r ? r.ids : 'arns' in r ? r.arns : r.names;
      const set = requests.get(r.kind) ?? new Set<string>();
      ids.forEach((id) => set.add(id));
      requests.set(r.kind, set);
    }
  }
  await Promise.all(
    [...requests].map(async ([kind, set]) => {
      const ids = [...set];
      try {
        switch (kind) {
          case 'instance-states':
            Object.assign(inv.lookups.instanceStates, await ec2.instanceStates(io, region, ids));
            break;
          case 'image-shares':
            Object.assign(inv.lookups.imageShares, await ec2.imageShares(io, region, ids));
            break;
          case 'alarm-tags':
            Object.assign(inv.lookups.tags, await svc.alarmTags(io, region, ids));
            break;
          case 'topic-tags':
            Object.assign(inv.lookups.tags, await svc.topicTags(io, region, ids));
            break;
          case 'topic-exists':
            Object.assign(inv.lookups.topics, await svc.topicsExist(io, region, ids));
            break;
          case 'group-activity': {
            const out = await svc.groupActivity(io, region, ids);
            Object.assign(inv.lookups.groupActivity, out.activity);
            inv.lookups.scheduledGroups.push(...out.scheduled);
            break;
          }
        }
      } catch (error) {
        failures.push(failure(region, `lookup:${kind}`, error));
      }
    }),
  );
}
