/**
 * Walks the registry of categories: each has a rule, an options schema, reads that have permissions,
 * and marks and deletions whose permissions the function's role is granted by mode. Read-only in report
 * mode.
 */
import { ACTION_PERMISSIONS, cleanupPermissions, functionPermissions } from '../../../lib/deploy/permissions';
import { CLEANUP_CATEGORIES } from '../../../lib/model/cleanup';
import {
  CATEGORIES,
  markPermissions,
  PART_PERMISSIONS,
  scanPermissions,
} from '../../../lib/model/cleanup-categories';
import { RULES } from '../../../lib/plan/cleanup/rules';
import { parsePolicy } from '../../../lib/policy/load';
import { cleanupStatements } from '../../../lib/deploy/cleanup-role';

const WRITE = /:(Create|Delete|Tag|Untag|Put|Release|Deregister|Terminate|Unsubscribe)/;

it('lists every category once, in the order of the contract, each with a rule', () => {
  expect(CATEGORIES.map((c) => c.category)).toEqual([...CLEANUP_CATEGORIES]);
  expect(new Set(CATEGORIES.map((c) => c.key)).size).toBe(CATEGORIES.length);
  for (const c of CATEGORIES) expect(RULES[c.category].category).toBe(c.category);
});

describe.each(CATEGORIES.map((c) => [c.category, c] as const))('%s', (_, spec) => {
  it('reads only parts with permissions, and only describes or lists', () => {
    for (const part of spec.reads) expect(PART_PERMISSIONS[part].length).toBeGreaterThan(0);
    expect(scanPermissions(spec).filter((p) => WRITE.test(p))).toEqual([]);
  });

  it('marks with permissions the mark and unmark actions declare', () => {
    const declared = new Set([
      ...ACTION_PERMISSIONS['mark-resource'],
      ...ACTION_PERMISSIONS['unmark-resource'],
    ]);
    expect(markPermissions(spec).filter((p) => !declared.has(p))).toEqual([]);
  });

  it('deletes with an action that declares its permission', () => {
    expect(ACTION_PERMISSIONS[spec.deleteAction].length).toBeGreaterThan(0);
  });

  it('has an options schema that accepts an empty block', () => {
    expect(spec.options.safeParse({}).success).toBe(true);
  });
});

describe('the cleanup function’s permissions', () => {
  const mode = (m: string, extra = '') => parsePolicy(`version: 1\ncleanup:\n  mode: ${m}\n${extra}`);

  it('are read-only in report mode (the default, also without a cleanup block)', () => {
    const perms = functionPermissions('cleanup');
    expect(perms).toEqual(functionPermissions('cleanup', mode('report')));
    expect(perms.filter((p) => WRITE.test(p))).toEqual([]);
    expect(perms).toContain('sns:Publish');
    expect(perms).toContain('dynamodb:GetItem');
  });

  it('add tag writes in mark mode, and deletions in delete mode only', () => {
    const mark = functionPermissions('cleanup', mode('mark'));
    expect(mark.filter((p) => WRITE.test(p))).toEqual([
      'autoscaling:CreateOrUpdateTags',
      'autoscaling:DeleteTags',
      'cloudwatch:TagResource',
      'cloudwatch:UntagResource',
      'dynamodb:PutItem',
      'ec2:CreateTags',
      'ec2:DeleteTags',
      'sns:TagResource',
      'sns:UntagResource',
    ]);
    // The marking function deletes nothing in any mode; the deleting one writes no mark.
    expect(functionPermissions('cleanup', mode('delete'))).toEqual(mark);
    expect(functionPermissions('cleanupDelete', mode('mark')).filter((p) => WRITE.test(p))).toEqual([]);
    const deletes = functionPermissions('cleanupDelete', mode('delete')).filter((p) => WRITE.test(p));
    expect(deletes).toEqual([
      'autoscaling:DeleteAutoScalingGroup',
      'autoscaling:DeleteLaunchConfiguration',
      'cloudwatch:DeleteAlarms',
      'ec2:DeleteSnapshot',
      'ec2:DeleteVolume',
      'ec2:DeregisterImage',
      'ec2:ReleaseAddress',
      'sns:DeleteTopic',
      'sns:Unsubscribe',
    ]);
  });

  it('follow the enabled categories: opt-in ones add their own, disabled ones drop theirs', () => {
    const all = functionPermissions(
      'cleanupDelete',
      mode(
        'delete',
        '  categories:\n    launchTemplateVersions: { enabled: true }\n    instances: { enabled: true, terminate: true }\n',
      ),
    );
    expect(all).toEqual(
      expect.arrayContaining(['ec2:DeleteLaunchTemplateVersions', 'ec2:TerminateInstances']),
    );
    const reportOnly = functionPermissions(
      'cleanupDelete',
      mode('delete', '  categories: { instances: { enabled: true } }\n'),
    );
    expect(reportOnly).not.toContain('ec2:TerminateInstances');
    const noSns = cleanupPermissions(
      mode(
        'delete',
        '  categories: { topics: { enabled: false }, subscriptions: { enabled: false }, alarms: { enabled: false } }\n',
      ).cleanup!,
      'delete',
    );
    expect(noSns.filter((p) => p.startsWith('sns:'))).toEqual([]);
  });

  it('are exactly what the role statements grant', () => {
    for (const m of ['report', 'mark', 'delete'])
      for (const [name, role] of [
        ['cleanup', 'mark'],
        ['cleanupDelete', 'delete'],
      ] as const) {
        const policy = mode(m);
        const allowed = cleanupStatements(policy.cleanup!, role, policy).filter((s) => s.Effect === 'Allow');
        const granted = [...new Set(allowed.flatMap((s) => s.Action))].sort();
        expect({ m, name, granted }).toEqual({ m, name, granted: functionPermissions(name, policy) });
      }
  });
});
