/**
 * `serverless package` (offline, no credentials), then: one IAM role per function granting exactly what
 * the permissions registry declares for it; the failed-events queue as the on-failure destination of
 * every asynchronously invoked function; the alarms the stack watches itself with and its dashboard;
 * and the packaged on-event bundle (ES module chunks, the inlined policy) run as Lambda would run it,
 * against moto: an alarm that scales (with the decision metric the dashboard graphs), and a malformed
 * event whose error must keep its name through minification.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { StateValue } from '@aws-sdk/client-cloudwatch';
import { ACTIONS } from '../../lib/actions/registry';
import {
  actionGrants,
  CAPABILITY_PERMISSIONS,
  CLEANUP_FUNCTIONS,
  cleanupPermissions,
  FUNCTION_NEEDS,
  functionActions,
  functionPermissions,
} from '../../lib/deploy/permissions';
import { DEFAULT_NAMESPACE } from '../../lib/telemetry/telemetry';
import { selfAlarms } from '../../lib/deploy/self-alarms';
import { ASYNC_FUNCTIONS, FUNCTIONS, functionLogicalId, STATE_MACHINES } from '../../lib/deploy/stack';
import { alarmSnsMessage, fireAlarm, snsEvent } from '../../lib/local/alarm-event';
import { createGroup, desiredCapacity } from '../../lib/local/fleet';
import { sentMessages } from '../../lib/local/moto';
import { renderDashboard, widgetAlarms, widgetMetrics } from '../support/dashboard';
import { deploy, type Deployed } from '../support/fleet';
import { awsEnv, useMoto } from '../support/moto';

const ROOT = join(__dirname, '..', '..');
const out = mkdtempSync(join(tmpdir(), 'autopilot-package-'));

type Statement = { Effect: string; Action: string | string[]; Resource: unknown };
type Template = {
  Resources: Record<string, { Type: string; Properties: Record<string, any> }>; // eslint-disable-line @typescript-eslint/no-explicit-any
  Outputs: Record<string, { Value: unknown }>;
};

let template: Template;

beforeAll(() => {
  const run = spawnSync(
    join(ROOT, 'node_modules', '.bin', 'serverless'),
    ['package', '--stage', 'test', '--package', out],
    {
      cwd: ROOT,
      encoding: 'utf8',
      env: { ...process.env, AWS_REGION: 'us-east-1' },
      timeout: 120_000,
    },
  );
  if (run.status !== 0) throw new Error(`serverless package failed:\n${run.stdout}\n${run.stderr}`);
  template = JSON.parse(
    readFileSync(join(out, 'cloudformation-template-update-stack.json'), 'utf8'),
  ) as Template;
}, 150_000);

const logicalName = (fn: string) => fn.charAt(0).toUpperCase() + fn.slice(1);

type ConditionedStatement = Statement & {
  NotResource?: unknown;
  Condition?: Record<string, Record<string, unknown>>;
};

function statementsOf(roleId: string): ConditionedStatement[] {
  const role = template.Resources[roleId]!;
  return (role.Properties.Policies as { PolicyDocument: { Statement: ConditionedStatement[] } }[]).flatMap(
    (p) => p.PolicyDocument.Statement,
  );
}

function grantedActions(roleId: string): string[] {
  const role = template.Resources[roleId]!;
  const statements = (role.Properties.Policies as { PolicyDocument: { Statement: Statement[] } }[]).flatMap(
    (p) => p.PolicyDocument.Statement,
  );
  const actions = statements
    .filter((s) => s.Effect === 'Allow')
    .flatMap((s) => (Array.isArray(s.Action) ? s.Action : [s.Action]));
  // Writing its own logs is every function's baseline, added by the framework.
  return [...new Set(actions.filter((a) => !a.startsWith('logs:')))].sort();
}

describe('the packaged CloudFormation template', () => {
  const functions = () =>
    Object.entries(template.Resources)
      .filter(([, r]) => r.Type === 'AWS::Lambda::Function')
      .map(([id, r]) => ({
        id,
        role: (r.Properties.Role as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0],
        runtime: r.Properties.Runtime,
      }));

  it('declares permissions for exactly the functions it deploys', () => {
    expect(
      functions()
        .map((f) => f.id)
        .sort(),
    ).toEqual(
      Object.keys(FUNCTION_NEEDS)
        .map((n) => `${logicalName(n)}LambdaFunction`)
        .sort(),
    );
  });

  it('gives every function a role of its own, and has no other role, on nodejs22.x', () => {
    const fns = functions();
    const roles = Object.entries(template.Resources)
      .filter(([, r]) => r.Type === 'AWS::IAM::Role')
      .map(([id]) => id);
    // The state machines have their own roles too (each may only invoke its task function).
    expect(roles.sort()).toEqual(
      [
        ...fns.map((f) => f.role),
        'ResizeStateMachineRole',
        'FailoverStateMachineRole',
        'RefreshImageStateMachineRole',
      ].sort(),
    );
    expect(new Set(fns.map((f) => f.role)).size).toBe(fns.length);
    for (const f of fns) expect(f.runtime).toBe('nodejs22.x');
  });

  it.each(Object.keys(FUNCTION_NEEDS))('grants %s exactly what its code declares', (name) => {
    const fn = functions().find((f) => f.id === `${logicalName(name)}LambdaFunction`)!;
    expect(grantedActions(fn.role)).toEqual(functionPermissions(name));
  });

  // The registry's view: each action's permissions go with the paths that run it, and nowhere else.
  describe.each(Object.values(ACTIONS).map((m) => [m.type] as const))('action %s', (type) => {
    it('is granted to exactly the functions whose paths can run it', () => {
      for (const name of Object.keys(FUNCTION_NEEDS)) {
        const fn = functions().find((f) => f.id === `${logicalName(name)}LambdaFunction`)!;
        const granted = grantedActions(fn.role);
        const needs = actionGrants(type, name);
        if (functionActions(name).includes(type)) {
          expect({ name, missing: needs.filter((p) => !granted.includes(p)) }).toEqual({ name, missing: [] });
        } else {
          // Granted without running it only where another need of the function makes the same call
          // (resizeTask terminates the instance a resize retires, under its own capability).
          const others = new Set([
            ...FUNCTION_NEEDS[name]!.capabilities.flatMap((c) => CAPABILITY_PERMISSIONS[c]),
            ...functionActions(name).flatMap((t) => actionGrants(t, name)),
            ...(CLEANUP_FUNCTIONS[name] ? cleanupPermissions(undefined, CLEANUP_FUNCTIONS[name]) : []),
          ]);
          const unexplained = needs.filter((p) => granted.includes(p) && !others.has(p));
          expect({ name, unexplained }).toEqual({ name, unexplained: [] });
        }
      }
    });
  });

  it('lets the resize role tag only what it creates, and on adopted instances only the resize and failover history', () => {
    const role = template.Resources.ResizeTaskIamRoleLambdaExecution!;
    const statements = (role.Properties.Policies as { PolicyDocument: { Statement: Statement[] } }[]).flatMap(
      (p) => p.PolicyDocument.Statement,
    ) as (Statement & { Condition?: Record<string, Record<string, unknown>> })[];
    const tagging = statements.filter((st) =>
      ([] as string[]).concat(st.Action).some((a) => a === 'ec2:CreateTags' || a === 'ec2:DeleteTags'),
    );
    expect(tagging.length).toBeGreaterThan(0);
    for (const st of tagging) {
      const onCreate = st.Condition?.StringEquals?.['ec2:CreateAction'];
      if (onCreate) {
        expect(onCreate).toEqual(['RunInstances', 'CreateImage']);
        expect(([] as string[]).concat(st.Action)).toEqual(['ec2:CreateTags']);
        continue;
      }
      // On existing resources: named keys only, never none (a DeleteTags with no key removes them all).
      expect(st.Resource).not.toBe('*');
      expect(st.Condition?.Null).toEqual({ 'aws:TagKeys': 'false' });
      const keys = st.Condition?.['ForAllValues:StringEquals']?.['aws:TagKeys'] as string[];
      expect(keys).not.toContain('autopilot:protect');
      if (JSON.stringify(st.Resource).includes(':instance/')) {
        // Resize's history, failover's mark on the failed instance, a promoted standby's target.
        expect(keys).toEqual(['autopilot:replaced-by', 'autopilot:failed-over-to', 'autopilot:target']);
        expect(keys).not.toContain('autopilot:managed');
        expect(st.Condition?.StringEquals).toEqual({ 'aws:ResourceTag/autopilot:managed': 'true' });
      } else {
        expect(JSON.stringify(st.Resource)).toContain('::snapshot/*');
      }
    }
  });

  it('lets the resize role create only managed images and instances, from adopted instances and its own images', () => {
    const statements = statementsOf('ResizeTaskIamRoleLambdaExecution');
    const of = (action: string) =>
      statements.filter((st) => ([] as string[]).concat(st.Action).includes(action));
    const resources = (st: ConditionedStatement) => JSON.stringify(st.Resource ?? st.NotResource);
    for (const action of ['ec2:CreateImage', 'ec2:RunInstances']) {
      for (const st of of(action)) {
        expect(([] as string[]).concat(st.Action)).toEqual([action]);
        expect(st.Resource).not.toBe('*');
        const r = resources(st);
        // What it creates carries autopilot:managed from the call that creates it.
        if (/:instance\/\*|:volume\/\*/.test(r) && action === 'ec2:RunInstances' && st.Resource)
          expect(st.Condition).toEqual({ StringEquals: { 'aws:RequestTag/autopilot:managed': 'true' } });
        if (action === 'ec2:CreateImage' && r.includes('::image/*'))
          expect(st.Condition).toEqual({ StringEquals: { 'aws:RequestTag/autopilot:managed': 'true' } });
        // What it starts from carries it already: the adopted instance, the image it made.
        if (action === 'ec2:CreateImage' && r.includes(':instance/*'))
          expect(st.Condition).toEqual({ StringEquals: { 'aws:ResourceTag/autopilot:managed': 'true' } });
        if (action === 'ec2:RunInstances' && st.Resource && r.includes('::image/*'))
          expect(st.Condition).toEqual({ StringEquals: { 'aws:ResourceTag/autopilot:managed': 'true' } });
        // The unconditioned rest of a launch excludes every resource the conditions above guard.
        if (st.NotResource)
          for (const kind of ['::image/*', ':instance/*', ':volume/*']) expect(r).toContain(kind);
      }
    }
    expect(of('ec2:RunInstances')).toHaveLength(3);
    expect(of('ec2:CreateImage')).toHaveLength(3);
    // Elastic IPs: only addresses reconcile adopted, onto adopted instances.
    for (const st of of('ec2:AssociateAddress')) {
      const r = resources(st);
      if (r.includes(':elastic-ip/*') || r.includes(':instance/*'))
        expect(st.Condition).toEqual({ StringEquals: { 'aws:ResourceTag/autopilot:managed': 'true' } });
      else expect(r).toMatch(/^"?\{?.*:network-interface\/\*/);
    }
    // Roles: only those the policy lists, only to EC2.
    const pass = of('iam:PassRole');
    expect(pass).toHaveLength(1);
    expect(pass[0]!.Resource).not.toBe('*');
    expect(JSON.stringify(pass[0]!.Resource)).toContain(':role/no-instance-role-in-policy');
    expect(pass[0]!.Condition).toEqual({ StringEquals: { 'iam:PassedToService': 'ec2.amazonaws.com' } });
  });

  it('lets reconcile write only the adoption tags, on unprotected instances and addresses, and act on none', () => {
    const role = template.Resources.ReconcileIamRoleLambdaExecution!;
    const statements = (role.Properties.Policies as { PolicyDocument: { Statement: Statement[] } }[]).flatMap(
      (p) => p.PolicyDocument.Statement,
    ) as (Statement & { Condition?: Record<string, Record<string, unknown>> })[];
    const adopt = statements.find((st) => ([] as string[]).concat(st.Action).includes('ec2:CreateTags'))!;
    expect(adopt.Condition).toEqual({
      'ForAllValues:StringEquals': {
        'aws:TagKeys': ['autopilot:managed', 'autopilot:target', 'autopilot:standby-for'],
      },
      Null: { 'aws:TagKeys': 'false' },
      StringNotEquals: { 'aws:ResourceTag/autopilot:protect': 'true' },
    });
    const tagged = JSON.stringify(adopt.Resource);
    expect(tagged).toContain(':instance/*');
    expect(tagged).toContain(':elastic-ip/*');
    expect(tagged).not.toContain('"*"');
    const acts = grantedActions('ReconcileIamRoleLambdaExecution').filter((a) =>
      /^ec2:(Stop|Start|Terminate|ModifyInstance|RunInstances|AssociateAddress|DisassociateAddress)/.test(a),
    );
    expect(acts).toEqual([]);
  });

  it("lets only the roles that put alarms recover instances, and create only CloudWatch's service-linked role", () => {
    const putting = Object.keys(FUNCTION_NEEDS).filter((n) => functionActions(n).includes('update-alarm'));
    expect(putting.sort()).toEqual(['reconcile', 'resizeTask']);
    for (const name of Object.keys(FUNCTION_NEEDS)) {
      const statements = statementsOf(`${logicalName(name)}IamRoleLambdaExecution`);
      const of = (action: string) =>
        statements.filter((st) => ([] as string[]).concat(st.Action).includes(action));
      if (!putting.includes(name)) {
        expect({ name, recover: of('ec2:RecoverInstances'), slr: of('iam:CreateServiceLinkedRole') }).toEqual(
          {
            name,
            recover: [],
            slr: [],
          },
        );
        continue;
      }
      // Not scopable (no resource type nor condition key in EC2's reference): alone in its statement.
      const [recover, ...more] = of('ec2:RecoverInstances');
      expect(more).toEqual([]);
      expect(recover!.Action).toEqual(['ec2:DescribeInstanceRecoveryAttribute', 'ec2:RecoverInstances']);
      const [slr, ...others] = of('iam:CreateServiceLinkedRole');
      expect(others).toEqual([]);
      expect(slr!.Action).toEqual(['iam:CreateServiceLinkedRole']);
      expect(JSON.stringify(slr!.Resource)).toContain(
        ':role/aws-service-role/events.amazonaws.com/AWSServiceRoleForCloudWatchEvents"',
      );
      expect(slr!.Condition).toEqual({ StringEquals: { 'iam:AWSServiceName': 'events.amazonaws.com' } });
    }
  });

  it('scopes capacity changes to the groups the policy names', () => {
    const role = template.Resources.OnEventIamRoleLambdaExecution!;
    const statements = (role.Properties.Policies as { PolicyDocument: { Statement: Statement[] } }[])[0]!
      .PolicyDocument.Statement;
    const set = statements.find((s) =>
      ([] as string[]).concat(s.Action).includes('autoscaling:SetDesiredCapacity'),
    )!;
    expect(JSON.stringify(set.Resource)).toContain('autoScalingGroupName/web-asg');
    expect(set.Resource).not.toBe('*');
  });

  it("lets reconcile turn on only the policy's groups' metrics, and put the stack's own alarms but not delete or tag them", () => {
    const role = template.Resources.ReconcileIamRoleLambdaExecution!;
    const statements = (role.Properties.Policies as { PolicyDocument: { Statement: Statement[] } }[])[0]!
      .PolicyDocument.Statement;
    const granting = (action: string) =>
      statements.filter((s) => ([] as string[]).concat(s.Action).includes(action));
    const [metrics] = granting('autoscaling:EnableMetricsCollection');
    expect(JSON.stringify(metrics!.Resource)).toContain('autoScalingGroupName/web-asg');
    expect(metrics!.Resource).not.toBe('*');
    const own = granting('cloudwatch:PutMetricAlarm').filter((s) =>
      JSON.stringify(s.Resource).includes(':alarm:ec2-autopilot-test-*'),
    );
    expect(own).toHaveLength(1);
    expect(own[0]!.Action).toEqual(['cloudwatch:PutMetricAlarm']);
    for (const action of ['cloudwatch:DeleteAlarms', 'cloudwatch:TagResource'])
      for (const s of granting(action))
        expect(JSON.stringify(s.Resource)).not.toContain(':alarm:ec2-autopilot-');
  });

  it("subscribes the policy's e-mail addresses to the notifications topic", () => {
    const subs = Object.values(template.Resources).filter(
      (r) => r.Type === 'AWS::SNS::Subscription' && r.Properties.Protocol === 'email',
    );
    expect(subs.map((s) => s.Properties.Endpoint)).toEqual(['ops@example.com']);
  });
});

