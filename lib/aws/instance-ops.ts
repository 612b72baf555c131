/**
 * Changes to instances, images and Elastic IPs for a resize. Each is safe to repeat: the workflow may run
 * a step twice after a crash, so every call either checks first or is idempotent in AWS.
 */
import { TAGS } from '../model/tags';
import type { BlockDeviceMapping } from '@aws-sdk/client-ec2';
import { ActionFailedError } from '../errors';
import type { InstanceFacts } from '../model/instance';
import { call, isAwsCode } from './call';
import type { AwsClients } from './clients';
import { withRetries } from './retry';

const tagList = (tags: Record<string, string>) =>
  Object.entries(tags).map(([Key, Value]) => ({ Key, Value }));

/** AWS tags it reserves (`aws:`) cannot be copied onto another resource. */
const copyable = (tags: Record<string, string>) =>
  Object.fromEntries(Object.entries(tags).filter(([k]) => !k.startsWith('aws:')));

export class InstanceOps {
  constructor(private readonly aws: AwsClients) {}

  async stop(id: string): Promise<void> {
    const { client, sdk } = await this.aws.ec2();
    await call('StopInstances', () => client.send(new sdk.StopInstancesCommand({ InstanceIds: [id] })));
  }

  async start(id: string): Promise<void> {
    const { client, sdk } = await this.aws.ec2();
    await call('StartInstances', () => client.send(new sdk.StartInstancesCommand({ InstanceIds: [id] })));
  }

  async terminate(id: string): Promise<void> {
    const { client, sdk } = await this.aws.ec2();
    await call('TerminateInstances', () =>
      client.send(new sdk.TerminateInstancesCommand({ InstanceIds: [id] })),
    );
  }

  /**
   * AWS refuses a type change on a running instance (IncorrectInstanceState); emulators may not, so the
   * state is checked here too and a running instance is never modified.
   */
  async modifyType(instance: InstanceFacts, type: string): Promise<void> {
    if (instance.state !== 'stopped') {
      throw new ActionFailedError(
        'resize-instance',
        `${instance.id} is ${instance.state}: its type can only change while it is stopped`,
      );
    }
    const { client, sdk } = await this.aws.ec2();
    await call('ModifyInstanceAttribute', () =>
      client.send(
        new sdk.ModifyInstanceAttributeCommand({ InstanceId: instance.id, InstanceType: { Value: type } }),
      ),
    );
  }

  async tag(resourceIds: string[], tags: Record<string, string>): Promise<void> {
    const { client, sdk } = await this.aws.ec2();
    await call('CreateTags', () =>
      client.send(new sdk.CreateTagsCommand({ Resources: resourceIds, Tags: tagList(tags) })),
    );
  }

  async untag(resourceIds: string[], keys: string[]): Promise<void> {
    const { client, sdk } = await this.aws.ec2();
    await call('DeleteTags', () =>
      client.send(new sdk.DeleteTagsCommand({ Resources: resourceIds, Tags: keys.map((Key) => ({ Key })) })),
    );
  }

  /** The image an operation already made, found by its tag (image names need not be unique in emulators). */
  async findImage(
    tagKey: string,
    tagValue: string,
  ): Promise<{ id: string; state: string; snapshotIds: string[] } | undefined> {
    const { client, sdk } = await this.aws.ec2();
    const out = await call('DescribeImages', () =>
      client.send(
        new sdk.DescribeImagesCommand({
          Owners: ['self'],
          Filters: [{ Name: `tag:${tagKey}`, Values: [tagValue] }],
        }),
      ),
    );
    const image = out.Images?.find((i) => i.State !== 'deregistered');
    return image
      ? {
          id: image.ImageId!,
          state: image.State ?? 'unknown',
          snapshotIds: (image.BlockDeviceMappings ?? []).map((b) => b.Ebs?.SnapshotId ?? '').filter(Boolean),
        }
      : undefined;
  }

