/**
 * Auto Scaling instance refreshes: the rolling replacement that puts a new image on every instance of a
 * group. These three calls (StartInstanceRefresh, DescribeInstanceRefreshes, CancelInstanceRefresh) live
 * here only: moto lacks them, so tests stub exactly them (test/support/instance-refresh-stub.ts).
 *
 * AWS runs one refresh per group at a time and refuses another with InstanceRefreshInProgress; a start is
 * therefore never repeated blindly after a lost answer: the repeat meets our own refresh and adopts it.
 */
import type { AutoScalingGroup, InstanceRefresh, RefreshPreferences } from '@aws-sdk/client-auto-scaling';
import { ActionFailedError } from '../errors';
import {
  isActiveRefresh,
  type InstanceRefreshFacts,
  type InstanceRefreshPreferences,
  type InstanceRefreshStatus,
} from '../model/launch';
import { call, isAwsCode, viaCall } from './call';
import type { AwsClients } from './clients';
import { withRetries } from './retry';

/** A preference AWS would refuse for this group, left out of the request, and why. */
export interface LeftOutPreference {
  preference: 'AutoRollback' | 'SkipMatching';
  reason: string;
}

export interface RefreshStart {
  id: string;
  /** The group already had an active refresh (another's, or ours whose answer was lost): it is followed. */
  adopted: boolean;
  /** Preferences asked for that AWS does not allow for this group (empty when all were sent). */
  leftOut: LeftOutPreference[];
}

/**
 * A launch-template version the refresh should put on the group (AWS's DesiredConfiguration): the group is
 * switched to it when the refresh succeeds, and left as it was when it fails. Without one, the refresh
 * replaces instances with what the group already names.
 */
export interface DesiredLaunch {
  templateId: string;
  version: number;
}

/** The Query protocol's codes, and the SDK's names for the modelled faults. */
const isInProgress = (error: unknown) =>
  isAwsCode(error, 'InstanceRefreshInProgressFault') || isAwsCode(error, 'InstanceRefreshInProgress');
const isNoActiveRefresh = (error: unknown) =>
  isAwsCode(error, 'ActiveInstanceRefreshNotFoundFault') || isAwsCode(error, 'ActiveInstanceRefreshNotFound');

function facts(r: InstanceRefresh): InstanceRefreshFacts {
  return {
    id: r.InstanceRefreshId ?? '',
    // A status AWS adds later passes through as it is: callers treat what they do not know as not done.
    status: (r.Status ?? 'Pending') as InstanceRefreshStatus,
    ...(r.StatusReason ? { statusReason: r.StatusReason } : {}),
    ...(r.PercentageComplete !== undefined ? { percentComplete: r.PercentageComplete } : {}),
    ...(r.InstancesToUpdate !== undefined ? { instancesToUpdate: r.InstancesToUpdate } : {}),
    ...(r.StartTime ? { startTime: r.StartTime.toISOString() } : {}),
    ...(r.EndTime ? { endTime: r.EndTime.toISOString() } : {}),
  };
}

/**
 * AWS wants checkpoints ascending and unique, and replaces only up to the last one: a list that does not
 * end at 100 would leave the rest of the group on the old image, so 100 is added.
 */
export function checkpointPercentages(checkpoints: readonly number[]): number[] {
  const sorted = [...new Set(checkpoints)].sort((a, b) => a - b);
  return sorted.at(-1) === 100 ? sorted : [...sorted, 100];
}

/**
 * The request's Preferences for this group, and what had to be left out:
 * - AutoRollback only with a desired configuration, and only for a group whose launch template it names
 *   by version number: AWS supports no rollback without a desired configuration, for a group on `$Default`
 *   or `$Latest`, or for a launch configuration (whose instances it could not roll back to). A template
 *   whose ImageId is a Systems Manager parameter cannot be rolled back either; that is not checked here
 *   (it would cost the template's data) and AWS refuses the start.
 * - SkipMatching not for a launch configuration: AWS does not support skip matching with one.
 */
