/**
 * What an Auto Scaling group launches from, and the new launch data of an image refresh: a launch-template
 * version (or, for a legacy group, a launch configuration) carrying everything the old one did with the
 * new image. Each write survives a lost answer: a re-run finds what the operation made and adopts it.
 */
import { createHash } from 'node:crypto';
import type { AutoScalingGroup, LaunchConfiguration } from '@aws-sdk/client-auto-scaling';
import type { LaunchTemplateVersion, ResponseLaunchTemplateData } from '@aws-sdk/client-ec2';
import { ActionFailedError, LaunchConfigurationsUnavailable } from '../errors';
import type { GroupLaunch } from '../model/launch';
import { call, isAwsCode, viaCall } from './call';
import type { AwsClients } from './clients';
import { copyLaunchConfiguration, copyLaunchTemplateData } from './launch-copy';
import { withRetries } from './retry';

/** AWS's limit on a launch template version's description. */
const MAX_DESCRIPTION = 255;

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/**
 * `ec2-autopilot refresh <operation>`: how a re-run recognises the version its operation made. An
 * operation too long for the limit keeps its start and gets a hash of the whole, so two long operations
 * with the same start still differ.
 */
export function versionDescription(operation: string): string {
  const text = `ec2-autopilot refresh ${operation}`;
  if (text.length <= MAX_DESCRIPTION) return text;
  const hash = sha256(operation).slice(0, 16);
  return `${text.slice(0, MAX_DESCRIPTION - hash.length - 1)} ${hash}`;
}

/**
 * AWS answers a repeat of a token with the version the first request made (moto ignores tokens). A hex
 * SHA-256 is 64 characters, within CreateLaunchTemplateVersion's 128.
 */
const clientToken = (templateId: string, operation: string) => sha256(`${templateId}\n${operation}`);

/** `UnsupportedOperation` is CreateLaunchConfiguration's answer in accounts that may no longer make any. */
const isRefusedLaunchConfiguration = (error: unknown) => isAwsCode(error, 'UnsupportedOperation');
/** The Query protocol's code is `AlreadyExists`; the SDK names the modelled fault `AlreadyExistsFault`. */
const isAlreadyExists = (error: unknown) =>
  isAwsCode(error, 'AlreadyExistsFault') || isAwsCode(error, 'AlreadyExists');

const TEMPLATE_NOT_FOUND = [
  'InvalidLaunchTemplateId.NotFound',
  'InvalidLaunchTemplateName.NotFoundException',
];

const resolveVersion = (version: string, defaultVersion: number, latestVersion: number): number =>
  version === '$Default' ? defaultVersion : version === '$Latest' ? latestVersion : Number(version);

/** What a group with a MixedInstancesPolicy launches from, in words. */
function mixedDetail(group: AutoScalingGroup): string {
  const policy = group.MixedInstancesPolicy!;
  const spec = policy.LaunchTemplate?.LaunchTemplateSpecification;
  const overrides = policy.LaunchTemplate?.Overrides ?? [];
  const template = spec?.LaunchTemplateName ?? spec?.LaunchTemplateId ?? 'a launch template';
  return (
    `launches from a MixedInstancesPolicy (launch template ${template} version ${spec?.Version ?? '$Default'}` +
    `, ${overrides.length} instance-type override${overrides.length === 1 ? '' : 's'}` +
    `${overrides.some((o) => o.LaunchTemplateSpecification) ? ', some with their own launch template' : ''}): ` +
    `an image refresh of such a group is not supported`
  );
}

export class LaunchOps {
  constructor(private readonly aws: AwsClients) {}