  /**
   * The newest available image this account made of a lineage (`autopilot:lineage`, managed): what a
   * failover launches a replacement from. Pending, failed and deprecated-by-retention ones included
   * only if available.
   */
  async newestImage(lineage: string): Promise<{ id: string; name?: string; createdAt?: string } | undefined> {
    const { client, sdk } = await this.aws.ec2();
    const out = await call('DescribeImages', () =>
      client.send(
        new sdk.DescribeImagesCommand({
          Owners: ['self'],
          Filters: [
            { Name: `tag:${TAGS.lineage}`, Values: [lineage] },
            { Name: `tag:${TAGS.managed}`, Values: ['true'] },
            { Name: 'state', Values: ['available'] },
          ],
        }),
      ),
    );
    const newest = (out.Images ?? [])
      .filter((i) => i.ImageId && i.State === 'available')
      .sort((a, b) => (b.CreationDate ?? '').localeCompare(a.CreationDate ?? ''))[0];
    return newest
      ? {
          id: newest.ImageId!,
          ...(newest.Name ? { name: newest.Name } : {}),
          ...(newest.CreationDate ? { createdAt: newest.CreationDate } : {}),
        }
      : undefined;
  }

  /** This account's image of that name, if any (names are unique per account and region in AWS). */
  async imageNamed(name: string): Promise<string | undefined> {
    const { client, sdk } = await this.aws.ec2();
    const out = await call('DescribeImages', () =>
      client.send(
        new sdk.DescribeImagesCommand({ Owners: ['self'], Filters: [{ Name: 'name', Values: [name] }] }),
      ),
    );
    return out.Images?.find((i) => i.State !== 'deregistered')?.ImageId;
  }

  async imageState(imageId: string): Promise<string> {
    const { client, sdk } = await this.aws.ec2();
    const out = await call('DescribeImages', () =>
      client.send(new sdk.DescribeImagesCommand({ ImageIds: [imageId] })),
    );
    return out.Images?.[0]?.State ?? 'missing';
  }

  async imageBlockDevices(imageId: string): Promise<BlockDeviceMapping[]> {
    const { client, sdk } = await this.aws.ec2();
    const out = await call('DescribeImages', () =>
      client.send(new sdk.DescribeImagesCommand({ ImageIds: [imageId] })),
    );
    return out.Images?.[0]?.BlockDeviceMappings ?? [];
  }

  /**
   * Images the instance with its volumes. The image is tagged in the same call; its snapshots are tagged
   * afterwards (a `snapshot` TagSpecification on CreateImage is not supported everywhere), so cleanup can
   * tell what it belongs to.
   */
  async createImage(
    instance: InstanceFacts,
    name: string,
    reboot: boolean,
    tags: Record<string, string>,
  ): Promise<string> {
    const { client, sdk } = await this.aws.ec2();
    const create = () =>
      call(
        'CreateImage',
        () =>
          client.send(
            new sdk.CreateImageCommand({
              InstanceId: instance.id,
              Name: name,
              Description: `ec2-autopilot: image of ${instance.id} (${instance.type}) for a resize`,
              NoReboot: !reboot,
              TagSpecifications: [{ ResourceType: 'image', Tags: tagList(tags) }],
            }),
          ),
        // Not retried blindly: a retry after a lost answer would make a second image.
        { retry: { attempts: 1 } },
      );
    // The name is the operation's own: after a lost answer the image is found by it and adopted (AWS
    // also refuses a second image of that name with InvalidAMIName.Duplicate, which means the same).
    let attempt = 0;
    const imageId = await withRetries(async () => {
      if (attempt++ > 0) {
        const made = await this.imageNamed(name);
        if (made) return made;
      }
      try {
        return (await create()).ImageId!;
      } catch (error) {
        const made = isAwsCode(error, 'InvalidAMIName.Duplicate') ? await this.imageNamed(name) : undefined;
        if (made) return made;
        throw error;
      }
    });
    const snapshots = (await this.imageBlockDevices(imageId))
      .map((b) => b.Ebs?.SnapshotId ?? '')
      .filter(Boolean);
    if (snapshots.length > 0) await this.tag(snapshots, tags);
    return imageId;
  }