describe.each([
  ['resize', 'ResizeStateMachine', 'ResizeTaskLambdaFunction', 10],
  // Failover runs resize's task function (and so its role) with `workflow: failover`.
  ['failover', 'FailoverStateMachine', 'ResizeTaskLambdaFunction', 10],
  ['refresh-image', 'RefreshImageStateMachine', 'RefreshTaskLambdaFunction', 10],
])('the %s state machine', (_name, id, task, steps) => {
  it('runs every Task on its task function, and may invoke nothing else', () => {
    const machine = template.Resources[id]!;
    const [body, refs] = machine.Properties.DefinitionString['Fn::Sub'] as [string, Record<string, unknown>];
    const definition = JSON.parse(body) as { States: Record<string, { Type: string; Resource?: string }> };
    const tasks = Object.values(definition.States).filter((st) => st.Type === 'Task');
    expect(tasks.length).toBeGreaterThan(steps);
    const resources = new Set(tasks.map((t) => t.Resource));
    expect(resources.size).toBe(1);
    const variable = [...resources][0]!.replace(/^\$\{|\}$/g, '');
    expect(refs[variable]).toEqual({ 'Fn::GetAtt': [task, 'Arn'] });
    const role = template.Resources[`${id}Role`]!;
    const actions = (role.Properties.Policies as { PolicyDocument: { Statement: Statement[] } }[]).flatMap(
      (p) => p.PolicyDocument.Statement.flatMap((st) => ([] as string[]).concat(st.Action)),
    );
    expect(new Set(actions)).toEqual(new Set(['lambda:InvokeFunction']));
  });
});

