/** Reads and changes Auto Scaling groups. */
import type { AutoScalingGroup } from '@aws-sdk/client-auto-scaling';
import type { AutoScalingGroupState, ExistingGroup } from '../model/snapshot';
import { chunks } from '../concurrency';
import { call, viaCall } from './call';
import type { AwsClients } from './clients';

/** DescribeAutoScalingGroups takes at most 50 names per request (AWS's default limit). */
const NAMES_PER_REQUEST = 50;

/** The most common instance type among the group's instances. */
function commonType(group: AutoScalingGroup): string | undefined {
  const counts = new Map<string, number>();
  for (const i of group.Instances ?? [])
    if (i.InstanceType) counts.set(i.InstanceType, (counts.get(i.InstanceType) ?? 0) + 1);
  return [...counts.entries()].sort((a, b) => b[1] - a[1])[0]?.[0];
}

export class AutoScalingAdapter {
  constructor(private readonly aws: AwsClients) {}

  async describeGroup(name: string): Promise<AutoScalingGroupState | undefined> {
    const { client, sdk } = await this.aws.autoScaling();
    const out = await call('DescribeAutoScalingGroups', () =>
      client.send(new sdk.DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: [name] })),
    );
    const group = out.AutoScalingGroups?.[0];
    if (!group) return undefined;
    const instanceType = commonType(group) ?? (await this.launchInstanceType(group));
    return {
      name,
      minSize: group.MinSize ?? 0,
      maxSize: group.MaxSize ?? 0,
      desiredCapacity: group.DesiredCapacity ?? 0,
      instances: (group.Instances ?? []).map((i) => ({
        id: i.InstanceId ?? '',
        ...(i.InstanceType ? { instanceType: i.InstanceType } : {}),
        lifecycleState: i.LifecycleState ?? 'unknown',
        ...(i.HealthStatus ? { healthStatus: i.HealthStatus } : {}),
      })),
      ...(instanceType ? { instanceType } : {}),
      ...(group.Status ? { status: group.Status } : {}),
      suspendedProcesses: (group.SuspendedProcesses ?? []).map((p) => p.ProcessName ?? '').filter(Boolean),
    };
  }

  /**
   * Which of `names` exist, with their status (`Delete in progress` while a deletion runs) and the
   * group metrics they publish: a few requests for the whole policy, not one per target. A name AWS does
   * not know is simply not returned.
   */
  async existingGroups(names: readonly string[]): Promise<Map<string, ExistingGroup>> {
    const found = new Map<string, ExistingGroup>();
    const unique = [...new Set(names)];
    if (unique.length === 0) return found;
    const { client, sdk } = await this.aws.autoScaling();
    for (const batch of chunks(unique, NAMES_PER_REQUEST)) {
      const pages = sdk.paginateDescribeAutoScalingGroups(
        { client: viaCall(client, 'DescribeAutoScalingGroups') },
        { AutoScalingGroupNames: batch, MaxRecords: 100 },
      );
      for await (const out of pages)
        for (const g of out.AutoScalingGroups ?? [])
          if (g.AutoScalingGroupName)
            found.set(g.AutoScalingGroupName, {
              ...(g.Status ? { status: g.Status } : {}),
              enabledMetrics: (g.EnabledMetrics ?? []).flatMap((m) => (m.Metric ? [m.Metric] : [])),
            });
    }
    return found;
  }

  /** For an empty group: the type its launch configuration or launch template would launch. */
  private async launchInstanceType(group: AutoScalingGroup): Promise<string | undefined> {
    const override = group.MixedInstancesPolicy?.LaunchTemplate?.Overrides?.[0]?.InstanceType;
    if (override) return override;
    if (group.LaunchConfigurationName) {
      const { client, sdk } = await this.aws.autoScaling();
      const out = await call('DescribeLaunchConfigurations', () =>
        client.send(
          new sdk.DescribeLaunchConfigurationsCommand({
            LaunchConfigurationNames: [group.LaunchConfigurationName!],
          }),
        ),
      );
      return out.LaunchConfigurations?.[0]?.InstanceType;
    }
    const template =
      group.LaunchTemplate ?? group.MixedInstancesPolicy?.LaunchTemplate?.LaunchTemplateSpecification;
    if (!template?.LaunchTemplateId && !template?.LaunchTemplateName) return undefined;
    const { client, sdk } = await this.aws.ec2();
    const out = await call('DescribeLaunchTemplateVersions', () =>
      client.send(
        new sdk.DescribeLaunchTemplateVersionsCommand({
          ...(template.LaunchTemplateId
            ? { LaunchTemplateId: template.LaunchTemplateId }
            : { LaunchTemplateName: template.LaunchTemplateName }),
          Versions: [template.Version ?? '$Default'],
        }),
      ),
    );
    return out.LaunchTemplateVersions?.[0]?.LaunchTemplateData?.InstanceType;
  }

  async setDesiredCapacity(name: string, capacity: number): Promise<void> {
    const { client, sdk } = await this.aws.autoScaling();
    // HonorCooldown is off: the orchestrator keeps its own cooldown per target, in the state table.
    await call('SetDesiredCapacity', () =>
      client.send(
        new sdk.SetDesiredCapacityCommand({
          AutoScalingGroupName: name,
          DesiredCapacity: capacity,
          HonorCooldown: false,
        }),
      ),
    );
  }

  async enableMetrics(name: string, metrics: readonly string[]): Promise<void> {
    const { client, sdk } = await this.aws.autoScaling();
    await call('EnableMetricsCollection', () =>
      client.send(
        new sdk.EnableMetricsCollectionCommand({
          AutoScalingGroupName: name,
          Metrics: [...metrics],
          Granularity: '1Minute',
        }),
      ),
    );
  }
}
