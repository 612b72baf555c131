/**
 * reconcile against moto with a failover target (issue 10): it places the two status-check alarms on the
 * target's instance, the system one with EC2's recover action, leaves them be once they match, adopts
 * the warm standby (never a protected one), changes nothing in dry-run, and deletes the alarms when the
 * target stops failing over. (moto never evaluates the alarms: this is about what CloudWatch holds.)
 */
import { reconcile } from '../../lib/app/reconcile';
import { createRuntime } from '../../lib/app/runtime';
import { call } from '../../lib/aws/call';
import { AwsClients } from '../../lib/aws/clients';
import { createServer, type Server } from '../../lib/local/fleet';
import { silentLogger } from '../../lib/log';
import { parsePolicy } from '../../lib/policy/load';
import type { InstanceTarget, Policy } from '../../lib/policy/policy';
import { blogPolicy } from '../support/builders';
import { describeInstance, tagsOf } from '../support/ec2';
import { deploy, type Deployed } from '../support/fleet';
import { REGION, useMoto } from '../support/moto';

const BLOG = blogPolicy('      ladder: [t2.micro, t2.small]');
const RECOVER = `arn:aws:automate:${REGION}:ec2:recover`;

/** The blog target, failing over to the instances named `wordpress-standby` (none with `failover: false`). */
function policy(failover = true): Policy {
  const p = parsePolicy(BLOG);
  if (failover)
    (p.targets[0] as InstanceTarget).failover = {
      standby: { tags: { Name: 'wordpress-standby' } },
      replaceFrom: 'latest-image',
      statusCheckFailedMinutes: 2,
    };
  return p;
}

const run = (env: Deployed, p: Policy, dryRun = false) =>
  reconcile(
    createRuntime({
      policy: p,
      stateTable: env.deployment.stateTable,
      log: silentLogger,
      ...(dryRun ? { dryRun: true } : {}),
    }),
    env.deployment.alarmTopicArn,
  );

async function alarm(env: Deployed, name: string) {
  const cw = await env.aws.cloudWatch();
  const out = await call('DescribeAlarms', () =>
    cw.client.send(new cw.sdk.DescribeAlarmsCommand({ AlarmNames: [name] })),
  );
  return out.MetricAlarms?.[0];
}

describe('a failover target', () => {
  let env: Deployed;
  let blog: Server;
  let standby: Server;
  let kept: Server;

  beforeAll(async () => {
    await useMoto();
    const aws = new AwsClients({ region: REGION });
    blog = await createServer(aws, {
      tags: { Name: 'wordpress' },
      instanceType: 't2.micro',
      elasticIp: true,
    });
    standby = await createServer(aws, {
      tags: { Name: 'wordpress-standby' },
      instanceType: 't2.micro',
      elasticIp: false,
    });
    kept = await createServer(aws, {
      tags: { Name: 'wordpress-standby', 'autopilot:protect': 'true' },
      instanceType: 't2.micro',
      elasticIp: false,
    });
    // deploy() runs reconcile once on the policy without failover: the rules' alarms exist already.
    env = await deploy(BLOG);
  });

  it('changes nothing in dry-run', async () => {
    const result = await run(env, policy(), true);
    expect(result.alarms.actions.map((a) => a.type === 'update-alarm' && a.alarm.name)).toEqual([
      'autopilot-blog-system-check',
      'autopilot-blog-instance-check',
    ]);
    expect(await alarm(env, 'autopilot-blog-system-check')).toBeUndefined();
    expect(tagsOf(await describeInstance(env.aws, standby.instanceId))).not.toHaveProperty(
      'autopilot:managed',
    );
  });

  it("creates an alarm on each status check of the target's instance, the system one also recovering it", async () => {
    const result = await run(env, policy());
    expect(result.alarms.actions).toEqual([
      expect.objectContaining({ type: 'update-alarm', change: 'create', target: 'blog' }),
      expect.objectContaining({ type: 'update-alarm', change: 'create', target: 'blog' }),
    ]);
    expect(result.alarms.outcomes.map((o) => o.status)).toEqual(['applied', 'applied']);

    const system = await alarm(env, 'autopilot-blog-system-check');
    expect(system).toMatchObject({
      Namespace: 'AWS/EC2',
      MetricName: 'StatusCheckFailed_System',
      Dimensions: [{ Name: 'InstanceId', Value: blog.instanceId }],
      Statistic: 'Maximum',
      Period: 60,
      EvaluationPeriods: 2,
      DatapointsToAlarm: 2,
      Threshold: 0,
      ComparisonOperator: 'GreaterThanThreshold',
      TreatMissingData: 'missing',
      ActionsEnabled: true,
    });
    expect([...system!.AlarmActions!].sort()).toEqual([env.deployment.alarmTopicArn, RECOVER].sort());

    const instance = await alarm(env, 'autopilot-blog-instance-check');
    expect(instance).toMatchObject({
      MetricName: 'StatusCheckFailed_Instance',
      Dimensions: [{ Name: 'InstanceId', Value: blog.instanceId }],
      EvaluationPeriods: 2,
      AlarmActions: [env.deployment.alarmTopicArn],
    });
  });

  it('changes nothing the second time', async () => {
    const again = await run(env, policy());
    expect(again.alarms.actions).toEqual([]);
    expect(again.alarms.ignored).toEqual([]);
  });

  it('adopts the standby, but not a protected one nor the target itself', async () => {
    expect(tagsOf(await describeInstance(env.aws, standby.instanceId))).toMatchObject({
      'autopilot:managed': 'true',
      'autopilot:standby-for': 'blog',
    });
    const protectedTags = tagsOf(await describeInstance(env.aws, kept.instanceId));
    expect(protectedTags).not.toHaveProperty('autopilot:managed');
    expect(protectedTags).not.toHaveProperty('autopilot:standby-for');
    expect(tagsOf(await describeInstance(env.aws, blog.instanceId))).not.toHaveProperty(
      'autopilot:standby-for',
    );
  });

  it('deletes the status-check alarms once the target no longer fails over', async () => {
    const result = await run(env, policy(false));
    expect(result.alarms.actions).toEqual([
      expect.objectContaining({
        type: 'delete-alarm',
        target: 'blog',
        alarmName: 'autopilot-blog-system-check',
      }),
      expect.objectContaining({
        type: 'delete-alarm',
        target: 'blog',
        alarmName: 'autopilot-blog-instance-check',
      }),
    ]);
    expect(await alarm(env, 'autopilot-blog-system-check')).toBeUndefined();
    expect(await alarm(env, 'autopilot-blog-high')).toBeDefined();
  });
});
