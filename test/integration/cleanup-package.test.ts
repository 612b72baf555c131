/**
 * The cleanup functions' roles as `serverless package` builds them from the policy (through
 * `resources/from-policy.js`, run here as the framework runs it), in each mode: exactly what the
 * permissions registry declares; the marking role deletes nothing and the deleting role writes no mark
 * (neither alone can delete what was never marked); read-only in `report` mode; tag writes limited to
 * the mark's key; deletions of tagged kinds (alarms and topics included) only on marked, unprotected
 * resources; never the deployment's own topics, the policy's alarms nor the stack's own alarms (neither
 * marked nor deleted). (The packaging test checks the same on the real template, for the repository's
 * policy.) The one packaging of a modified policy here
 * also carries what the repository's policy lacks: an image refresh, and a failover target (its EC2
 * state-change subscription, its status-check alarms, and the dashboard showing them).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Statement } from '../../lib/deploy/cleanup-role';
import { functionPermissions } from '../../lib/deploy/permissions';
import { parsePolicy } from '../../lib/policy/load';
import { renderDashboard, widgetAlarms } from '../support/dashboard';

const ROOT = join(__dirname, '..', '..');
const dir = mkdtempSync(join(tmpdir(), 'autopilot-cleanup-role-'));

interface Roles {
  schedule: string;
  deleteEnabled: boolean;
  mark: Statement[];
  delete: Statement[];
}

function fromPolicy(policy: string): Roles {
  const file = join(dir, `${Math.random().toString(36).slice(2)}.yml`);
  writeFileSync(file, policy);
  const run = spawnSync(
    process.execPath,
    [
      '-e',
      // As the framework calls them: with its resolveVariable, for service and stage.
      `const p = require(${JSON.stringify(join(ROOT, 'resources', 'from-policy.js'))});
       const vars = { 'self:service': 'ec2-autopilot', 'sls:stage': 'test' };
       const ctx = { resolveVariable: async (v) => vars[v] };
       (async () => process.stdout.write(JSON.stringify({ schedule: await p.cleanupSchedule(ctx),
         deleteEnabled: await p.cleanupDeleteEnabled(ctx), mark: await p.cleanupStatements(ctx),
         delete: await p.cleanupDeleteStatements(ctx) })))();`,
    ],
    { cwd: ROOT, encoding: 'utf8', env: { ...process.env, AUTOPILOT_CONFIG: file } },
  );
  if (run.status !== 0) throw new Error(run.stderr);
  return JSON.parse(run.stdout) as Roles;
}

const allowed = (statements: Statement[]) =>
  [...new Set(statements.filter((s) => s.Effect === 'Allow').flatMap((s) => s.Action))].sort();
const WRITES = /:(Create|Delete|Tag|Untag|Release|Deregister|Terminate|Unsubscribe|Put|Update)/;
const DELETES = /:(Delete(?!Tags)|Release|Deregister|Terminate|Unsubscribe)/;
const TARGETS =
  'targets:\n  - name: web\n    autoScalingGroup: web-asg\n    scaleOut: { when: { above: 70 }, add: 1 }\n';
/** The alarms the stack watches itself with (lib/deploy/self-alarms.ts): `<service>-<stage>-…`. */
const STACK_ALARMS = {
  'Fn::Sub': 'arn:${AWS::Partition}:cloudwatch:${AWS::Region}:${AWS::AccountId}:alarm:ec2-autopilot-test-*',
};