describe.each([
  ['resize', 'ResizeStateMachine', 'AUTOPILOT_RESIZE_STATE_MACHINE_ARN'],
  ['failover', 'FailoverStateMachine', 'AUTOPILOT_FAILOVER_STATE_MACHINE_ARN'],
])('the %s state machine', (_name, id, variable) => {
  it('is what on-event and reconcile start, and may start', () => {
    for (const fn of ['OnEvent', 'Reconcile']) {
      expect(template.Resources[`${fn}LambdaFunction`]!.Properties.Environment.Variables[variable]).toEqual({
        Ref: id,
      });
      const starts = statementsOf(`${fn}IamRoleLambdaExecution`).filter((st) =>
        ([] as string[]).concat(st.Action).includes('states:StartExecution'),
      );
      expect(starts.flatMap((st) => ([] as unknown[]).concat(st.Resource))).toContainEqual({ Ref: id });
    }
  });
});

describe('the failover state machine', () => {
  it('names every step of its workflow, as resizeTask dispatches them', () => {
    const [body] = template.Resources.FailoverStateMachine!.Properties.DefinitionString['Fn::Sub'] as [
      string,
    ];
    const definition = JSON.parse(body) as {
      States: Record<string, { Type: string; Parameters?: Record<string, unknown> }>;
    };
    for (const st of Object.values(definition.States).filter((x) => x.Type === 'Task'))
      expect(st.Parameters).toMatchObject({ workflow: 'failover', step: expect.any(String) });
  });

  it('is, with resizes, all that reconcile may start', () => {
    const starts = statementsOf('ReconcileIamRoleLambdaExecution').filter((st) =>
      ([] as string[]).concat(st.Action).includes('states:StartExecution'),
    );
    expect(starts.flatMap((st) => ([] as unknown[]).concat(st.Resource))).toEqual([
      { Ref: 'ResizeStateMachine' },
      { Ref: 'FailoverStateMachine' },
    ]);
  });

  it("is not subscribed to EC2 state changes without a failover target (the repository's policy has none)", () => {
    const rules = Object.values(template.Resources).filter(
      (r) => r.Type === 'AWS::Events::Rule' && r.Properties.EventPattern,
    );
    expect(rules).toEqual([]);
    const invokers = Object.values(template.Resources)
      .filter(
        (r) =>
          r.Type === 'AWS::Lambda::Permission' &&
          JSON.stringify(r.Properties.FunctionName).includes('OnEventLambdaFunction'),
      )
      .map((r) => r.Properties.Principal);
    expect(invokers).toEqual(['sns.amazonaws.com']);
  });
});