  /**
   * Launches the replacement: same subnet, security groups, key pair, instance profile, user data, EBS
   * settings (from the image, i.e. the old volumes) and tags, one type bigger. The client token makes a
   * repeated launch return the same instance in AWS; the operation tag lets a re-run find it anywhere.
   */
  async launchReplacement(
    old: Pick<InstanceFacts, 'tags' | 'subnetId' | 'securityGroupIds' | 'keyName' | 'iamInstanceProfileArn'>,
    imageId: string,
    type: string,
    options: {
      clientToken: string;
      tags: Record<string, string>;
      userData?: string;
      /** The tag only this operation's launch carries: a retry after a lost answer finds it by that. */
      madeBy: { key: string; value: string };
    },
  ): Promise<string> {
    const { client, sdk } = await this.aws.ec2();
    const devices = await this.imageBlockDevices(imageId);
    const tags = { ...copyable(old.tags), ...options.tags };
    const launch = () =>
      call(
        'RunInstances',
        () =>
          client.send(
            new sdk.RunInstancesCommand({
              ImageId: imageId,
              InstanceType: type as never,
              MinCount: 1,
              MaxCount: 1,
              ClientToken: options.clientToken,
              ...(old.subnetId ? { SubnetId: old.subnetId } : {}),
              ...(old.securityGroupIds.length > 0 ? { SecurityGroupIds: old.securityGroupIds } : {}),
              ...(old.keyName ? { KeyName: old.keyName } : {}),
              ...(old.iamInstanceProfileArn
                ? { IamInstanceProfile: { Arn: old.iamInstanceProfileArn } }
                : {}),
              ...(options.userData ? { UserData: options.userData } : {}),
              // The image's mappings carry the old volumes' sizes and types; DeleteOnTermination follows the
              // image, as it would for any instance launched from it.
              ...(devices.length > 0
                ? {
                    BlockDeviceMappings: devices.map((d) => ({
                      DeviceName: d.DeviceName,
                      ...(d.Ebs
                        ? {
                            Ebs: {
                              ...d.Ebs,
                              Encrypted: undefined,
                              ...(d.Ebs.Encrypted ? { Encrypted: true } : {}),
                            },
                          }
                        : {}),
                    })),
                  }
                : {}),
              TagSpecifications: [
                { ResourceType: 'instance', Tags: tagList(tags) },
                { ResourceType: 'volume', Tags: tagList(tags) },
              ],
            }),
          ),
        // AWS answers a repeat of the client token with the same instance; not every endpoint does (moto
        // launches another), so a retry first looks for the instance the lost answer would have named.
        { retry: { attempts: 1 } },
      );
    let attempt = 0;
    return withRetries(async () => {
      if (attempt++ > 0) {
        const made = await this.instanceTagged(options.madeBy.key, options.madeBy.value);
        if (made) return made;
      }
      const id = (await launch()).Instances?.[0]?.InstanceId;
      if (!id) throw new ActionFailedError('resize-instance', 'RunInstances returned no instance');
      return id;
    });
  }

  /** An instance that is not terminated and carries the tag, if any. */
  private async instanceTagged(key: string, value: string): Promise<string | undefined> {
    const { client, sdk } = await this.aws.ec2();
    const out = await call('DescribeInstances', () =>
      client.send(
        new sdk.DescribeInstancesCommand({
          Filters: [
            { Name: `tag:${key}`, Values: [value] },
            { Name: 'instance-state-name', Values: ['pending', 'running', 'stopping', 'stopped'] },
          ],
        }),
      ),
    );
    return out.Reservations?.flatMap((r) => r.Instances ?? [])[0]?.InstanceId;
  }

  /**
   * Moves an Elastic IP onto an instance in one call: with AllowReassociation the address goes from the
   * old instance to the new without ever being unattached.
   */
  async moveAddress(allocationId: string, instanceId: string): Promise<void> {
    const { client, sdk } = await this.aws.ec2();
    await call('AssociateAddress', () =>
      client.send(
        new sdk.AssociateAddressCommand({
          AllocationId: allocationId,
          InstanceId: instanceId,
          AllowReassociation: true,
        }),
      ),
    );
  }
}
