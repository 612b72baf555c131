/**
 * The calls that change things: writing and removing the `autopilot:delete-after` tag (batched where
 * the API takes many resources at once), and deleting one orphan. A deletion AWS answers with "not
 * found" is an orphan already gone; one it refuses because the resource is in use is kept.
 */
import { AwsCallError } from '../../errors';
import type { CleanupCategory } from '../../model/cleanup';
import { TAGS } from '../../model/tags';
import { parseArn } from '../../plan/cleanup/facts';
import type { CleanupDeletion } from '../../plan/cleanup/plan';
import { chunks, mapLimit, send, type CleanupIo } from './calls';

export interface Tagged {
  id: string;
  /** Alarms are tagged by ARN. */
  arn?: string;
}

/** What happened to each resource of a batch: an error message for those that failed. */
export type BatchResult = Map<string, string | undefined>;

const settle = async (ids: string[], results: BatchResult, fn: () => Promise<unknown>) => {
  try {
    await fn();
    for (const id of ids) results.set(id, undefined);
  } catch (error) {
    for (const id of ids) results.set(id, (error as Error).message);
  }
};

/**
 * Tags `autopilot:delete-after=<date>` (or removes it, `date` undefined) on resources of one category.
 * EC2 takes many resources per CreateTags/DeleteTags, Auto Scaling many groups per call; CloudWatch
 * and SNS one resource per call.
 */
export async function writeMarkTags(
  io: CleanupIo,
  region: string,
  category: CleanupCategory,
  items: Tagged[],
  date: string | undefined,
): Promise<BatchResult> {
  const results: BatchResult = new Map();
  const clients = io.clients(region);
  const act = <T>(operation: string, fn: () => Promise<T>) => send(io, 'act', category, operation, fn);
  const key = TAGS.deleteAfter;
  if (['elastic-ip', 'volume', 'snapshot', 'image', 'instance'].includes(category)) {
    const { client, sdk } = await clients.ec2();
    for (const batch of chunks(items, 500)) {
      const Resources = batch.map((i) => i.id);
      await settle(Resources, results, () =>
        date
          ? act('CreateTags', () =>
              client.send(new sdk.CreateTagsCommand({ Resources, Tags: [{ Key: key, Value: date }] })),
            )
          : act('DeleteTags', () =>
              client.send(new sdk.DeleteTagsCommand({ Resources, Tags: [{ Key: key }] })),
            ),
      );
    }
  } else if (category === 'auto-scaling-group') {
    const { client, sdk } = await clients.autoScaling();
    for (const batch of chunks(items, 25)) {
      const ids = batch.map((i) => i.id);
      const Tags = ids.map((ResourceId) => ({
        ResourceId,
        ResourceType: 'auto-scaling-group',
        Key: key,
        ...(date ? { Value: date, PropagateAtLaunch: false } : {}),
      }));
      await settle(ids, results, () =>
        date
          ? act('CreateOrUpdateTags', () => client.send(new sdk.CreateOrUpdateTagsCommand({ Tags })))
          : act('DeleteTags', () => client.send(new sdk.DeleteTagsCommand({ Tags }))),
      );
    }
  } else if (category === 'alarm') {
    const { client, sdk } = await clients.cloudWatch();
    await mapLimit(items, 8, (i) =>
      settle([i.id], results, () =>
        date
          ? act('TagResource', () =>
              client.send(
                new sdk.TagResourceCommand({ ResourceARN: i.arn, Tags: [{ Key: key, Value: date }] }),
              ),
            )
          : act('UntagResource', () =>
              client.send(new sdk.UntagResourceCommand({ ResourceARN: i.arn, TagKeys: [key] })),
            ),
      ),
    );
  } else if (category === 'topic') {
    const { client, sdk } = await clients.sns();
    await mapLimit(items, 8, (i) =>
      settle([i.id], results, () =>
        date
          ? act('TagResource', () =>
              client.send(
                new sdk.TagResourceCommand({ ResourceArn: i.id, Tags: [{ Key: key, Value: date }] }),
              ),
            )
          : act('UntagResource', () =>
              client.send(new sdk.UntagResourceCommand({ ResourceArn: i.id, TagKeys: [key] })),
            ),
      ),
    );
  } else {
    // Launch configurations, template versions, subscriptions: the mark is the state-table entry alone.
    for (const i of items) results.set(i.id, undefined);
  }
  return results;
}

export type DeleteOutcome = { status: 'applied' } | { status: 'dropped'; detail: string; inUse: boolean };

const GONE = /NotFound|\.Unavailable$|not found/i;
const IN_USE = /InUse|ResourceInUse|DependencyViolation|ScalingActivityInProgress/;

