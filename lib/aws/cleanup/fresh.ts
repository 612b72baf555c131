/**
 * Re-reads, just before deleting: the few resources a cleanup is about to delete, read again in as few
 * calls as AWS allows (filters of up to 200 values, name lists of up to 100), as the same facts the scan
 * gives the rules, so that the actions re-verify with the rules' own predicates. Every call is counted
 * as `verify` for its category.
 */
import type { LaunchTemplate } from '@aws-sdk/client-ec2';
import { AwsCallError } from '../../errors';
import { parseArn } from '../../model/arn';
import type { CleanupCategory } from '../../model/cleanup';
import type {
  AddressFacts,
  AlarmFacts,
  GroupFacts,
  ImageFacts,
  InstanceRecord,
  LaunchConfigurationFacts,
  LaunchTemplateFacts,
  SnapshotFacts,
  VolumeFacts,
} from '../../model/inventory';
import { tagMap } from '../../model/tags';
import { chunks, counted, mapLimit, send, type CleanupIo } from './calls';
import {
  addressFacts,
  imageFacts,
  instanceRecord,
  LIVE_STATES,
  PAGE,
  snapshotFacts,
  volumeFacts,
} from './scan-ec2';
import { alarmFacts, groupFacts, SERVICE_PAGE } from './scan-services';

/** EC2 accepts up to 200 values in one filter. */
const FILTER = 200;

type Filter = { Name: string; Values: string[] };

export class FreshReads {
  constructor(
    private readonly io: CleanupIo,
    private readonly region: string,
  ) {}

  private v<T>(category: CleanupCategory, operation: string, fn: () => Promise<T>): Promise<T> {
    return send(this.io, 'verify', category, operation, fn);
  }

  /** A client for an SDK paginator whose every page is one counted `verify` call. */
  private counted<C extends { send: (...args: never[]) => unknown }>(
    category: CleanupCategory,
    operation: string,
    client: C,
  ): C {
    return counted(this.io, 'verify', category, operation, client);
  }

  private ec2 = () => this.io.clients(this.region).ec2();

  /** One describe per 200 ids, by filter: an unknown id does not fail the call, it is just not listed. */
  private async filtered<T>(
    ids: string[],
    name: string,
    page: (filters: Filter[]) => Promise<T[]>,
  ): Promise<T[]> {
    const out: T[] = [];
    for (const batch of chunks(ids, FILTER)) out.push(...(await page([{ Name: name, Values: batch }])));
    return out;
  }

  async addresses(ids: string[]): Promise<AddressFacts[]> {
    const { client, sdk } = await this.ec2();
    return this.filtered(ids, 'allocation-id', async (Filters) =>
      (
        (
          await this.v('elastic-ip', 'DescribeAddresses', () =>
            client.send(new sdk.DescribeAddressesCommand({ Filters })),
          )
        ).Addresses ?? []
      ).map(addressFacts),
    );
  }

  async volumes(ids: string[]): Promise<VolumeFacts[]> {
    const { client, sdk } = await this.ec2();
    return this.filtered(ids, 'volume-id', async (Filters) =>
      (
        (
          await this.v('volume', 'DescribeVolumes', () =>
            client.send(new sdk.DescribeVolumesCommand({ Filters })),
          )
        ).Volumes ?? []
      ).map(volumeFacts),
    );
  }

  async snapshots(ids: string[]): Promise<SnapshotFacts[]> {
    const { client, sdk } = await this.ec2();
    return this.filtered(ids, 'snapshot-id', async (Filters) =>
      (
        (
          await this.v('snapshot', 'DescribeSnapshots', () =>
            client.send(new sdk.DescribeSnapshotsCommand({ OwnerIds: ['self'], Filters })),
          )
        ).Snapshots ?? []
      ).map(snapshotFacts),
    );
  }

  /**
   * Every image of the account rather than a `block-device-mapping.snapshot-id` filter: moto answers
   * that filter with HTTP 500, and the listing is a page per 1,000 images.
   */
  async allImages(category: CleanupCategory): Promise<ImageFacts[]> {
    const { client, sdk } = await this.ec2();
    const pages = sdk.paginateDescribeImages(
      { client: this.counted(category, 'DescribeImages', client), pageSize: 1000 },
      { Owners: ['self'], IncludeDeprecated: true, IncludeDisabled: true },
    );
    const images: ImageFacts[] = [];
    for await (const page of pages) images.push(...(page.Images ?? []).map(imageFacts));
    return images;
  }

