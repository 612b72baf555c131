/**
 * The cleanup function's role as `serverless package` builds it from the policy (through
 * `resources/from-policy.js`, run here as the framework runs it): exactly what the permissions registry
 * declares for the policy's mode and categories, read-only in `report` mode, tag writes limited to the
 * mark's key, and deletions of tagged kinds only on marked, unprotected resources. (The packaging test
 * checks the same equality on the real template, for the repository's policy.)
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Statement } from '../../lib/deploy/cleanup-role';
import { functionPermissions } from '../../lib/deploy/permissions';
import { parsePolicy } from '../../lib/policy/load';

const ROOT = join(__dirname, '..', '..');
const dir = mkdtempSync(join(tmpdir(), 'autopilot-cleanup-role-'));

function fromPolicy(policy: string): { schedule: string; statements: Statement[] } {
  const file = join(dir, `${Math.random().toString(36).slice(2)}.yml`);
  writeFileSync(file, policy);
  const run = spawnSync(
    process.execPath,
    [
      '-e',
      `const p = require(${JSON.stringify(join(ROOT, 'resources', 'from-policy.js'))});
       process.stdout.write(JSON.stringify({ schedule: p.cleanupSchedule(), statements: p.cleanupStatements() }));`,
    ],
    { cwd: ROOT, encoding: 'utf8', env: { ...process.env, AUTOPILOT_CONFIG: file } },
  );
  if (run.status !== 0) throw new Error(run.stderr);
  return JSON.parse(run.stdout) as { schedule: string; statements: Statement[] };
}

const actions = (statements: Statement[]) => [...new Set(statements.flatMap((s) => s.Action))].sort();

describe.each([
  ['report', 'version: 1\n'],
  ['mark', 'version: 1\ncleanup:\n  mode: mark\n  schedule: cron(0 3 * * ? *)\n'],
  [
    'delete',
    'version: 1\ncleanup:\n  mode: delete\n  categories:\n    instances: { enabled: true, terminate: true }\n    launchTemplateVersions: { enabled: true }\n',
  ],
])('in %s mode', (mode, policy) => {
  const role = fromPolicy(policy);

  it('grants exactly what the registry declares for the policy', () => {
    expect(actions(role.statements)).toEqual(functionPermissions('cleanup', parsePolicy(policy)));
  });

  it('writes only what the mode needs, scoped', () => {
    const all = actions(role.statements);
    const writes = all.filter((a) =>
      /:(Create|Delete|Tag|Untag|Release|Deregister|Terminate|Unsubscribe|Put)/.test(a),
    );
    if (mode === 'report') {
      expect(writes).toEqual([]);
      expect(role.schedule).toBe('rate(1 day)');
      return;
    }
    const tagging = role.statements.find((s) => s.Action.includes('ec2:CreateTags'))!;
    expect(tagging.Condition).toEqual({
      'ForAllValues:StringEquals': { 'aws:TagKeys': ['autopilot:delete-after'] },
      Null: { 'aws:TagKeys': 'false' },
    });
    expect(role.statements.find((s) => s.Action.includes('dynamodb:PutItem'))!.Resource).toEqual({
      'Fn::GetAtt': ['StateTable', 'Arn'],
    });
    if (mode === 'mark') {
      expect(all.filter((a) => /:(Delete(?!Tags)|Release|Deregister|Terminate|Unsubscribe)/.test(a))).toEqual(
        [],
      );
      expect(role.schedule).toBe('cron(0 3 * * ? *)');
      return;
    }
    const marked = role.statements.find((s) => s.Action.includes('ec2:DeleteVolume'))!;
    expect(marked.Action).toEqual([
      'autoscaling:DeleteAutoScalingGroup',
      'ec2:DeleteSnapshot',
      'ec2:DeleteVolume',
      'ec2:DeregisterImage',
      'ec2:ReleaseAddress',
      'ec2:TerminateInstances',
    ]);
    expect(marked.Condition).toEqual({
      Null: { 'aws:ResourceTag/autopilot:delete-after': 'false' },
      StringNotEquals: { 'aws:ResourceTag/autopilot:protect': 'true' },
    });
  });
});