/** Deletes one orphan; "not found" means someone else did, "in use" that AWS refused to. */
export async function deleteOrphan(io: CleanupIo, action: CleanupDeletion): Promise<DeleteOutcome> {
  const region = action.region!;
  const clients = io.clients(region);
  const category = action.type === 'delete-alarm' ? 'alarm' : action.category;
  const act = <T>(operation: string, fn: () => Promise<T>) => send(io, 'act', category, operation, fn);
  try {
    switch (action.type) {
      case 'release-address': {
        const { client, sdk } = await clients.ec2();
        await act('ReleaseAddress', () =>
          client.send(new sdk.ReleaseAddressCommand({ AllocationId: action.resourceId })),
        );
        break;
      }
      case 'delete-volume': {
        const { client, sdk } = await clients.ec2();
        await act('DeleteVolume', () =>
          client.send(new sdk.DeleteVolumeCommand({ VolumeId: action.resourceId })),
        );
        break;
      }
      case 'delete-snapshot': {
        const { client, sdk } = await clients.ec2();
        await act('DeleteSnapshot', () =>
          client.send(new sdk.DeleteSnapshotCommand({ SnapshotId: action.resourceId })),
        );
        break;
      }
      case 'deregister-image': {
        const { client, sdk } = await clients.ec2();
        // Its snapshots stay: the snapshot rule finds them on a later run, with their own grace period.
        await act('DeregisterImage', () =>
          client.send(new sdk.DeregisterImageCommand({ ImageId: action.resourceId })),
        );
        break;
      }
      case 'terminate-instance': {
        const { client, sdk } = await clients.ec2();
        await act('TerminateInstances', () =>
          client.send(new sdk.TerminateInstancesCommand({ InstanceIds: [action.resourceId] })),
        );
        break;
      }
      case 'delete-launch-template-version': {
        const { client, sdk } = await clients.ec2();
        const out = await act('DeleteLaunchTemplateVersions', () =>
          client.send(
            new sdk.DeleteLaunchTemplateVersionsCommand({
              LaunchTemplateId: action.launchTemplateId,
              Versions: [String(action.version)],
            }),
          ),
        );
        // This call answers 200 and lists per-version failures in its body.
        const failed = out.UnsuccessfullyDeletedLaunchTemplateVersions?.[0];
        if (failed) {
          const code = failed.ResponseError?.Code ?? 'error';
          if (GONE.test(code)) return { status: 'dropped', detail: 'already gone', inUse: false };
          throw new AwsCallError(
            'DeleteLaunchTemplateVersions',
            code,
            failed.ResponseError?.Message ?? code,
            false,
          );
        }
        break;
      }
      case 'delete-launch-configuration': {
        const { client, sdk } = await clients.autoScaling();
        await act('DeleteLaunchConfiguration', () =>
          client.send(
            new sdk.DeleteLaunchConfigurationCommand({ LaunchConfigurationName: action.resourceId }),
          ),
        );
        break;
      }
      case 'delete-auto-scaling-group': {
        const { client, sdk } = await clients.autoScaling();
        await act('DeleteAutoScalingGroup', () =>
          client.send(new sdk.DeleteAutoScalingGroupCommand({ AutoScalingGroupName: action.resourceId })),
        );
        break;
      }
      case 'delete-alarm': {
        const { client, sdk } = await clients.cloudWatch();
        await act('DeleteAlarms', () =>
          client.send(new sdk.DeleteAlarmsCommand({ AlarmNames: [action.alarmName] })),
        );
        break;
      }
      case 'delete-topic': {
        const { client, sdk } = await clients.sns();
        await act('DeleteTopic', () =>
          client.send(new sdk.DeleteTopicCommand({ TopicArn: action.resourceId })),
        );
        break;
      }
      case 'delete-subscription': {
        // Unsubscribe is answered by the region the subscription lives in (its ARN's).
        const { client, sdk } = await io.clients(parseArn(action.resourceId)?.region || region).sns();
        await act('Unsubscribe', () =>
          client.send(new sdk.UnsubscribeCommand({ SubscriptionArn: action.resourceId })),
        );
        break;
      }
    }
    return { status: 'applied' };
  } catch (error) {
    // Auto Scaling says "not found" as a ValidationError (a group or launch configuration deleted meanwhile).
    const gone =
      error instanceof AwsCallError &&
      (GONE.test(error.code) || (error.code === 'ValidationError' && /not found/i.test(error.message)));
    if (gone) return { status: 'dropped', detail: 'already gone', inUse: false };
    if (error instanceof AwsCallError && IN_USE.test(error.code))
      return { status: 'dropped', detail: `AWS refused: in use (${error.code})`, inUse: true };
    throw error;
  }
}
