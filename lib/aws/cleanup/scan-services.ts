/**
 * The Auto Scaling, CloudWatch and SNS side of a cleanup scan: bulk listings at the largest page size,
 * and the one-by-one lookups (tags of suspect alarms and topics, whether a subscription's topic still
 * exists, a quiet group's last activity).
 */
import type { AutoScalingGroup } from '@aws-sdk/client-auto-scaling';
import type { MetricAlarm } from '@aws-sdk/client-cloudwatch';
import type {
  AlarmFacts,
  GroupFacts,
  LaunchConfigurationFacts,
  SubscriptionFacts,
  Tags,
  TemplateRef,
  TopicFacts,
} from '../../model/inventory';
import { parseArn } from '../../model/arn';
import { tagMap } from '../../model/tags';
import { AwsCallError } from '../../errors';
import { counted, mapLimit, paginate, send, type CleanupIo } from './calls';

/** Largest page each listing accepts (ListTopics and ListSubscriptions have a fixed page of 100). */
export const SERVICE_PAGE = { groups: 100, launchConfigurations: 100, alarms: 100, scheduledActions: 100 };

function templateRefs(g: AutoScalingGroup): TemplateRef[] {
  const ref = (s?: {
    LaunchTemplateId?: string;
    LaunchTemplateName?: string;
    Version?: string;
  }): TemplateRef[] =>
    s && (s.LaunchTemplateId || s.LaunchTemplateName)
      ? [
          {
            ...(s.LaunchTemplateId ? { id: s.LaunchTemplateId } : {}),
            ...(s.LaunchTemplateName ? { name: s.LaunchTemplateName } : {}),
            ...(s.Version ? { version: s.Version } : {}),
          },
        ]
      : [];
  const mixed = g.MixedInstancesPolicy?.LaunchTemplate;
  return [
    ...ref(g.LaunchTemplate),
    ...ref(mixed?.LaunchTemplateSpecification),
    ...(mixed?.Overrides ?? []).flatMap((o) => ref(o.LaunchTemplateSpecification)),
  ];
}

export const groupFacts = (g: AutoScalingGroup): GroupFacts => ({
  name: g.AutoScalingGroupName ?? '',
  minSize: g.MinSize ?? 0,
  maxSize: g.MaxSize ?? 0,
  desiredCapacity: g.DesiredCapacity ?? 0,
  instanceIds: (g.Instances ?? []).map((i) => i.InstanceId ?? '').filter(Boolean),
  ...(g.LaunchConfigurationName ? { launchConfigurationName: g.LaunchConfigurationName } : {}),
  launchTemplates: templateRefs(g),
  ...(g.CreatedTime ? { createdAt: g.CreatedTime.toISOString() } : {}),
  ...(g.Status ? { status: g.Status } : {}),
  tags: tagMap(g.Tags),
});

export async function describeGroups(io: CleanupIo, region: string): Promise<GroupFacts[]> {
  const { client, sdk } = await io.clients(region).autoScaling();
  return paginate(
    io,
    region,
    'groups',
    'DescribeAutoScalingGroups',
    client,
    (c) => sdk.paginateDescribeAutoScalingGroups({ client: c }, { MaxRecords: SERVICE_PAGE.groups }),
    (out) => (out.AutoScalingGroups ?? []).map(groupFacts),
  );
}

export async function describeLaunchConfigurations(
  io: CleanupIo,
  region: string,
): Promise<LaunchConfigurationFacts[]> {
  const { client, sdk } = await io.clients(region).autoScaling();
  return paginate(
    io,
    region,
    'launchConfigurations',
    'DescribeLaunchConfigurations',
    client,
    (c) =>
      sdk.paginateDescribeLaunchConfigurations(
        { client: c },
        { MaxRecords: SERVICE_PAGE.launchConfigurations },
      ),
    (out) =>
      (out.LaunchConfigurations ?? []).map((c) => ({
        name: c.LaunchConfigurationName ?? '',
        ...(c.ImageId ? { imageId: c.ImageId } : {}),
        ...(c.CreatedTime ? { createdAt: c.CreatedTime.toISOString() } : {}),
      })),
  );
}

/**
 * The last scaling activity of each quiet group (one call each, newest first, one record), and which
 * groups have scheduled actions (one listing for the region).
 */
export async function groupActivity(
  io: CleanupIo,
  region: string,
  names: string[],
): Promise<{ activity: Record<string, string>; scheduled: string[] }> {
  const { client, sdk } = await io.clients(region).autoScaling();
  const latest = await mapLimit(names, 8, async (AutoScalingGroupName) => {
    const out = await send(io, 'lookup', 'group-activity', 'DescribeScalingActivities', () =>
      client.send(new sdk.DescribeScalingActivitiesCommand({ AutoScalingGroupName, MaxRecords: 1 })),
    );
    const a = out.Activities?.[0];
    return (a?.EndTime ?? a?.StartTime)?.toISOString();
  });
  const scheduled = new Set<string>();
  const pages = sdk.paginateDescribeScheduledActions(
    { client: counted(io, 'lookup', 'group-activity', 'DescribeScheduledActions', client) },
    { MaxRecords: SERVICE_PAGE.scheduledActions },
  );
  for await (const out of pages)
    for (const s of out.ScheduledUpdateGroupActions ?? [])
      if (s.AutoScalingGroupName) scheduled.add(s.AutoScalingGroupName);
  const activity: Record<string, string> = {};
  names.forEach((n, i) => {
    if (latest[i]) activity[n] = latest[i]!;
  });
  return { activity, scheduled: [...scheduled] };
}

