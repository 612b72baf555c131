/**
 * The "must show", through the real `autopilot` command against moto: reconcile creates the
 * alarms, plan prints one set-desired-capacity 1 → 3, apply makes it so and e-mails once, and applying
 * again changes nothing; unknown alarms exit 0, malformed events exit 2 naming the field.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AwsClients } from '../../lib/aws/clients';
import { call } from '../../lib/aws/call';
import { fireAlarm } from '../../lib/local/alarm-event';
import { createGroup, desiredCapacity } from '../../lib/local/fleet';
import { sentMessages } from '../../lib/local/moto';
import { resourceNames } from '../../lib/aws/deployment';
import { SEED_POLICY } from '../support/builders';
import { autopilot } from '../support/cli';
import { REGION, useMoto } from '../support/moto';

const dir = mkdtempSync(join(tmpdir(), 'autopilot-cli-'));
const config = join(dir, 'autopilot.yml');
const file = (name: string, content: unknown) => {
  const path = join(dir, name);
  writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content));
  return path;
};

describe('autopilot against moto, with web-asg (min 1, max 5, desired 1) and the seed policy', () => {
  let endpoint: string;
  let aws: AwsClients;
  let notifyTopic: string;
  let alarmTopic: string;
  const cli = (...args: string[]) => autopilot([...args, '--config', config], { endpoint });

  beforeAll(async () => {
    endpoint = await useMoto();
    aws = new AwsClients({ region: REGION });
    writeFileSync(config, SEED_POLICY);
    await createGroup(aws, { name: 'web-asg', min: 1, max: 5, desired: 1 });
    const names = resourceNames('dev');
    notifyTopic = `arn:aws:sns:${REGION}:123456789012:${names.notifyTopic}`;
    alarmTopic = `arn:aws:sns:${REGION}:123456789012:${names.alarmTopic}`;
  });

  it('validate explains the policy', () => {
    const run = cli('validate');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('web: Auto Scaling group web-asg');
    expect(run.stdout).toContain(
      'scale out +2 when CPUUtilization Average > 70 for 5 min  [alarm autopilot-web-high]',
    );
  });

  it("reconcile creates the two alarms, pointing at the alarm topic, and turns on the group's metrics", async () => {
    const run = cli('reconcile', '--format', 'json');
    expect(run.code).toBe(0);
    expect(
      run
        .json()
        .alarms.outcomes.map((o: { action: { type: string }; status: string }) => [o.action.type, o.status]),
    ).toEqual([
      ['update-alarm', 'applied'],
      ['update-alarm', 'applied'],
      ['enable-group-metrics', 'applied'],
    ]);
    const as = await aws.autoScaling();
    const group = await call('DescribeAutoScalingGroups', () =>
      as.client.send(new as.sdk.DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: ['web-asg'] })),
    );
    expect(group.AutoScalingGroups![0]!.EnabledMetrics!.map((m) => m.Metric).sort()).toEqual([
      'GroupDesiredCapacity',
      'GroupInServiceInstances',
    ]);
    const cw = await aws.cloudWatch();
    const out = await call('DescribeAlarms', () =>
      cw.client.send(new cw.sdk.DescribeAlarmsCommand({ AlarmNamePrefix: 'autopilot-' })),
    );
    expect(
      out.MetricAlarms?.map((a) => [a.AlarmName, a.Threshold, a.ComparisonOperator, a.AlarmActions]),
    ).toEqual([
      ['autopilot-web-high', 70, 'GreaterThanThreshold', [alarmTopic]],
      ['autopilot-web-low', 30, 'LessThanThreshold', [alarmTopic]],
    ]);
  });

  it('reconcile again has nothing to do', () => {
    const run = cli('reconcile', '--format', 'json');
    expect(run.code).toBe(0);
    expect(run.json().alarms.actions).toEqual([]);
  });

  describe('a high alarm, delivered through SNS', () => {
    let event: string;
    beforeAll(async () => {
      event = file('ev.json', await fireAlarm(aws, 'autopilot-web-high', [85, 86, 90, 88, 87], alarmTopic));
    });

    it('plan prints one set-desired-capacity 1 → 3 with its reason, and changes nothing', async () => {
      const run = cli('plan', '--event', event, '--format', 'json');
      expect(run.code).toBe(0);
      const plan = run.json();
      expect(plan.trigger).toMatchObject({
        kind: 'alarm',
        alarmName: 'autopilot-web-high',
        state: 'ALARM',
        region: REGION,
      });
      expect(plan.actions).toEqual([
        {
          type: 'set-desired-capacity',
          target: 'web',
          autoScalingGroup: 'web-asg',
          from: 1,
          to: 3,
          direction: 'out',
          instanceType: 't2.micro',
          reason:
            'CPUUtilization at 90 % was above 70 for 5 min: scale web-asg out 1 → 3 (add 2, bounds 1–5)',
          monthlyCostDeltaUsd: 16.94,
          region: REGION,
        },
      ]);
      expect(plan.ignored).toEqual([]);
      expect(await desiredCapacity(aws, 'web-asg')).toBe(1);
    });

    it('plan reads the event from stdin too', () => {
      const run = autopilot(['plan', '--event', '-', '--config', config], {
        endpoint,
        input: readFileSync(event, 'utf8'),
      });
      expect(run.code).toBe(0);
      expect(run.stdout).toContain('set-desired-capacity  web  web-asg 1 → 3  +$16.94/month');
    });

    it('apply --dry-run e-mails "would" and changes nothing', async () => {
      const run = cli('apply', '--event', event, '--dry-run', '--format', 'json');
      expect(run.code).toBe(0);
      expect(run.json().outcomes[0].status).toBe('dry-run');
      expect(await desiredCapacity(aws, 'web-asg')).toBe(1);
    });

    it('apply makes the desired capacity 3 and publishes one e-mail', async () => {
      const before = (await sentMessages(endpoint, notifyTopic)).length;
      const run = cli('apply', '--event', event, '--format', 'json');
      expect(run.code).toBe(0);
      expect(run.json().outcomes[0]).toMatchObject({ status: 'applied' });
      expect(await desiredCapacity(aws, 'web-asg')).toBe(3);
      const mails = (await sentMessages(endpoint, notifyTopic)).slice(before);
      expect(mails.map((m) => m.subject)).toEqual(['[ec2-autopilot] web: scaled web-asg out 1 → 3']);
    });

    it('applying the same event again changes nothing', async () => {
      const before = (await sentMessages(endpoint, notifyTopic)).length;
      const run = cli('apply', '--event', event);
      expect(run.code).toBe(0);
      expect(run.stdout).toContain('duplicate delivery ignored');
      expect(await desiredCapacity(aws, 'web-asg')).toBe(3);
      expect(await sentMessages(endpoint, notifyTopic)).toHaveLength(before);
    });

    it('plan of the handled event says so', () => {
      const run = cli('plan', '--event', event, '--format', 'json');
      expect(run.json().ignored[0].reason).toContain('already handled');
    });
  });

  describe('a high alarm from a topic of the same name in another account', () => {
    let event: string;
    let foreignTopic: string;
    let reason: string;
    beforeAll(async () => {
      foreignTopic = `arn:aws:sns:${REGION}:210987654321:${resourceNames('dev').alarmTopic}`;
      reason = `alarm autopilot-web-high was delivered by the SNS topic ${foreignTopic}, not by this deployment's alarm topic ${alarmTopic}: not acted on`;
      event = file(
        'foreign.json',
        await fireAlarm(aws, 'autopilot-web-high', [95, 96, 97, 98, 99], foreignTopic),
      );
    });

    it('apply exits 0, prints and logs the reason, and changes nothing', async () => {
      const before = await desiredCapacity(aws, 'web-asg');
      const run = cli('apply', '--event', event);
      expect(run.code).toBe(0);
      expect(run.stdout).toContain(`Ignored:\n  - (!) ${reason}`);
      expect(run.stderr).toContain(JSON.stringify(reason));
      expect(await desiredCapacity(aws, 'web-asg')).toBe(before);
    });

    it('plan says the same when the alarm topic is given in the environment', () => {
      const run = autopilot(['plan', '--event', event, '--config', config, '--format', 'json'], {
        endpoint,
        env: { AUTOPILOT_ALARM_TOPIC_ARN: alarmTopic },
      });
      expect(run.code).toBe(0);
      expect(run.json()).toMatchObject({ actions: [], ignored: [{ severity: 'warning', reason }] });
    });
  });

  it('an event naming an alarm the policy does not manage exits 0 and says it is ignored', () => {
    const fixture = readFileSync(
      join(__dirname, '..', 'fixtures', 'aws-events', 'sns-cloudwatch-alarm.json'),
      'utf8',
    );
    const run = cli('apply', '--event', file('unknown.json', fixture));
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('alarm EXAMPLE is not managed by this policy');
  });

  it.each([
    ['a malformed event', ['plan', '--event', 'BAD'], 'Records[0].Sns.Message.AlarmName'],
    ['an event that is not JSON', ['plan', '--event', 'NOTJSON'], '(event): not valid JSON'],
    ['an unknown flag', ['plan', '--evnt', 'x'], '--evnt: unknown option'],
    ['a missing --event', ['apply'], '--event: required by apply'],
    ['an unknown command', ['scale'], 'unknown command "scale"'],
  ])('%s exits 2 naming the field', (_name, args, field) => {
    const resolved = args.map((a) =>
      a === 'BAD'
        ? file('bad.json', {
            Records: [
              {
                EventSource: 'aws:sns',
                Sns: { TopicArn: alarmTopic, Message: JSON.stringify({ NewStateValue: 'ALARM' }) },
              },
            ],
          })
        : a === 'NOTJSON'
          ? file('not.json', '{"Records": [')
          : a,
    );
    const run = cli(...resolved);
    expect(run.code).toBe(2);
    expect(run.stderr.split('\n')[0]).toContain(field);
  });

  it('an invalid policy exits 2 naming the field', () => {
    const bad = file('bad.yml', SEED_POLICY.replace('add: 2', 'add: -2'));
    const run = autopilot(['validate', '--config', bad], { endpoint });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('targets[0].scaleOut.add: expected a positive integer');
  });
});
