/**
 * What the image-refresh steps use: the adapters (as narrow ports, which `lib/aws` satisfies
 * structurally), the state table, the notifier, the policy and a clock.
 */
import type { InstanceOps } from '../aws/instance-ops';
import type { InstancesAdapter } from '../aws/instances';
import type { Notifier } from '../aws/notifier';
import type { StateStore } from '../aws/state-store';
import type { Logger } from '../log';
import type { GroupLaunch, InstanceRefreshFacts, InstanceRefreshPreferences } from '../model/launch';
import type { Outcome } from '../model/plan';
import type { RefreshState } from '../model/refresh-state';
import type { Policy } from '../policy/policy';

export interface LaunchesPort {
  groupLaunch(group: string): Promise<GroupLaunch | undefined>;
  createTemplateVersion(
    templateId: string,
    baseVersion: number,
    imageId: string,
    operation: string,
  ): Promise<number>;
  setDefaultVersion(templateId: string, version: number): Promise<void>;
  useTemplateVersion(group: string, templateId: string, version: string): Promise<void>;
  createLaunchConfiguration(from: string, name: string, imageId: string): Promise<void>;
  useLaunchConfiguration(group: string, name: string): Promise<void>;
}

export interface InstanceRefreshesPort {
  start(
    group: string,
    prefs: InstanceRefreshPreferences,
    options?: { desired?: { templateId: string; version: number } },
  ): Promise<{ id: string; adopted: boolean; leftOut: { preference: string; reason: string }[] }>;
  get(group: string, id: string): Promise<InstanceRefreshFacts | undefined>;
  active(group: string): Promise<InstanceRefreshFacts | undefined>;
  cancel(group: string): Promise<void>;
}

/** Retiring the lineage's older images (cleanup's image rule), and discarding a failed new one. */
export interface RetentionPort {
  retire(
    s: RefreshState,
    refreshRunning: boolean,
  ): Promise<NonNullable<RefreshState['retired']> & { outcomes: Outcome[] }>;
  discard(imageId: string): Promise<Outcome[]>;
}

export interface RefreshDeps {
  policy: Policy;
  /** The region the clients are in (a scheduled start names none). */
  region: string;
  instances: InstancesAdapter;
  ops: InstanceOps;
  launches: LaunchesPort;
  refreshes: InstanceRefreshesPort;
  retention: RetentionPort;
  store: StateStore;
  notifier?: Notifier;
  log: Logger;
  now: () => Date;
}