  async images(ids: string[]): Promise<ImageFacts[]> {
    const { client, sdk } = await this.ec2();
    return this.filtered(ids, 'image-id', async (Filters) =>
      (
        (
          await this.v('image', 'DescribeImages', () =>
            client.send(new sdk.DescribeImagesCommand({ Owners: ['self'], Filters })),
          )
        ).Images ?? []
      ).map(imageFacts),
    );
  }

  async instancesOfImages(imageIds: string[]): Promise<InstanceRecord[]> {
    const { client, sdk } = await this.ec2();
    return this.filtered(imageIds, 'image-id', async (Filters) =>
      (
        (
          await this.v('image', 'DescribeInstances', () =>
            client.send(
              new sdk.DescribeInstancesCommand({
                Filters: [...Filters, { Name: 'instance-state-name', Values: LIVE_STATES }],
              }),
            ),
          )
        ).Reservations ?? []
      ).flatMap((r) => (r.Instances ?? []).map(instanceRecord)),
    );
  }

  /**
   * Every version of every template that launches one of these images: AWS lists versions one template
   * at a time (across templates only `$Latest` and `$Default`), so one listing of the templates, then one
   * of each template's versions per 200 images (the `image-id` filter; moto ignores it, so the versions
   * are also matched here). Templates none of whose versions match are left out.
   */
  async templatesOfImages(imageIds: string[]): Promise<LaunchTemplateFacts[]> {
    if (imageIds.length === 0) return [];
    const { client, sdk } = await this.ec2();
    const wanted = new Set(imageIds);
    const templates: LaunchTemplate[] = [];
    const listing = sdk.paginateDescribeLaunchTemplates(
      { client: this.counted('image', 'DescribeLaunchTemplates', client), pageSize: PAGE.launchTemplates },
      {},
    );
    for await (const page of listing) templates.push(...(page.LaunchTemplates ?? []));
    const versioned = this.counted('image', 'DescribeLaunchTemplateVersions', client);
    const found = await mapLimit(templates, 8, async (t): Promise<LaunchTemplateFacts> => {
      const versions: LaunchTemplateFacts['versions'] = [];
      for (const batch of chunks(imageIds, FILTER)) {
        const pages = sdk.paginateDescribeLaunchTemplateVersions(
          { client: versioned, pageSize: PAGE.launchTemplateVersions },
          { LaunchTemplateId: t.LaunchTemplateId, Filters: [{ Name: 'image-id', Values: batch }] },
        );
        for await (const page of pages)
          for (const v of page.LaunchTemplateVersions ?? []) {
            const imageId = v.LaunchTemplateData?.ImageId;
            if (imageId && wanted.has(imageId))
              versions.push({
                number: v.VersionNumber ?? 0,
                imageId,
                ...(v.CreateTime ? { createdAt: v.CreateTime.toISOString() } : {}),
              });
          }
      }
      return {
        id: t.LaunchTemplateId ?? '',
        name: t.LaunchTemplateName ?? '',
        defaultVersion: t.DefaultVersionNumber ?? 1,
        latestVersion: t.LatestVersionNumber ?? 1,
        versions,
        tags: tagMap(t.Tags),
      };
    });
    return found.filter((t) => t.versions.length > 0);
  }

  /** Launch configurations of these images: one listing of them all (the call has no image filter). */
  async configurationsOfImages(imageIds: string[]): Promise<LaunchConfigurationFacts[]> {
    if (imageIds.length === 0) return [];
    const { client, sdk } = await this.io.clients(this.region).autoScaling();
    const wanted = new Set(imageIds);
    const pages = sdk.paginateDescribeLaunchConfigurations(
      {
        client: this.counted('image', 'DescribeLaunchConfigurations', client),
        pageSize: SERVICE_PAGE.launchConfigurations,
      },
      {},
    );
    const out: LaunchConfigurationFacts[] = [];
    for await (const page of pages)
      for (const c of page.LaunchConfigurations ?? [])
        if (c.ImageId && wanted.has(c.ImageId))
          out.push({
            name: c.LaunchConfigurationName ?? '',
            imageId: c.ImageId,
            ...(c.CreatedTime ? { createdAt: c.CreatedTime.toISOString() } : {}),
          });
    return out;
  }

