/**
 * Everything a use case needs, built once per process (per Lambda container, per CLI run). Adapters
 * are cheap to construct: no AWS client module is loaded until an adapter first calls AWS.
 */
import { AlarmsAdapter } from '../aws/alarms';
import { AutoScalingAdapter } from '../aws/auto-scaling';
import { AwsClients, type ClientOptions } from '../aws/clients';
import { InstanceOps } from '../aws/instance-ops';
import { InstancesAdapter } from '../aws/instances';
import { MetricsAdapter } from '../aws/metrics';
import { Notifier } from '../aws/notifier';
import { StateStore } from '../aws/state-store';
import type { Policy } from '../policy/policy';
import { httpProbe, type HealthProbe } from '../aws/health-probe';
import type { ActionContext } from '../actions/action-module';
import type { FailoversPort, Ports, RefreshesPort, ResizesPort } from '../actions/ports';
import type { Logger } from '../log';
import { noTelemetry, type Telemetry } from '../telemetry/telemetry';
import type { ExecutionEnv } from './execute';

export interface Runtime {
  policy: Policy;
  aws: AwsClients;
  store: StateStore;
  groups: AutoScalingAdapter;
  instances: InstancesAdapter;
  ops: InstanceOps;
  metrics: MetricsAdapter;
  alarms: AlarmsAdapter;
  /** Absent for read-only commands (`plan`). */
  notifier?: Notifier;
  /** Starts resize workflows: on AWS Step Functions when deployed, in this process otherwise. */
  resizes?: ResizesPort;
  /** Starts failover workflows, as resizes. */
  failovers?: FailoversPort;
  refreshes?: RefreshesPort;
  /** The topic the orchestrator's alarms publish to (resizes re-point alarms with it). */
  alarmTopicArn?: string;
  probe: HealthProbe;
  log: Logger;
  /** The orchestrator's own metrics (README "Logs and metrics"); deployed: CloudWatch EMF. */
  telemetry: Telemetry;
  now: () => Date;
  /** Plan and notify "would do", change nothing (`--dry-run`, or the policy's `dryRun`). */
  dryRun: boolean;
}

export interface RuntimeOptions {
  policy: Policy;
  stateTable: string;
  notifyTopicArn?: string;
  alarmTopicArn?: string;
  /** Made by the shell (Step Functions deployed, this process elsewhere), from the runtime's adapters. */
  resizes?: (rt: Runtime) => ResizesPort;
  failovers?: (rt: Runtime) => FailoversPort;
  refreshes?: (rt: Runtime) => RefreshesPort;
  log: Logger;
  /** @default noTelemetry (the CLI, tests) */
  telemetry?: Telemetry;
  dryRun?: boolean;
  now?: () => Date;
  probe?: HealthProbe;
  client?: ClientOptions;
}

export function createRuntime(o: RuntimeOptions): Runtime {
  const region = o.client?.region ?? o.policy.region;
  const aws = new AwsClients({ ...o.client, ...(region ? { region } : {}) });
  const rt: Runtime = {
    policy: o.policy,
    aws,
    store: new StateStore(aws, o.stateTable),
    groups: new AutoScalingAdapter(aws),
    instances: new InstancesAdapter(aws),
    ops: new InstanceOps(aws),
    metrics: new MetricsAdapter(aws),
    alarms: new AlarmsAdapter(aws),
    ...(o.notifyTopicArn ? { notifier: new Notifier(aws, o.notifyTopicArn) } : {}),
    ...(o.alarmTopicArn ? { alarmTopicArn: o.alarmTopicArn } : {}),
    probe: o.probe ?? httpProbe,
    log: o.log,
    telemetry: o.telemetry ?? noTelemetry,
    now: o.now ?? (() => new Date()),
    dryRun: (o.dryRun ?? false) || o.policy.dryRun,
  };
  if (o.resizes) rt.resizes = o.resizes(rt);
  if (o.failovers) rt.failovers = o.failovers(rt);
  if (o.refreshes) rt.refreshes = o.refreshes(rt);
  return rt;
}

/** The ports the fleet's actions apply through, from the runtime's adapters. */
export function portsOf(rt: Runtime): Ports {
  return {
    groups: rt.groups,
    records: rt.store,
    alarms: rt.alarms,
    alarmDeletes: rt.alarms,
    addresses: {
      addressHolder: (allocationId) => rt.instances.addressHolder(allocationId),
      moveAddress: (allocationId, instanceId) => rt.ops.moveAddress(allocationId, instanceId),
    },
    ...(rt.resizes ? { resizes: rt.resizes } : {}),
    ...(rt.failovers ? { failovers: rt.failovers } : {}),
    ...(rt.refreshes ? { refreshes: rt.refreshes } : {}),
  };
}

/** How the fleet's actions are executed: through the runtime's ports, one plan's actions in order. */
export const fleetEnv = (rt: Runtime, extra: Partial<ActionContext> = {}): ExecutionEnv => ({
  ports: portsOf(rt),
  ctx: {
    now: rt.now,
    policy: rt.policy,
    region: rt.aws.region,
    ...(rt.alarmTopicArn ? { alarmTopicArn: rt.alarmTopicArn } : {}),
    ...extra,
  },
  log: rt.log,
  dryRun: rt.dryRun,
  stopOnFailure: true,
});