  /** What the group launches from, with its template's version numbers resolved; undefined: no group. */
  async groupLaunch(group: string): Promise<GroupLaunch | undefined> {
    const { client, sdk } = await this.aws.autoScaling();
    const out = await call('DescribeAutoScalingGroups', () =>
      client.send(new sdk.DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: [group] })),
    );
    const g = out.AutoScalingGroups?.[0];
    if (!g) return undefined;
    // A mixed group's template may be overridden per instance type: one new default version would not
    // say which of them the refresh changes.
    if (g.MixedInstancesPolicy) return { kind: 'unsupported', detail: mixedDetail(g) };
    if (g.LaunchTemplate) return this.templateLaunch(g.LaunchTemplate);
    if (g.LaunchConfigurationName) {
      const lc = await this.launchConfiguration(g.LaunchConfigurationName);
      return {
        kind: 'launch-configuration',
        name: g.LaunchConfigurationName,
        ...(lc?.ImageId ? { imageId: lc.ImageId } : {}),
      };
    }
    return {
      kind: 'unsupported',
      detail: 'names neither a launch template nor a launch configuration',
    };
  }

  private async templateLaunch(spec: {
    LaunchTemplateId?: string;
    LaunchTemplateName?: string;
    Version?: string;
  }): Promise<GroupLaunch> {
    const { client, sdk } = await this.aws.ec2();
    // AWS answers a template that is gone with an error, moto with an empty list: both mean the same.
    const described = await call('DescribeLaunchTemplates', () =>
      client.send(
        new sdk.DescribeLaunchTemplatesCommand(
          spec.LaunchTemplateId
            ? { LaunchTemplateIds: [spec.LaunchTemplateId] }
            : { LaunchTemplateNames: [spec.LaunchTemplateName!] },
        ),
      ),
    ).catch((error: unknown) => {
      if (TEMPLATE_NOT_FOUND.some((code) => isAwsCode(error, code))) return { LaunchTemplates: [] };
      throw error;
    });
    const template = described.LaunchTemplates?.[0];
    if (!template?.LaunchTemplateId) {
      return {
        kind: 'unsupported',
        detail: `names launch template ${spec.LaunchTemplateId ?? spec.LaunchTemplateName}, which does not exist`,
      };
    }
    // A group that names no version launches the template's default one.
    const version = spec.Version ?? '$Default';
    const defaultVersion = template.DefaultVersionNumber ?? 1;
    const latestVersion = template.LatestVersionNumber ?? defaultVersion;
    const resolvedVersion = resolveVersion(version, defaultVersion, latestVersion);
    const data = await this.versionData(template.LaunchTemplateId, resolvedVersion);
    return {
      kind: 'launch-template',
      templateId: template.LaunchTemplateId,
      templateName: template.LaunchTemplateName ?? '',
      version,
      resolvedVersion,
      defaultVersion,
      latestVersion,
      ...(data?.ImageId ? { imageId: data.ImageId } : {}),
    };
  }

  private async versionData(
    templateId: string,
    version: number,
  ): Promise<ResponseLaunchTemplateData | undefined> {
    const { client, sdk } = await this.aws.ec2();
    const out = await call('DescribeLaunchTemplateVersions', () =>
      client.send(
        new sdk.DescribeLaunchTemplateVersionsCommand({
          LaunchTemplateId: templateId,
          Versions: [String(version)],
        }),
      ),
    );
    return out.LaunchTemplateVersions?.find((v) => v.VersionNumber === version)?.LaunchTemplateData;
  }

  /**
   * The version an operation made, found by its description. No server-side filter helps (there is no
   * description filter, and moto ignores the image-id one), so the template's versions are read page by
   * page; a page size is not asked for, because moto truncates to it without a NextToken.
   */
  private async versionDescribed(
    templateId: string,
    description: string,
  ): Promise<LaunchTemplateVersion | undefined> {
    const { client, sdk } = await this.aws.ec2();
    const pages = sdk.paginateDescribeLaunchTemplateVersions(
      { client: viaCall(client, 'DescribeLaunchTemplateVersions') },
      { LaunchTemplateId: templateId },
    );
    for await (const page of pages) {
      const found = page.LaunchTemplateVersions?.find((v) => v.VersionDescription === description);
      if (found) return found;
    }
    return undefined;
  }

  /** The version the operation made, if any; one that carries another image is a conflict, not a match. */
  private async adoptable(
    templateId: string,
    description: string,
    imageId: string,
  ): Promise<number | undefined> {
    const made = await this.versionDescribed(templateId, description);
    if (!made) return undefined;
    const image = made.LaunchTemplateData?.ImageId;
    if (image !== imageId) {
      throw new ActionFailedError(
        'refresh-image',
        `launch template ${templateId} version ${made.VersionNumber} ("${description}") carries ${image ?? 'no image'}, not ${imageId}: the operation made it with another image`,
      );
    }
    return made.VersionNumber;
  }

  /** The snapshots behind an image (none when it is gone or is not an AMI id). */
  private async imageSnapshots(imageId: string | undefined): Promise<Set<string>> {
    if (!imageId?.startsWith('ami-')) return new Set();
    const { client, sdk } = await this.aws.ec2();
    try {
      const out = await call('DescribeImages', () =>
        client.send(new sdk.DescribeImagesCommand({ ImageIds: [imageId] })),
      );
      return new Set(
        (out.Images?.[0]?.BlockDeviceMappings ?? []).map((b) => b.Ebs?.SnapshotId ?? '').filter(Boolean),
      );
    } catch (error) {
      if (isAwsCode(error, 'InvalidAMIID.NotFound') || isAwsCode(error, 'InvalidAMIID.Unavailable'))
        return new Set();
      throw error;
    }
  }

  /**
   * A new version of the template: the FULL launch data of `baseVersion` with `imageId` — never
   * SourceVersion inheritance alone (moto does not inherit, and a version that only names its source
   * leaves what it carries to AWS's merge). Safe to repeat: the version the operation already made is
   * adopted, before creating and again when a create's answer may have been lost.
   */
  async createTemplateVersion(
    templateId: string,
    baseVersion: number,
    imageId: string,
    operation: string,
  ): Promise<number> {
    const description = versionDescription(operation);
    const existing = await this.adoptable(templateId, description, imageId);
    if (existing !== undefined) return existing;
    const base = await this.versionData(templateId, baseVersion);
    if (!base) {
      throw new ActionFailedError(
        'refresh-image',
        `launch template ${templateId} has no version ${baseVersion} to copy`,
      );
    }
    const needsSnapshots = (base.BlockDeviceMappings ?? []).some((m) => m.Ebs?.SnapshotId);
    const data = copyLaunchTemplateData(
      base,
      imageId,
      needsSnapshots ? await this.imageSnapshots(base.ImageId) : undefined,
    );
    const { client, sdk } = await this.aws.ec2();
    const create = () =>
      call(
        'CreateLaunchTemplateVersion',
        () =>
          client.send(
            new sdk.CreateLaunchTemplateVersionCommand({
              LaunchTemplateId: templateId,
              VersionDescription: description,
              ClientToken: clientToken(templateId, operation),
              LaunchTemplateData: data,
            }),
          ),
        // Retried below, after looking for the version a lost answer would have named.
        { retry: { attempts: 1 } },
      );
    let attempt = 0;
    return withRetries(async () => {
      const again = attempt++ > 0;
      if (again) {
        const made = await this.adoptable(templateId, description, imageId);
        if (made !== undefined) return made;
      }
      try {
        const version = (await create()).LaunchTemplateVersion?.VersionNumber;
        if (version === undefined)
          throw new ActionFailedError('refresh-image', 'CreateLaunchTemplateVersion returned no version');
        return version;
      } catch (error) {
        // After a lost answer the first request may have landed: a refusal now (a token mismatch, a
        // limit) may be about the version that already exists.
        if (again) {
          const made = await this.adoptable(templateId, description, imageId);
          if (made !== undefined) return made;
        }
        throw error;
      }
    });
  }

  async setDefaultVersion(templateId: string, version: number): Promise<void> {
    const { client, sdk } = await this.aws.ec2();
    await call('ModifyLaunchTemplate', () =>
      client.send(
        new sdk.ModifyLaunchTemplateCommand({
          LaunchTemplateId: templateId,
          DefaultVersion: String(version),
        }),
      ),
    );
  }

  /** For a group that pins a version number: it launches `version` from now on. */
  async useTemplateVersion(group: string, templateId: string, version: string): Promise<void> {
    const { client, sdk } = await this.aws.autoScaling();
    await call('UpdateAutoScalingGroup', () =>
      client.send(
        new sdk.UpdateAutoScalingGroupCommand({
          AutoScalingGroupName: group,
          LaunchTemplate: { LaunchTemplateId: templateId, Version: version },
        }),
      ),
    );
  }

  private async launchConfiguration(name: string): Promise<LaunchConfiguration | undefined> {
    const { client, sdk } = await this.aws.autoScaling();
    const out = await call('DescribeLaunchConfigurations', () =>
      client.send(new sdk.DescribeLaunchConfigurationsCommand({ LaunchConfigurationNames: [name] })),
    );
    return out.LaunchConfigurations?.find((c) => c.LaunchConfigurationName === name);
  }

  /** Launch configuration `name`, if the operation made it; one with another image is a conflict. */
  private async adoptableConfiguration(name: string, imageId: string): Promise<boolean> {
    const made = await this.launchConfiguration(name);
    if (!made) return false;
    if (made.ImageId !== imageId) {
      throw new ActionFailedError(
        'refresh-image',
        `launch configuration ${name} already exists with ${made.ImageId ?? 'no image'}, not ${imageId}`,
      );
    }
    return true;
  }

  /**
   * A copy of launch configuration `from` named `name`, with `imageId` and every other setting of `from`.
   * Launch configurations cannot change, so the name is the operation's: one that exists is adopted,
   * before creating and when AWS answers AlreadyExists after a lost answer (moto accepts a duplicate name,
   * AWS does not). Throws LaunchConfigurationsUnavailable where AWS no longer lets the account make them.
   */
  async createLaunchConfiguration(from: string, name: string, imageId: string): Promise<void> {
    if (await this.adoptableConfiguration(name, imageId)) return;
    const base = await this.launchConfiguration(from);
    if (!base) {
      throw new ActionFailedError('refresh-image', `launch configuration ${from} does not exist`);
    }
    const needsSnapshots = (base.BlockDeviceMappings ?? []).some((m) => m.Ebs?.SnapshotId);
    const input = copyLaunchConfiguration(
      base,
      name,
      imageId,
      needsSnapshots ? await this.imageSnapshots(base.ImageId) : undefined,
    );
    const { client, sdk } = await this.aws.autoScaling();
    const create = () =>
      call('CreateLaunchConfiguration', () => client.send(new sdk.CreateLaunchConfigurationCommand(input)), {
        retry: { attempts: 1 },
      });
    let attempt = 0;
    await withRetries(async () => {
      if (attempt++ > 0 && (await this.adoptableConfiguration(name, imageId))) return;
      try {
        await create();
      } catch (error) {
        if (isRefusedLaunchConfiguration(error))
          throw new LaunchConfigurationsUnavailable(from, { cause: error });
        if (isAlreadyExists(error) && (await this.adoptableConfiguration(name, imageId))) return;
        throw error;
      }
    });
  }

  async useLaunchConfiguration(group: string, name: string): Promise<void> {
    const { client, sdk } = await this.aws.autoScaling();
    await call('UpdateAutoScalingGroup', () =>
      client.send(
        new sdk.UpdateAutoScalingGroupCommand({ AutoScalingGroupName: group, LaunchConfigurationName: name }),
      ),
    );
  }
}
