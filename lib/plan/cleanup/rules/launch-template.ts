/**
 * Launch-template versions that are neither the default nor the latest, and that no Auto Scaling group
 * (directly or through a mixed-instances policy) and no live instance uses. Opt-in. The id is
 * `<template id>:<version>`; versions cannot be tagged, so marks live in the state table, and the
 * template's tags (protect, exclusions) apply to all its versions.
 */
import type { Candidate } from '../../../model/cleanup';
import type { Inventory, LaunchTemplateFacts } from '../../../model/inventory';
import { ageDays, nameTag } from '../facts';
import type { Rule } from '../rule';

export const versionId = (templateId: string, version: number): string => `${templateId}:${version}`;

/**
 * Versions of `t` that a group or an instance names (`$Latest`/`$Default` resolved with the template's
 * own numbers). Cleanup's re-verification asks it of the groups read again just before deleting.
 */
export function versionsInUse(
  inv: Pick<Inventory, 'groups' | 'instances'>,
  t: Pick<LaunchTemplateFacts, 'id' | 'name' | 'defaultVersion' | 'latestVersion'>,
): Set<number> {
  const used = new Set<number>();
  const add = (version: string | undefined) => {
    if (version === undefined || version === '$Default') used.add(t.defaultVersion);
    else if (version === '$Latest') used.add(t.latestVersion);
    else if (/^\d+$/.test(version)) used.add(Number(version));
  };
  for (const g of inv.groups ?? [])
    for (const ref of g.launchTemplates) if (ref.id === t.id || ref.name === t.name) add(ref.version);
  for (const i of inv.instances ?? []) if (i.launchTemplate?.id === t.id) add(i.launchTemplate.version);
  return used;
}

export const launchTemplateRule: Rule = {
  category: 'launch-template',
  resources: (inv) =>
    (inv.launchTemplates ?? []).flatMap((t) => t.versions.map((v) => ({ id: versionId(t.id, v.number) }))),
  find(inv, ctx) {
    const found: Candidate[] = [];
    for (const t of inv.launchTemplates ?? []) {
      const used = versionsInUse(inv, t);
      for (const v of t.versions) {
        if (v.number === t.defaultVersion || v.number === t.latestVersion || used.has(v.number)) continue;
        found.push({
          category: 'launch-template',
          id: versionId(t.id, v.number),
          region: inv.region,
          reason: `Version ${v.number} of launch template ${t.name} is neither its default (${t.defaultVersion}) nor its latest (${t.latestVersion}), and no group or instance uses it.`,
          ageDays: ageDays(ctx.now, v.createdAt),
          monthlyCostUsd: 0,
          tags: t.tags,
          names: [t.name, ...nameTag(t.tags)],
          detail: { launchTemplateId: t.id, version: String(v.number) },
        });
      }
    }
    return found;
  },
};