  /**
   * The account's images carrying tag `key=value` (a lineage), deprecated and disabled ones included, in
   * one listing filtered by AWS. Counted as a `scan` of images: it is what a retention decides from.
   */
  async imagesTagged(key: string, value: string): Promise<ImageFacts[]> {
    const { client, sdk } = await this.ec2();
    const pages = sdk.paginateDescribeImages(
      { client: counted(this.io, 'scan', 'image', 'DescribeImages', client), pageSize: PAGE.images },
      {
        Owners: ['self'],
        IncludeDeprecated: true,
        IncludeDisabled: true,
        Filters: [{ Name: `tag:${key}`, Values: [value] }],
      },
    );
    const images: ImageFacts[] = [];
    for await (const page of pages) images.push(...(page.Images ?? []).map(imageFacts));
    return images;
  }

  async instances(ids: string[]): Promise<InstanceRecord[]> {
    const { client, sdk } = await this.ec2();
    return this.filtered(ids, 'instance-id', async (Filters) =>
      (
        (
          await this.v('instance', 'DescribeInstances', () =>
            client.send(new sdk.DescribeInstancesCommand({ Filters })),
          )
        ).Reservations ?? []
      ).flatMap((r) => (r.Instances ?? []).map(instanceRecord)),
    );
  }

  async groups(names: string[]): Promise<GroupFacts[]> {
    const { client, sdk } = await this.io.clients(this.region).autoScaling();
    const out: GroupFacts[] = [];
    for (const batch of chunks(names, 50)) {
      const page = await this.v('auto-scaling-group', 'DescribeAutoScalingGroups', () =>
        client.send(
          new sdk.DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: batch, MaxRecords: 100 }),
        ),
      );
      out.push(...(page.AutoScalingGroups ?? []).map(groupFacts));
    }
    return out;
  }

  /** Every group: launch configurations and template versions have no other user AWS keeps. */
  async allGroups(category: CleanupCategory): Promise<GroupFacts[]> {
    const { client, sdk } = await this.io.clients(this.region).autoScaling();
    const pages = sdk.paginateDescribeAutoScalingGroups(
      { client: this.counted(category, 'DescribeAutoScalingGroups', client), pageSize: 100 },
      {},
    );
    const groups: GroupFacts[] = [];
    for await (const page of pages) groups.push(...(page.AutoScalingGroups ?? []).map(groupFacts));
    return groups;
  }

  async alarms(names: string[]): Promise<AlarmFacts[]> {
    const { client, sdk } = await this.io.clients(this.region).cloudWatch();
    const out: AlarmFacts[] = [];
    for (const batch of chunks(names, 100)) {
      const page = await this.v('alarm', 'DescribeAlarms', () =>
        client.send(new sdk.DescribeAlarmsCommand({ AlarmNames: batch, AlarmTypes: ['MetricAlarm'] })),
      );
      out.push(...(page.MetricAlarms ?? []).map(alarmFacts));
    }
    return out;
  }

  /** One listing of the account's subscriptions (100 a page), not one call per topic. */
  async subscribedTopics(): Promise<Set<string>> {
    const { client, sdk } = await this.io.clients(this.region).sns();
    const subscribed = new Set<string>();
    const pages = sdk.paginateListSubscriptions(
      { client: this.counted('topic', 'ListSubscriptions', client) },
      {},
    );
    for await (const page of pages)
      for (const sub of page.Subscriptions ?? []) if (sub.TopicArn) subscribed.add(sub.TopicArn);
    return subscribed;
  }

  /** Asked in each topic's own region, 8 at a time; anything but "not found" is an error. */
  async topicsExist(arns: string[]): Promise<Map<string, boolean>> {
    const answers = await mapLimit(arns, 8, async (TopicArn) => {
      const { client, sdk } = await this.io.clients(parseArn(TopicArn)?.region || this.region).sns();
      try {
        await this.v('subscription', 'GetTopicAttributes', () =>
          client.send(new sdk.GetTopicAttributesCommand({ TopicArn })),
        );
        return true;
      } catch (error) {
        if (error instanceof AwsCallError && /NotFound/.test(error.code)) return false;
        throw error;
      }
    });
    return new Map(arns.map((arn, i) => [arn, answers[i]!]));
  }
}