export const alarmFacts = (a: MetricAlarm): AlarmFacts => {
  const metrics = a.Metrics?.filter((m) => m.MetricStat) ?? [];
  const dimensions = (
    metrics.length > 0 ? metrics.map((m) => m.MetricStat!.Metric?.Dimensions ?? []) : [a.Dimensions ?? []]
  ).map((dims) => Object.fromEntries(dims.map((d) => [d.Name ?? '', d.Value ?? ''])) as Tags);
  const period = a.Period ?? metrics[0]?.MetricStat?.Period ?? 60;
  const state = a.StateValue === 'ALARM' || a.StateValue === 'OK' ? a.StateValue : 'INSUFFICIENT_DATA';
  return {
    name: a.AlarmName ?? '',
    ...(a.AlarmArn ? { arn: a.AlarmArn } : {}),
    ...(a.AlarmDescription ? { description: a.AlarmDescription } : {}),
    state,
    ...(a.StateUpdatedTimestamp ? { stateUpdatedAt: a.StateUpdatedTimestamp.toISOString() } : {}),
    ...(a.AlarmConfigurationUpdatedTimestamp
      ? { configurationUpdatedAt: a.AlarmConfigurationUpdatedTimestamp.toISOString() }
      : {}),
    dimensions,
    actions: [...(a.AlarmActions ?? []), ...(a.OKActions ?? []), ...(a.InsufficientDataActions ?? [])],
    metricCount: Math.max(1, metrics.length),
    highResolution: period < 60,
  };
};

/** Metric alarms (composite alarms watch other alarms, not resources). */
export async function describeAlarms(io: CleanupIo, region: string): Promise<AlarmFacts[]> {
  const { client, sdk } = await io.clients(region).cloudWatch();
  return paginate(
    io,
    region,
    'alarms',
    'DescribeAlarms',
    client,
    (c) =>
      sdk.paginateDescribeAlarms(
        { client: c },
        { AlarmTypes: ['MetricAlarm'], MaxRecords: SERVICE_PAGE.alarms },
      ),
    (out) => (out.MetricAlarms ?? []).map(alarmFacts),
  );
}

/**
 * Tags of the given resources, 100 ARNs a call through the Resource Groups Tagging API: neither
 * DescribeAlarms nor ListTopics returns tags, and asking each resource would cost one call apiece.
 * A resource the API does not return has no tags.
 */
async function tagsOf(
  io: CleanupIo,
  region: string,
  subject: 'alarm-tags' | 'topic-tags',
  arns: string[],
): Promise<Record<string, Tags>> {
  const { client, sdk } = await io.clients(region).tagging();
  const found: Record<string, Tags> = Object.fromEntries(arns.map((arn) => [arn, {}]));
  const pager = counted(io, 'lookup', subject, 'GetResources', client);
  for (let i = 0; i < arns.length; i += TAGGING_ARNS_PER_CALL) {
    const ResourceARNList = arns.slice(i, i + TAGGING_ARNS_PER_CALL);
    // The paginator ends on an absent or empty PaginationToken (AWS answers the last page with "").
    for await (const out of sdk.paginateGetResources({ client: pager }, { ResourceARNList }))
      for (const r of out.ResourceTagMappingList ?? [])
        if (r.ResourceARN) found[r.ResourceARN] = tagMap(r.Tags);
  }
  return found;
}

/** GetResources takes at most 100 ARNs at a time. */
export const TAGGING_ARNS_PER_CALL = 100;

export const alarmTags = (io: CleanupIo, region: string, arns: string[]) =>
  tagsOf(io, region, 'alarm-tags', arns);

export async function listTopics(io: CleanupIo, region: string): Promise<TopicFacts[]> {
  const { client, sdk } = await io.clients(region).sns();
  return paginate(
    io,
    region,
    'topics',
    'ListTopics',
    client,
    (c) => sdk.paginateListTopics({ client: c }, {}),
    (out) => (out.Topics ?? []).filter((t) => t.TopicArn).map((t) => ({ arn: t.TopicArn! })),
  );
}

export async function listSubscriptions(io: CleanupIo, region: string): Promise<SubscriptionFacts[]> {
  const { client, sdk } = await io.clients(region).sns();
  return paginate(
    io,
    region,
    'subscriptions',
    'ListSubscriptions',
    client,
    (c) => sdk.paginateListSubscriptions({ client: c }, {}),
    (out) =>
      (out.Subscriptions ?? []).map((s) => ({
        arn: s.SubscriptionArn ?? '',
        topicArn: s.TopicArn ?? '',
        ...(s.Protocol ? { protocol: s.Protocol } : {}),
        ...(s.Endpoint ? { endpoint: s.Endpoint } : {}),
      })),
  );
}

export const topicTags = (io: CleanupIo, region: string, arns: string[]) =>
  tagsOf(io, region, 'topic-tags', arns);

/**
 * Whether each topic exists, asked in the topic's own region. NotFound is `gone`; no access (another
 * account's topic) is `unknown`, and its subscriptions are kept.
 */
export async function topicsExist(
  io: CleanupIo,
  region: string,
  arns: string[],
): Promise<Record<string, 'gone' | 'exists' | 'unknown'>> {
  const answers = await mapLimit(arns, 8, async (TopicArn) => {
    const { client, sdk } = await io.clients(parseArn(TopicArn)?.region || region).sns();
    try {
      await send(io, 'lookup', 'topic-exists', 'GetTopicAttributes', () =>
        client.send(new sdk.GetTopicAttributesCommand({ TopicArn })),
      );
      return 'exists' as const;
    } catch (error) {
      if (error instanceof AwsCallError && /NotFound/.test(error.code)) return 'gone' as const;
      if (error instanceof AwsCallError && /AuthorizationError|AccessDenied/.test(error.code))
        return 'unknown' as const;
      throw error;
    }
  });
  return Object.fromEntries(arns.map((arn, i) => [arn, answers[i]!]));
}
