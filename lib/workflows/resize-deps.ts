/** What the resize steps use: the adapters, the state table, the notifier, the policy and a clock. */
import type { Logger } from '../log';
import type { AlarmsAdapter } from '../aws/alarms';
import type { InstanceOps } from '../aws/instance-ops';
import type { InstancesAdapter } from '../aws/instances';
import type { Notifier } from '../aws/notifier';
import type { StateStore } from '../aws/state-store';
import type { Policy } from '../policy/policy';
import type { HealthProbe } from '../aws/health-probe';
import type { Telemetry } from '../telemetry/telemetry';

export interface ResizeDeps {
  policy: Policy;
  /** The region the clients are in (alarm actions name it). */
  region: string;
  instances: InstancesAdapter;
  ops: InstanceOps;
  store: StateStore;
  alarms: AlarmsAdapter;
  notifier?: Notifier;
  probe: HealthProbe;
  log: Logger;
  /** Where the downtime of a finished resize or failover is recorded. @default none */
  telemetry?: Telemetry;
  now: () => Date;
}
