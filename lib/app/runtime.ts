/**
 * Everything a use case needs, built once per process (per Lambda container, per CLI run). Adapters
 * are cheap to construct: no AWS client module is loaded until an adapter first calls AWS.
 */
import { AlarmsAdapter } from '../aws/alarms';
import { AutoScalingAdapter } from '../aws/auto-scaling';
import { AwsClients, type ClientOptions } from '../aws/clients';
import { MetricsAdapter } from '../aws/metrics';
import { Notifier } from '../aws/notifier';
import { StateStore } from '../aws/state-store';
import type { Policy } from '../policy/policy';
import type { Logger } from './log';

export interface Runtime {
  policy: Policy;
  aws: AwsClients;
  store: StateStore;
  groups: AutoScalingAdapter;
  metrics: MetricsAdapter;
  alarms: AlarmsAdapter;
  /** Absent for read-only commands (`plan`). */
  notifier?: Notifier;
  log: Logger;
  now: () => Date;
  /** Plan and notify "would do", change nothing (`--dry-run`, or the policy's `dryRun`). */
  dryRun: boolean;
}

export interface RuntimeOptions {
  policy: Policy;
  stateTable: string;
  notifyTopicArn?: string;
  log: Logger;
  dryRun?: boolean;
  now?: () => Date;
  client?: ClientOptions;
}

export function createRuntime(o: RuntimeOptions): Runtime {
  const region = o.client?.region ?? o.policy.region;
  const aws = new AwsClients({ ...o.client, ...(region ? { region } : {}) });
  return {
    policy: o.policy,
    aws,
    store: new StateStore(aws, o.stateTable),
    groups: new AutoScalingAdapter(aws),
    metrics: new MetricsAdapter(aws),
    alarms: new AlarmsAdapter(aws),
    ...(o.notifyTopicArn ? { notifier: new Notifier(aws, o.notifyTopicArn) } : {}),
    log: o.log,
    now: o.now ?? (() => new Date()),
    dryRun: (o.dryRun ?? false) || o.policy.dryRun,
  };
}