export function refreshPreferences(
  group: AutoScalingGroup,
  prefs: InstanceRefreshPreferences,
  desired: DesiredLaunch | undefined,
): { preferences: RefreshPreferences; leftOut: LeftOutPreference[] } {
  const leftOut: LeftOutPreference[] = [];
  const template =
    group.LaunchTemplate ?? group.MixedInstancesPolicy?.LaunchTemplate?.LaunchTemplateSpecification;
  const onConfiguration = !template && Boolean(group.LaunchConfigurationName);
  const version = template?.Version ?? '$Default';
  const rollbackRefusal = onConfiguration
    ? 'the group uses a launch configuration; AWS rolls back only groups on a launch template'
    : !desired
      ? 'no desired configuration was given, and AWS rolls back only a refresh that has one'
      : version.startsWith('$')
        ? `the group uses its launch template's ${version} version; AWS rolls back only to a numbered version`
        : undefined;
  if (prefs.autoRollback && rollbackRefusal)
    leftOut.push({ preference: 'AutoRollback', reason: rollbackRefusal });
  if (prefs.skipMatching && onConfiguration)
    leftOut.push({
      preference: 'SkipMatching',
      reason: 'the group uses a launch configuration; AWS supports skip matching only with launch templates',
    });
  const checkpoints = prefs.checkpoints?.length ? checkpointPercentages(prefs.checkpoints) : undefined;
  return {
    preferences: {
      MinHealthyPercentage: prefs.minHealthyPercentage,
      InstanceWarmup: prefs.warmupSeconds,
      ...(onConfiguration ? {} : { SkipMatching: prefs.skipMatching }),
      ...(rollbackRefusal ? {} : { AutoRollback: prefs.autoRollback }),
      // CheckpointDelay is accepted only with CheckpointPercentages.
      ...(checkpoints
        ? { CheckpointPercentages: checkpoints, CheckpointDelay: prefs.checkpointDelaySeconds }
        : {}),
    },
    leftOut,
  };
}

export class InstanceRefreshes {
  constructor(private readonly aws: AwsClients) {}

  private async group(name: string): Promise<AutoScalingGroup> {
    const { client, sdk } = await this.aws.autoScaling();
    const out = await call('DescribeAutoScalingGroups', () =>
      client.send(new sdk.DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: [name] })),
    );
    const group = out.AutoScalingGroups?.[0];
    if (!group) throw new ActionFailedError('start-instance-refresh', `no Auto Scaling group ${name}`);
    return group;
  }

  /**
   * Starts a rolling refresh of the group with the policy's preferences (those AWS allows for it, see
   * `refreshPreferences`), or adopts the one already active: AWS allows one at a time, and after a lost
   * answer the repeat of our own start is refused with InstanceRefreshInProgress, which is then followed
   * rather than doubled.
   */
  async start(
    group: string,
    prefs: InstanceRefreshPreferences,
    options: { desired?: DesiredLaunch } = {},
  ): Promise<RefreshStart> {
    const { preferences, leftOut } = refreshPreferences(await this.group(group), prefs, options.desired);
    const { client, sdk } = await this.aws.autoScaling();
    const send = () =>
      call(
        'StartInstanceRefresh',
        () =>
          client.send(
            new sdk.StartInstanceRefreshCommand({
              AutoScalingGroupName: group,
              Strategy: 'Rolling',
              Preferences: preferences,
              ...(options.desired
                ? {
                    DesiredConfiguration: {
                      LaunchTemplate: {
                        LaunchTemplateId: options.desired.templateId,
                        Version: String(options.desired.version),
                      },
                    },
                  }
                : {}),
            }),
          ),
        // Retried below, where a repeat that meets our own refresh adopts it.
        { retry: { attempts: 1 } },
      );
    return withRetries(async () => {
      try {
        const id = (await send()).InstanceRefreshId;
        if (!id) throw new ActionFailedError('start-instance-refresh', 'StartInstanceRefresh returned no id');
        return { id, adopted: false, leftOut };
      } catch (error) {
        if (!isInProgress(error)) throw error;
        const running = await this.active(group);
        // Refused, yet nothing is active: it ended between the two calls. Not retried here: the
        // refused start is reported, and a re-run of the step starts afresh.
        if (!running) throw error;
        return { id: running.id, adopted: true, leftOut };
      }
    });
  }

  async get(group: string, id: string): Promise<InstanceRefreshFacts | undefined> {
    const { client, sdk } = await this.aws.autoScaling();
    const out = await call('DescribeInstanceRefreshes', () =>
      client.send(
        new sdk.DescribeInstanceRefreshesCommand({ AutoScalingGroupName: group, InstanceRefreshIds: [id] }),
      ),
    );
    const found = out.InstanceRefreshes?.find((r) => r.InstanceRefreshId === id);
    return found ? facts(found) : undefined;
  }

  /** The group's refresh that still holds it (Pending, InProgress, Cancelling, RollbackInProgress, Baking). */
  async active(group: string): Promise<InstanceRefreshFacts | undefined> {
    const { client, sdk } = await this.aws.autoScaling();
    const pages = sdk.paginateDescribeInstanceRefreshes(
      { client: viaCall(client, 'DescribeInstanceRefreshes') },
      { AutoScalingGroupName: group },
    );
    for await (const page of pages) {
      const found = (page.InstanceRefreshes ?? []).map(facts).find((r) => isActiveRefresh(r.status));
      if (found) return found;
    }
    return undefined;
  }

  /** Cancels the group's active refresh; a group with none is left as it is. */
  async cancel(group: string): Promise<void> {
    const { client, sdk } = await this.aws.autoScaling();
    try {
      await call('CancelInstanceRefresh', () =>
        client.send(new sdk.CancelInstanceRefreshCommand({ AutoScalingGroupName: group })),
      );
    } catch (error) {
      if (!isNoActiveRefresh(error)) throw error;
    }
  }
}
