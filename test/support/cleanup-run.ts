/**
 * What the cleanup tests share: a run's options against a deployment (the clients given, no real sleep
 * between retries, silent), and the account's resources of each kind as the product's own scan sees them.
 */
import type { CleanupOptions } from '../../lib/app/cleanup';
import { scanRegion } from '../../lib/app/cleanup-scan';
import { AwsClients } from '../../lib/aws/clients';
import { CallLog } from '../../lib/aws/cleanup/calls';
import { MarkTable } from '../../lib/aws/cleanup/mark-table';
import type { Deployment } from '../../lib/aws/deployment';
import { Notifier } from '../../lib/aws/notifier';
import { silentLogger } from '../../lib/log';
import type { CleanupCategory } from '../../lib/model/cleanup';
import { RULES } from '../../lib/plan/cleanup/rules';
import { parsePolicy } from '../../lib/policy/load';
import { REGION } from './moto';

export function cleanupOptions(
  aws: AwsClients,
  deployment: Deployment,
  o: Pick<CleanupOptions, 'now' | 'clients'> &
    Partial<Pick<CleanupOptions, 'mode' | 'phase'>> & { policy: string },
): CleanupOptions {
  return {
    ...o,
    policy: parsePolicy(o.policy),
    defaultRegion: REGION,
    dryRun: false,
    notifier: new Notifier(aws, deployment.notifyTopicArn),
    marks: new MarkTable(aws, deployment.stateTable),
    ownTopics: [deployment.alarmTopicArn, deployment.notifyTopicArn],
    log: silentLogger,
    sleep: async () => undefined,
  };
}

/** Every resource of each kind now, with its tags where the describe returns them. */
export async function scannedResources(policyText: string) {
  const policy = parsePolicy(policyText);
  const scan = await scanRegion({
    io: { clients: (r) => new AwsClients({ region: r }), log: new CallLog() },
    region: REGION,
    cleanup: policy.cleanup!,
    input: { policy, now: new Date(), ownTopics: [] },
  });
  if (scan.failures.length > 0) throw new Error(`scan failed: ${JSON.stringify(scan.failures)}`);
  return (category: CleanupCategory) => RULES[category].resources(scan.inventory);
}