describe.each([
  ['report', 'version: 1\n'],
  ['mark', 'version: 1\ncleanup:\n  mode: mark\n  schedule: cron(0 3 * * ? *)\n'],
  [
    'delete',
    `version: 1\n${TARGETS}cleanup:\n  mode: delete\n  categories:\n    instances: { enabled: true, terminate: true }\n    launchTemplateVersions: { enabled: true }\n`,
  ],
])('in %s mode', (mode, policy) => {
  const roles = fromPolicy(policy);
  const parsed = parsePolicy(policy);

  it('grants each of the two functions exactly what the registry declares for the policy', () => {
    expect(allowed(roles.mark)).toEqual(functionPermissions('cleanup', parsed));
    expect(allowed(roles.delete)).toEqual(functionPermissions('cleanupDelete', parsed));
  });

  it('never lets one role both mark and delete', () => {
    expect(allowed(roles.mark).filter((a) => DELETES.test(a))).toEqual([]);
    expect(allowed(roles.delete).filter((a) => WRITES.test(a) && !DELETES.test(a))).toEqual([]);
    // The deleting function's schedule runs only in delete mode; both follow cleanup.schedule.
    expect(roles.deleteEnabled).toBe(mode === 'delete');
    expect(roles.schedule).toBe(mode === 'mark' ? 'cron(0 3 * * ? *)' : 'rate(1 day)');
  });

  it('writes only what the mode needs, scoped', () => {
    const marking = allowed(roles.mark);
    if (mode === 'report') {
      expect(marking.filter((a) => WRITES.test(a))).toEqual([]);
      expect(allowed(roles.delete).filter((a) => WRITES.test(a))).toEqual([]);
      return;
    }
    const tagging = roles.mark.find((s) => s.Action.includes('ec2:CreateTags'))!;
    expect(tagging.Condition).toEqual({
      'ForAllValues:StringEquals': { 'aws:TagKeys': ['autopilot:delete-after'] },
      Null: { 'aws:TagKeys': 'false' },
    });
    expect(roles.mark.find((s) => s.Action.includes('dynamodb:PutItem'))!.Resource).toEqual({
      'Fn::GetAtt': ['StateTable', 'Arn'],
    });
    if (mode === 'mark') {
      expect(allowed(roles.delete).filter((a) => WRITES.test(a))).toEqual([]);
      return;
    }
    const marked = roles.delete.find((s) => s.Effect === 'Allow' && s.Action.includes('ec2:DeleteVolume'))!;
    expect(marked.Action).toEqual([
      'autoscaling:DeleteAutoScalingGroup',
      'cloudwatch:DeleteAlarms',
      'ec2:DeleteSnapshot',
      'ec2:DeleteVolume',
      'ec2:DeregisterImage',
      'ec2:ReleaseAddress',
      'ec2:TerminateInstances',
      'sns:DeleteTopic',
    ]);
    expect(marked.Condition).toEqual({
      Null: { 'aws:ResourceTag/autopilot:delete-after': 'false' },
      StringNotEquals: { 'aws:ResourceTag/autopilot:protect': 'true' },
    });
    // Only the kinds that take no tag are deleted on the table's mark alone (re-verified by the function).
    const untagged = roles.delete.filter(
      (s) => s.Effect === 'Allow' && !s.Condition && s.Action.some((a) => DELETES.test(a)),
    );
    expect(untagged.flatMap((s) => s.Action).sort()).toEqual([
      'autoscaling:DeleteLaunchConfiguration',
      'ec2:DeleteLaunchTemplateVersions',
      'sns:Unsubscribe',
    ]);
  });

  if (mode === 'delete')
    it("never deletes the deployment's own topics, the policy's alarms nor the stack's own alarms", () => {
      const denied = roles.delete.filter((s) => s.Effect === 'Deny');
      const topics = denied.find((s) => s.Action.includes('sns:DeleteTopic'))!;
      expect(topics.Resource).toEqual([{ Ref: 'AlarmTopic' }, { Ref: 'NotifyTopic' }]);
      const [alarms, stack, ...more] = denied.filter((s) => s.Action.includes('cloudwatch:DeleteAlarms'));
      expect(more).toEqual([]);
      expect(JSON.stringify(alarms!.Resource)).toContain(':alarm:autopilot-web-high');
      expect(JSON.stringify(alarms!.Resource)).not.toContain('*');
      expect(stack).toEqual({
        Effect: 'Deny',
        Action: ['cloudwatch:DeleteAlarms'],
        Resource: [STACK_ALARMS],
      });
    });

  if (mode !== 'report')
    it("never marks the stack's own alarms", () => {
      expect(roles.mark.filter((s) => s.Effect === 'Deny')).toEqual([
        {
          Effect: 'Deny',
          Action: ['cloudwatch:TagResource', 'cloudwatch:UntagResource'],
          Resource: [STACK_ALARMS],
        },
      ]);
    });
});