describe('the refresh-image state machine', () => {
  it('is what on-event starts for a refresh-image command; it may start nothing else but resizes and failovers', () => {
    const fn = template.Resources.OnEventLambdaFunction!;
    expect(fn.Properties.Environment.Variables.AUTOPILOT_REFRESH_STATE_MACHINE_ARN).toEqual({
      Ref: 'RefreshImageStateMachine',
    });
    const starts = statementsOf('OnEventIamRoleLambdaExecution').filter((st) =>
      ([] as string[]).concat(st.Action).includes('states:StartExecution'),
    );
    expect(starts.flatMap((st) => ([] as unknown[]).concat(st.Resource))).toEqual([
      { Ref: 'ResizeStateMachine' },
      { Ref: 'FailoverStateMachine' },
      { Ref: 'RefreshImageStateMachine' },
    ]);
  });
});

describe('no lost events: the failed-events queue', () => {
  const QUEUE_ARN = { 'Fn::GetAtt': ['FailedEventsQueue', 'Arn'] };
  const ofType = (type: string) => Object.entries(template.Resources).filter(([, r]) => r.Type === type);

  it('keeps 14 days, encrypted, under the name `autopilot redrive --stage` looks for, and is an output', () => {
    expect(template.Resources.FailedEventsQueue).toEqual({
      Type: 'AWS::SQS::Queue',
      Properties: expect.objectContaining({
        QueueName: 'ec2-autopilot-test-failed-events',
        MessageRetentionPeriod: 1_209_600,
        SqsManagedSseEnabled: true,
      }),
    });
    expect(template.Outputs.FailedEventsQueueUrl).toEqual({ Value: { Ref: 'FailedEventsQueue' } });
    expect(template.Outputs.FailedEventsQueueArn).toEqual({ Value: QUEUE_ARN });
    for (const fn of FUNCTIONS)
      expect(
        template.Resources[functionLogicalId(fn)]!.Properties.Environment.Variables
          .AUTOPILOT_FAILED_EVENTS_QUEUE_URL,
      ).toEqual({ Ref: 'FailedEventsQueue' });
  });

  it('is the on-failure destination of every asynchronously invoked function, after 2 retries within an hour', () => {
    const configs = ofType('AWS::Lambda::EventInvokeConfig').map(([, r]) => r.Properties);
    expect(configs.map((c) => c.FunctionName).sort((a, b) => a.Ref.localeCompare(b.Ref))).toEqual(
      [
        'CleanupDeleteLambdaFunction',
        'CleanupLambdaFunction',
        'OnEventLambdaFunction',
        'ReconcileLambdaFunction',
      ].map((Ref) => ({ Ref })),
    );
    expect(ASYNC_FUNCTIONS.map(functionLogicalId).sort()).toEqual(
      configs.map((c) => c.FunctionName.Ref).sort(),
    );
    for (const c of configs)
      expect(c).toEqual({
        FunctionName: c.FunctionName,
        Qualifier: '$LATEST',
        DestinationConfig: { OnFailure: { Destination: QUEUE_ARN } },
        MaximumRetryAttempts: 2,
        MaximumEventAgeInSeconds: 3600,
      });
  });

  it("lets each of those functions' roles send to the queue, and to no other queue; no other role may", () => {
    for (const fn of FUNCTIONS) {
      const sends = statementsOf(`${logicalName(fn)}IamRoleLambdaExecution`).filter((st) =>
        ([] as string[]).concat(st.Action).some((a) => a.startsWith('sqs:')),
      );
      expect({ fn, sends }).toEqual({
        fn,
        sends: ASYNC_FUNCTIONS.includes(fn)
          ? [{ Effect: 'Allow', Action: ['sqs:SendMessage'], Resource: QUEUE_ARN }]
          : [],
      });
    }
  });
});

