/**
 * The calls that change things in a cleanup: writing and removing the `autopilot:delete-after` tag
 * (batched where the API takes many resources at once), and deleting one orphan, each answered in three
 * words (done, already gone, in use). Every call is counted as `act` for its category.
 */
import { parseArn } from '../../model/arn';
import type { CleanupCategory } from '../../model/cleanup';
import type { BatchResult, Deleted, Tagged } from '../../model/deleted';
import { TAGS } from '../../model/tags';
import { deletedFrom, deletedFromCode, deletion } from '../deletion';
import { chunks, mapLimit, send, type CleanupIo } from './calls';

const settle = async (ids: string[], results: BatchResult, fn: () => Promise<unknown>) => {
  try {
    await fn();
    for (const id of ids) results.set(id, undefined);
  } catch (error) {
    for (const id of ids) results.set(id, (error as Error).message);
  }
};

const EC2_TAGGED: readonly CleanupCategory[] = ['elastic-ip', 'volume', 'snapshot', 'image', 'instance'];

export class CleanupWrites {
  constructor(
    private readonly io: CleanupIo,
    private readonly region: string,
  ) {}

  private act<T>(category: CleanupCategory, operation: string, fn: () => Promise<T>): Promise<T> {
    return send(this.io, 'act', category, operation, fn);
  }

  private clients = () => this.io.clients(this.region);

  async releaseAddress(allocationId: string): Promise<Deleted> {
    const { client, sdk } = await this.clients().ec2();
    return deletion(() =>
      this.act('elastic-ip', 'ReleaseAddress', () =>
        client.send(new sdk.ReleaseAddressCommand({ AllocationId: allocationId })),
      ),
    );
  }

  async deleteVolume(id: string): Promise<Deleted> {
    const { client, sdk } = await this.clients().ec2();
    return deletion(() =>
      this.act('volume', 'DeleteVolume', () => client.send(new sdk.DeleteVolumeCommand({ VolumeId: id }))),
    );
  }

  async deleteSnapshot(id: string): Promise<Deleted> {
    const { client, sdk } = await this.clients().ec2();
    return deletion(() =>
      this.act('snapshot', 'DeleteSnapshot', () =>
        client.send(new sdk.DeleteSnapshotCommand({ SnapshotId: id })),
      ),
    );
  }

  async deregisterImage(id: string): Promise<Deleted> {
    const { client, sdk } = await this.clients().ec2();
    return deletion(() =>
      this.act('image', 'DeregisterImage', () =>
        client.send(new sdk.DeregisterImageCommand({ ImageId: id })),
      ),
    );
  }

  /** "Not found" is an image deregistered meanwhile; EnableImageDeprecation has no "in use" answer. */
  async deprecateImage(id: string, at: Date): Promise<Deleted> {
    const { client, sdk } = await this.clients().ec2();
    return deletion(() =>
      this.act('image', 'EnableImageDeprecation', () =>
        client.send(new sdk.EnableImageDeprecationCommand({ ImageId: id, DeprecateAt: at })),
      ),
    );
  }

  async terminateInstance(id: string): Promise<Deleted> {
    const { client, sdk } = await this.clients().ec2();
    return deletion(() =>
      this.act('instance', 'TerminateInstances', () =>
        client.send(new sdk.TerminateInstancesCommand({ InstanceIds: [id] })),
      ),
    );
  }

  async deleteLaunchTemplateVersion(templateId: string, version: number): Promise<Deleted> {
    const { client, sdk } = await this.clients().ec2();
    let out;
    try {
      out = await this.act('launch-template', 'DeleteLaunchTemplateVersions', () =>
        client.send(
          new sdk.DeleteLaunchTemplateVersionsCommand({
            LaunchTemplateId: templateId,
            Versions: [String(version)],
          }),
        ),
      );
    } catch (error) {
      const answer = deletedFrom(error);
      if (answer) return answer;
      throw error;
    }
    // This call answers 200 and lists per-version failures in its body.
    const failed = out.UnsuccessfullyDeletedLaunchTemplateVersions?.[0];
    if (!failed) return { status: 'applied' };
    const code = failed.ResponseError?.Code ?? 'error';
    return deletedFromCode('DeleteLaunchTemplateVersions', code, failed.ResponseError?.Message ?? code);
  }

  async deleteLaunchConfiguration(name: string): Promise<Deleted> {
    const { client, sdk } = await this.clients().autoScaling();
    return deletion(() =>
      this.act('launch-configuration', 'DeleteLaunchConfiguration', () =>
        client.send(new sdk.DeleteLaunchConfigurationCommand({ LaunchConfigurationName: name })),
      ),
    );
  }

  async deleteAutoScalingGroup(name: string): Promise<Deleted> {
    const { client, sdk } = await this.clients().autoScaling();
    return deletion(() =>
      this.act('auto-scaling-group', 'DeleteAutoScalingGroup', () =>
        client.send(new sdk.DeleteAutoScalingGroupCommand({ AutoScalingGroupName: name })),
      ),
    );
  }

  async deleteAlarm(name: string): Promise<Deleted> {
    const { client, sdk } = await this.clients().cloudWatch();
    return deletion(() =>
      this.act('alarm', 'DeleteAlarms', () =>
        client.send(new sdk.DeleteAlarmsCommand({ AlarmNames: [name] })),
      ),
    );
  }

  async deleteTopic(arn: string): Promise<Deleted> {
    const { client, sdk } = await this.clients().sns();
    return deletion(() =>
      this.act('topic', 'DeleteTopic', () => client.send(new sdk.DeleteTopicCommand({ TopicArn: arn }))),
    );
  }

  async unsubscribe(arn: string): Promise<Deleted> {
    // Unsubscribe is answered by the region the subscription lives in (its ARN's).
    const { client, sdk } = await this.io.clients(parseArn(arn)?.region || this.region).sns();
    return deletion(() =>
      this.act('subscription', 'Unsubscribe', () =>
        client.send(new sdk.UnsubscribeCommand({ SubscriptionArn: arn })),
      ),
    );
  }

  /**
   * Tags `autopilot:delete-after=<date>` (or removes it, `date` undefined) on resources of one category.
   * EC2 takes many resources per CreateTags/DeleteTags, Auto Scaling many groups per call; CloudWatch
   * and SNS one resource per call. Kinds that cannot be tagged keep their mark in the state table alone.
   */
  async writeMarks(
    category: CleanupCategory,
    items: Tagged[],
    date: string | undefined,
  ): Promise<BatchResult> {
    const results: BatchResult = new Map();
    const key = TAGS.deleteAfter;
    const act = <T>(operation: string, fn: () => Promise<T>) => this.act(category, operation, fn);
    if (EC2_TAGGED.includes(category)) {
      const { client, sdk } = await this.clients().ec2();
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
      const { client, sdk } = await this.clients().autoScaling();
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
      const { client, sdk } = await this.clients().cloudWatch();
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
      const { client, sdk } = await this.clients().sns();
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
}