describe('the packaged template, with the repository policy in delete mode, an image refresh and a failover', () => {
  type Template = {
    Resources: Record<string, { Type: string; Properties: Record<string, unknown> }>;
  };
  let template: Template;
  let parsed: ReturnType<typeof parsePolicy>;

  beforeAll(() => {
    const repo = readFileSync(join(ROOT, 'autopilot.yml'), 'utf8');
    const text = repo
      .replace(/mode: report\b/, 'mode: delete')
      .replace(
        '    autoScalingGroup: web-asg\n',
        '    autoScalingGroup: web-asg\n    imageRefresh:\n      from: { instance: { tags: { Role: golden } } }\n      schedule: cron(0 3 * * ? *)\n      keep: 2\n',
      )
      .replace(
        '    instance: { tags: { Name: wordpress } }\n',
        '    instance: { tags: { Name: wordpress } }\n    failover:\n      standby: { tags: { Name: wordpress-standby } }\n      replaceFrom: latest-image\n      after: { statusCheckFailedMinutes: 2 }\n',
      );
    expect(text).toContain('mode: delete');
    expect(text).toContain('imageRefresh');
    expect(text).toContain('failover:');
    parsed = parsePolicy(text);
    const file = join(dir, 'delete-mode.yml');
    writeFileSync(file, text);
    const out = join(dir, 'package');
    const run = spawnSync(
      join(ROOT, 'node_modules', '.bin', 'serverless'),
      ['package', '--stage', 'test', '--package', out],
      {
        cwd: ROOT,
        encoding: 'utf8',
        env: { ...process.env, AWS_REGION: 'us-east-1', AUTOPILOT_CONFIG: file },
        timeout: 150_000,
      },
    );
    if (run.status !== 0) throw new Error(`serverless package failed:\n${run.stdout}\n${run.stderr}`);
    template = JSON.parse(readFileSync(join(out, 'cloudformation-template-update-stack.json'), 'utf8'));
  }, 180_000);

  const statements = (role: string) =>
    (
      template.Resources[role]!.Properties.Policies as { PolicyDocument: { Statement: Statement[] } }[]
    ).flatMap((p) => p.PolicyDocument.Statement);
  const granted = (role: string) => allowed(statements(role)).filter((a) => !a.startsWith('logs:'));

  it('gives marking and deleting two roles, each exactly what the registry declares', () => {
    expect(granted('CleanupIamRoleLambdaExecution')).toEqual(functionPermissions('cleanup', parsed));
    expect(granted('CleanupDeleteIamRoleLambdaExecution')).toEqual(
      functionPermissions('cleanupDelete', parsed),
    );
    expect(granted('CleanupIamRoleLambdaExecution').filter((a) => DELETES.test(a))).toEqual([]);
    expect(
      granted('CleanupDeleteIamRoleLambdaExecution').filter((a) => WRITES.test(a) && !DELETES.test(a)),
    ).toEqual([]);
  });

  it('requires the mark for tagged kinds and denies the deployment its own topics and alarms', () => {
    const deleting = statements('CleanupDeleteIamRoleLambdaExecution');
    const marked = deleting.find((s) => s.Effect === 'Allow' && s.Action.includes('sns:DeleteTopic'))!;
    expect(marked.Action).toEqual(expect.arrayContaining(['cloudwatch:DeleteAlarms', 'ec2:DeleteVolume']));
    expect(marked.Condition).toEqual({
      Null: { 'aws:ResourceTag/autopilot:delete-after': 'false' },
      StringNotEquals: { 'aws:ResourceTag/autopilot:protect': 'true' },
    });
    const denied = deleting.filter((s) => s.Effect === 'Deny');
    expect(denied.find((s) => s.Action.includes('sns:DeleteTopic'))!.Resource).toEqual([
      { Ref: 'AlarmTopic' },
      { Ref: 'NotifyTopic' },
    ]);
    const alarms = JSON.stringify(denied.find((s) => s.Action.includes('cloudwatch:DeleteAlarms'))!.Resource);
    for (const name of [
      'autopilot-web-high',
      'autopilot-web-low',
      'autopilot-blog-high',
      'autopilot-blog-low',
      'autopilot-blog-system-check',
      'autopilot-blog-instance-check',
    ])
      expect(alarms).toContain(`:alarm:${name}"`);
  });

  it("denies cleanup the stack's own alarms, and the dashboard shows the failover target's status checks", () => {
    const deny = (role: string, action: string) =>
      statements(role).filter((s) => s.Effect === 'Deny' && s.Action.includes(action));
    expect(
      deny('CleanupDeleteIamRoleLambdaExecution', 'cloudwatch:DeleteAlarms').map((s) => s.Resource),
    ).toContainEqual([STACK_ALARMS]);
    expect(deny('CleanupIamRoleLambdaExecution', 'cloudwatch:TagResource').map((s) => s.Resource)).toEqual([
      [STACK_ALARMS],
    ]);
    const alarms = Object.values(template.Resources)
      .filter((r) => r.Type === 'AWS::CloudWatch::Alarm')
      .map((r) => r.Properties.AlarmName as string);
    expect(alarms.length).toBeGreaterThan(0);
    for (const name of alarms) expect(name).toMatch(/^ec2-autopilot-test-/);
    const { widgets } = renderDashboard(
      template.Resources.Dashboard as { Properties: Record<string, unknown> },
    );
    const [blog] = widgets.filter((w) => w.type === 'alarm' && w.properties.title === 'blog: alarms');
    expect(widgetAlarms(blog!).map((arn) => arn.split(':alarm:')[1])).toEqual([
      'autopilot-blog-high',
      'autopilot-blog-low',
      'autopilot-blog-system-check',
      'autopilot-blog-instance-check',
    ]);
  });

  it('lets the refresh role image only the source, refresh only its group, retire only managed marked images', () => {
    const st = statements('RefreshTaskIamRoleLambdaExecution');
    const of = (action: string) => st.filter((x) => x.Effect === 'Allow' && x.Action.includes(action));
    const onInstances = of('ec2:CreateImage').filter((x) =>
      JSON.stringify(x.Resource).includes(':instance/'),
    );
    expect(onInstances).toEqual([
      expect.objectContaining({ Condition: { StringEquals: { 'aws:ResourceTag/Role': 'golden' } } }),
    ]);
    for (const action of ['autoscaling:UpdateAutoScalingGroup', 'autoscaling:StartInstanceRefresh']) {
      const [grant, ...more] = of(action);
      expect(more).toEqual([]);
      expect(JSON.stringify(grant!.Resource)).toContain('autoScalingGroupName/web-asg"');
    }
    expect(of('ec2:DeregisterImage')[0]!.Condition).toEqual({
      StringEquals: { 'aws:ResourceTag/autopilot:managed': 'true' },
      StringNotEquals: { 'aws:ResourceTag/autopilot:protect': 'true' },
      Null: { 'aws:ResourceTag/autopilot:delete-after': 'false' },
    });
    for (const tagging of of('ec2:DeleteTags'))
      expect(tagging.Condition).toMatchObject({
        'ForAllValues:StringEquals': { 'aws:TagKeys': ['autopilot:delete-after'] },
        Null: { 'aws:TagKeys': 'false' },
      });
    expect(granted('RefreshTaskIamRoleLambdaExecution')).toEqual(functionPermissions('refreshTask', parsed));
  });

  it("starts the refresh on the target's schedule", () => {
    const rule = Object.values(template.Resources).find(
      (r) => r.Type === 'AWS::Events::Rule' && r.Properties.ScheduleExpression === 'cron(0 3 * * ? *)',
    )!;
    const [target] = rule.Properties.Targets as { Arn: unknown; Input: string }[];
    expect(target!.Arn).toEqual({ Ref: 'RefreshImageStateMachine' });
    expect(JSON.parse(target!.Input)).toEqual({ target: 'web' });
  });

  it('schedules both functions', () => {
    const rules = Object.entries(template.Resources).filter(([, r]) => r.Type === 'AWS::Events::Rule');
    const state = (id: string) => rules.find(([k]) => k.startsWith(id))?.[1].Properties.State;
    expect(state('CleanupEventsRule')).toBe('ENABLED');
    expect(state('CleanupDeleteEventsRule')).toBe('ENABLED');
  });

  it('subscribes on-event to the EC2 state changes that can mean a failed instance, and to nothing else of EC2', () => {
    const rules = Object.values(template.Resources).filter(
      (r) => r.Type === 'AWS::Events::Rule' && r.Properties.EventPattern,
    );
    expect(rules).toHaveLength(1);
    expect(rules[0]!.Properties).toMatchObject({
      Name: 'ec2-autopilot-test-instance-state',
      State: 'ENABLED',
      EventPattern: {
        source: ['aws.ec2'],
        'detail-type': ['EC2 Instance State-change Notification'],
        detail: { state: ['stopped', 'terminated', 'shutting-down'] },
      },
    });
    expect(Object.keys(rules[0]!.Properties.EventPattern as object).sort()).toEqual([
      'detail',
      'detail-type',
      'source',
    ]);
    const targets = rules[0]!.Properties.Targets as { Arn: unknown }[];
    expect(targets.map((t) => t.Arn)).toEqual([{ 'Fn::GetAtt': ['OnEventLambdaFunction', 'Arn'] }]);
    const invokers = Object.values(template.Resources).filter(
      (r) =>
        r.Type === 'AWS::Lambda::Permission' &&
        JSON.stringify(r.Properties.FunctionName).includes('OnEventLambdaFunction'),
    );
    expect(invokers.map((r) => r.Properties.Principal).sort()).toEqual([
      'events.amazonaws.com',
      'sns.amazonaws.com',
    ]);
    expect(JSON.stringify(invokers.find((r) => r.Properties.Principal === 'events.amazonaws.com'))).toContain(
      'ec2-autopilot-test-instance-state',
    );
  });

  it('fails over under the resize role, and the roles stay what the registry declares', () => {
    const machine = template.Resources.FailoverStateMachine!;
    expect(JSON.stringify(machine.Properties.DefinitionString)).toContain('ResizeTaskLambdaFunction');
    for (const name of ['onEvent', 'reconcile', 'resizeTask'])
      expect(granted(`${name.charAt(0).toUpperCase()}${name.slice(1)}IamRoleLambdaExecution`)).toEqual(
        functionPermissions(name, parsed),
      );
  });
});