describe('the stack watching itself', () => {
  const alarms = () =>
    Object.fromEntries(
      Object.values(template.Resources)
        .filter((r) => r.Type === 'AWS::CloudWatch::Alarm')
        .map((r) => [r.Properties.AlarmName as string, r.Properties]),
    );

  it('alarms on the queue, on each function and on each state machine, and has no other alarm', () => {
    const byName = alarms();
    expect(Object.keys(byName).sort()).toEqual(
      selfAlarms({ service: 'ec2-autopilot', stage: 'test' })
        .map((a) => a.name)
        .sort(),
    );
    expect(byName['ec2-autopilot-test-failed-events-queued']).toMatchObject({
      Namespace: 'AWS/SQS',
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': ['FailedEventsQueue', 'QueueName'] } }],
    });
    const lambdas = Object.entries(template.Resources).filter(([, r]) => r.Type === 'AWS::Lambda::Function');
    for (const [id] of lambdas) {
      const fn = id.replace(/LambdaFunction$/, '');
      expect(byName[`ec2-autopilot-test-${fn.charAt(0).toLowerCase()}${fn.slice(1)}-errors`]).toMatchObject({
        Namespace: 'AWS/Lambda',
        MetricName: 'Errors',
        Statistic: 'Sum',
        Period: 300,
        Dimensions: [{ Name: 'FunctionName', Value: { Ref: id } }],
      });
    }
    const machines = Object.entries(template.Resources).filter(
      ([, r]) => r.Type === 'AWS::StepFunctions::StateMachine',
    );
    expect(machines.map(([id]) => id).sort()).toEqual(STATE_MACHINES.map((m) => m.id).sort());
    for (const [id, machine] of machines)
      expect(byName[`${machine.Properties.StateMachineName}-executions-failed`]).toMatchObject({
        Namespace: 'AWS/States',
        MetricName: 'ExecutionsFailed',
        Dimensions: [{ Name: 'StateMachineArn', Value: { Ref: id } }],
      });
  });

  it('fires each alarm on anything above 0, with the notifications topic as its only action', () => {
    for (const [name, a] of Object.entries(alarms())) {
      expect({ name, ...a }).toMatchObject({
        name,
        Threshold: 0,
        ComparisonOperator: 'GreaterThanThreshold',
      });
      expect({ name, actions: a.AlarmActions, ok: a.OKActions, data: a.InsufficientDataActions }).toEqual({
        name,
        actions: [{ Ref: 'NotifyTopic' }],
      });
      // Outside the policy's alarm prefix, so that reconcile never adopts nor deletes them.
      expect(name.startsWith('autopilot-')).toBe(false);
    }
  });

  it("has a dashboard naming each target's alarms, its capacity, every function, machine and the queue", () => {
    const { name, variables, widgets } = renderDashboard(template.Resources.Dashboard!);
    expect(name).toBe('ec2-autopilot-test');
    for (const v of variables.filter((x) => !x.startsWith('AWS::')))
      expect(template.Resources[v.split('.')[0]!]).toBeDefined();
    const named = widgets.flatMap(widgetAlarms).map((arn) => arn.split(':alarm:')[1]);
    for (const alarm of [
      'autopilot-web-high',
      'autopilot-web-low',
      'autopilot-blog-high',
      'autopilot-blog-low',
    ])
      expect(named).toContain(alarm);
    const metrics = widgets.flatMap(widgetMetrics).join('\n');
    expect(metrics).toContain('"GroupDesiredCapacity","AutoScalingGroupName","web-asg"');
    expect(metrics).toContain('"GroupInServiceInstances","AutoScalingGroupName","web-asg"');
    for (const target of ['web', 'blog'])
      expect(metrics).toContain(`service=\\"test\\" target=\\"${target}\\"`);
    for (const fn of FUNCTIONS) {
      expect(metrics).toContain(`"Errors","FunctionName","<${functionLogicalId(fn)}>"`);
      expect(metrics).toContain(`"Throttles","FunctionName","<${functionLogicalId(fn)}>"`);
    }
    for (const m of STATE_MACHINES)
      expect(metrics).toContain(`"ExecutionsFailed","StateMachineArn","<${m.id}>"`);
    expect(metrics).toContain('MetricName=\\"OrphanMonthlyCostUsd\\"');
    expect(metrics).toContain('MetricName=\\"OrphansDeleted\\"');
    expect(template.Outputs.DashboardName).toEqual({ Value: 'ec2-autopilot-test' });
  });
});

describe('the packaged on-event bundle, run as Lambda runs it', () => {
  let endpoint: string;
  let env: Deployed;
  let driver: string;
  const dir = join(out, 'onEvent');

  beforeAll(async () => {
    endpoint = await useMoto();
    // The bundle carries the repository's autopilot.yml (the seed policy), inlined at package time.
    env = await deploy(readFileSync(join(ROOT, 'autopilot.yml'), 'utf8'), 'packaged');
    execFileSync('python3', ['-m', 'zipfile', '-e', join(out, 'onEvent.zip'), dir]);
    driver = join(out, 'invoke.mjs');
    // A rejected handler is reported as Lambda's runtime reports it: errorType is the error's name.
    writeFileSync(
      driver,
      `const { handler } = await import(${JSON.stringify(join(dir, 'functions', 'on-event.mjs'))});\n` +
        `try {\n` +
        `  const result = await handler(JSON.parse(process.env.EVENT), { awsRequestId: 'r', functionName: 'onEvent' });\n` +
        `  process.stdout.write('\\n' + JSON.stringify(result));\n` +
        `} catch (e) {\n` +
        `  process.stdout.write('\\n' + JSON.stringify({ errorType: e.name, errorMessage: e.message }));\n` +
        `  process.exitCode = 1;\n` +
        `}\n`,
    );
  }, 60_000);

  /**
   * One invocation in a fresh process (a cold start), with the environment serverless.yml gives it:
   * stdout's last line is the handler's result; the lines before it are its embedded-metric-format
   * documents, as CloudWatch Logs would read them.
   */
  const invoke = (event: unknown) => {
    const run = spawnSync(process.execPath, [driver], {
      encoding: 'utf8',
      cwd: dir,
      env: {
        PATH: process.env.PATH ?? '',
        ...awsEnv(endpoint),
        LAMBDA_TASK_ROOT: dir,
        AUTOPILOT_STATE_TABLE: env.deployment.stateTable,
        AUTOPILOT_ALARM_TOPIC_ARN: env.deployment.alarmTopicArn,
        AUTOPILOT_NOTIFY_TOPIC_ARN: env.deployment.notifyTopicArn,
        AUTOPILOT_STAGE: 'test',
        AUTOPILOT_LOG_LEVEL: 'warn',
        EVENT: JSON.stringify(event),
      },
    });
    const lines = run.stdout
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    return { ...run, result: lines.at(-1), emf: lines.slice(0, -1) };
  };

  it('scales web-asg 1 → 3 on a high alarm and e-mails once', async () => {
    await createGroup(env.aws, { name: 'web-asg', min: 1, max: 5, desired: 1 });
    const event = await fireAlarm(
      env.aws,
      'autopilot-web-high',
      [91, 88, 86, 90, 87],
      env.deployment.alarmTopicArn,
    );

    const run = invoke(event);
    expect(run.stderr).toBe('');
    expect(run.result).toEqual({
      triggers: 1,
      actions: [{ type: 'set-desired-capacity', target: 'web', status: 'applied' }],
      ignored: [],
    });
    // The decision as the dashboard's SEARCH finds it: namespace, metric, service = the stage, target.
    const decisions = run.emf.filter((doc) => 'Decisions' in doc);
    expect(decisions).toEqual([
      expect.objectContaining({
        _aws: expect.objectContaining({
          CloudWatchMetrics: [expect.objectContaining({ Namespace: DEFAULT_NAMESPACE })],
        }),
        service: 'test',
        target: 'web',
        action: 'set-desired-capacity',
        outcome: 'applied',
        Decisions: 1,
      }),
    ]);
    expect(await desiredCapacity(env.aws, 'web-asg')).toBe(3);
    expect((await sentMessages(endpoint, env.deployment.notifyTopicArn)).map((m) => m.subject)).toEqual([
      '[ec2-autopilot] web: scaled web-asg out 1 → 3',
    ]);
  }, 60_000);

  // The bundle is minified: without keepNames (and a literal name on each error class) the log and
  // Lambda's errorType said "o" (a minified class name) instead of ValidationError.
  it('logs a malformed event as a ValidationError naming its field, and fails under that name', async () => {
    const sent = (await sentMessages(endpoint, env.deployment.notifyTopicArn)).length;
    const message = alarmSnsMessage(
      {
        AlarmName: 'autopilot-web-high',
        AlarmArn: 'arn:aws:cloudwatch:us-east-1:123456789012:alarm:autopilot-web-high',
        StateValue: 'WARNING' as StateValue,
        StateReason: 'Threshold Crossed',
        MetricName: 'CPUUtilization',
        Namespace: 'AWS/EC2',
        Period: 60,
        EvaluationPeriods: 1,
        Threshold: 80,
        ComparisonOperator: 'GreaterThanThreshold',
      },
      'us-east-1',
    );

    const run = invoke(snsEvent(env.deployment.alarmTopicArn, message, 'ALARM: "autopilot-web-high"'));
    const field = 'Records[0].Sns.Message.NewStateValue';
    const logged = run.stderr
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    // Powertools' Logger: its level names, the invocation's request id.
    expect(logged).toEqual([
      expect.objectContaining({
        level: 'ERROR',
        error: 'ValidationError',
        field,
        message: `${field}: expected one of OK, ALARM, INSUFFICIENT_DATA`,
        retryable: false,
        function_request_id: 'r',
      }),
    ]);
    expect(run.status).toBe(1);
    expect(run.result).toEqual({
      errorType: 'ValidationError',
      errorMessage: `${field}: expected one of OK, ALARM, INSUFFICIENT_DATA`,
    });
    expect(await sentMessages(endpoint, env.deployment.notifyTopicArn)).toHaveLength(sent);
  }, 60_000);
});
