/**
 * The on-event handler end to end against moto, with the real SDK clients: an SNS-wrapped alarm changes
 * a real group's desired capacity and publishes one e-mail, once per event.
 */
import type { Context } from 'aws-lambda';
import { handler } from '../../functions/on-event';
import { call } from '../../lib/aws/call';
import { StateStore } from '../../lib/aws/state-store';
import { ValidationError } from '../../lib/errors';
import { parseEvent } from '../../lib/events/parse-event';
import { fireAlarm } from '../../lib/local/alarm-event';
import { createGroup, desiredCapacity } from '../../lib/local/fleet';
import { sentMessages } from '../../lib/local/moto';
import { SEED_POLICY } from '../support/builders';
import { eventKey } from '../../lib/plan/route';
import { deploy, lambdaContext, type Deployed } from '../support/fleet';
import { useMoto } from '../support/moto';

const invoke = (event: unknown) => handler(event, lambdaContext as Context as Parameters<typeof handler>[1]);

describe('high alarm on the seed policy: web-asg 1 → 3', () => {
  let endpoint: string;
  let env: Deployed;
  let event: Record<string, unknown>;

  beforeAll(async () => {
    endpoint = await useMoto();
    env = await deploy(SEED_POLICY);
    await createGroup(env.aws, { name: 'web-asg', min: 1, max: 5, desired: 1 });
    event = await fireAlarm(
      env.aws,
      'autopilot-web-high',
      [85.2, 88.1, 90.3, 79.9, 81.0],
      env.deployment.alarmTopicArn,
    );
  });

  it('moves the desired capacity from 1 to 3 and publishes one e-mail', async () => {
    const result = await invoke(event);
    expect(result).toEqual({
      triggers: 1,
      actions: [{ type: 'set-desired-capacity', target: 'web', status: 'applied' }],
      ignored: [],
    });
    expect(await desiredCapacity(env.aws, 'web-asg')).toBe(3);

    const mails = await sentMessages(endpoint, env.deployment.notifyTopicArn);
    expect(mails).toHaveLength(1);
    expect(mails[0]!.subject).toBe('[ec2-autopilot] web: scaled web-asg out 1 → 3');
    expect(mails[0]!.attributes).toEqual({
      target: 'web',
      action: 'set-desired-capacity',
      outcome: 'applied',
    });
    expect(mails[0]!.message).toContain(
      'CPUUtilization at 90.3 % was above 70 for 5 min: scale web-asg out 1 → 3',
    );
    expect(mails[0]!.message).toContain('+$16.94/month');
  });

  it('changes nothing more on a duplicate delivery of the same event', async () => {
    const result = await invoke(event);
    expect(result.actions).toEqual([]);
    expect(result.ignored[0]).toMatch(/already handled at .*: duplicate delivery ignored/);
    expect(await desiredCapacity(env.aws, 'web-asg')).toBe(3);
    expect(await sentMessages(endpoint, env.deployment.notifyTopicArn)).toHaveLength(1);
  });

  it('holds a new high alarm back during the cooldown, without e-mail', async () => {
    const again = await fireAlarm(env.aws, 'autopilot-web-high', [95], env.deployment.alarmTopicArn);
    const result = await invoke(again);
    expect(result.actions).toEqual([]);
    expect(result.ignored[0]).toContain('cooling down until');
    expect(await desiredCapacity(env.aws, 'web-asg')).toBe(3);
    expect(await sentMessages(endpoint, env.deployment.notifyTopicArn)).toHaveLength(1);
  });
});

describe('low alarm: web-asg 3 → 2', () => {
  let endpoint: string;
  let env: Deployed;

  beforeAll(async () => {
    endpoint = await useMoto();
    env = await deploy(SEED_POLICY);
    await createGroup(env.aws, { name: 'web-asg', min: 1, max: 5, desired: 3 });
  });

  it('removes one instance and says so', async () => {
    const event = await fireAlarm(
      env.aws,
      'autopilot-web-low',
      [12.5, 14, 11, 13, 12],
      env.deployment.alarmTopicArn,
    );
    const result = await invoke(event);
    expect(result.actions).toEqual([{ type: 'set-desired-capacity', target: 'web', status: 'applied' }]);
    expect(await desiredCapacity(env.aws, 'web-asg')).toBe(2);
    const mails = await sentMessages(endpoint, env.deployment.notifyTopicArn);
    expect(mails.map((m) => m.subject)).toEqual(['[ec2-autopilot] web: scaled web-asg in 3 → 2']);
    expect(mails[0]!.message).toContain('−$8.47/month');
  });
});

describe('events that must change nothing', () => {
  let endpoint: string;
  let env: Deployed;

  beforeAll(async () => {
    endpoint = await useMoto();
    env = await deploy(SEED_POLICY);
    await createGroup(env.aws, { name: 'web-asg', min: 1, max: 5, desired: 1 });
  });

  afterEach(async () => {
    expect(await desiredCapacity(env.aws, 'web-asg')).toBe(1);
    expect(await sentMessages(endpoint, env.deployment.notifyTopicArn)).toHaveLength(0);
  });

  it('ignores an alarm the policy does not manage, successfully', async () => {
    const event = await fireAlarm(env.aws, 'autopilot-web-high', [90], env.deployment.alarmTopicArn);
    const records = event.Records as { Sns: { Message: string } }[];
    const message = JSON.parse(records[0]!.Sns.Message) as Record<string, unknown>;
    records[0]!.Sns.Message = JSON.stringify({
      ...message,
      AlarmName: 'someone-elses-alarm',
      AlarmArn: undefined,
    });
    const result = await invoke(event);
    expect(result).toEqual({
      triggers: 1,
      actions: [],
      ignored: [expect.stringContaining('someone-elses-alarm is not managed by this policy')],
    });
  });

  it('fails a malformed event with an error naming the bad field', async () => {
    const event = await fireAlarm(env.aws, 'autopilot-web-high', [90], env.deployment.alarmTopicArn);
    const records = event.Records as { Sns: { Message: string } }[];
    const message = JSON.parse(records[0]!.Sns.Message) as Record<string, unknown>;
    records[0]!.Sns.Message = JSON.stringify({ ...message, NewStateValue: 'ON_FIRE' });
    // Powertools' Logger writes through its own Console to process.stderr, not the global console.
    const logged = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
    const failure = invoke(event);
    await expect(failure).rejects.toBeInstanceOf(ValidationError);
    await expect(failure).rejects.toMatchObject({ field: 'Records[0].Sns.Message.NewStateValue' });
    const lines = logged.mock.calls.map((c) => String(c[0]));
    logged.mockRestore();
    // One structured log line names the field, for CloudWatch Logs Insights.
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0]!)).toMatchObject({
      level: 'ERROR',
      error: 'ValidationError',
      field: 'Records[0].Sns.Message.NewStateValue',
      retryable: false,
      function_request_id: 'test-request',
    });
  });

  it('does nothing for an alarm going back to OK', async () => {
    const event = await fireAlarm(env.aws, 'autopilot-web-high', [90], env.deployment.alarmTopicArn);
    const records = event.Records as { Sns: { Message: string } }[];
    const message = JSON.parse(records[0]!.Sns.Message) as Record<string, unknown>;
    records[0]!.Sns.Message = JSON.stringify({ ...message, NewStateValue: 'OK', OldStateValue: 'ALARM' });
    const result = await invoke(event);
    expect(result.ignored[0]).toContain('only a change to ALARM acts');
  });
});

describe('an alarm delivered by a topic other than the alarm topic', () => {
  let endpoint: string;
  let env: Deployed;
  let foreignTopic: string;
  let foreign: Record<string, unknown>;

  beforeAll(async () => {
    endpoint = await useMoto();
    env = await deploy(SEED_POLICY);
    await createGroup(env.aws, { name: 'web-asg', min: 1, max: 5, desired: 1 });
    // Another stage's alarm topic, subscribed to this function by mistake.
    const sns = await env.aws.sns();
    foreignTopic = (
      await call('CreateTopic', () =>
        sns.client.send(new sns.sdk.CreateTopicCommand({ Name: 'ec2-autopilot-staging-alarms' })),
      )
    ).TopicArn!;
    foreign = await fireAlarm(env.aws, 'autopilot-web-high', [85, 88, 90, 79, 81], foreignTopic);
  });

  it('changes nothing, claims nothing, and says why, naming both topics', async () => {
    const reason = `alarm autopilot-web-high was delivered by the SNS topic ${foreignTopic}, not by this deployment's alarm topic ${env.deployment.alarmTopicArn}: not acted on`;
    expect(await invoke(foreign)).toEqual({ triggers: 1, actions: [], ignored: [reason] });
    expect(await desiredCapacity(env.aws, 'web-asg')).toBe(1);
    // No claim on the event: the same alarm from the alarm topic is not taken for a duplicate.
    const key = eventKey(parseEvent(foreign)[0]!)!;
    expect(await new StateStore(env.aws, env.deployment.stateTable).readEvent(key)).toBeUndefined();
    // Told like the other guards' ignores: a warning, e-mailed.
    const mails = await sentMessages(endpoint, env.deployment.notifyTopicArn);
    expect(mails).toHaveLength(1);
    expect(mails[0]!.message).toContain(reason);
  });

  it('the same alarm, delivered by the alarm topic, scales web-asg 1 → 3', async () => {
    const own = structuredClone(foreign);
    const record = (own.Records as { EventSubscriptionArn: string; Sns: { TopicArn: string } }[])[0]!;
    record.Sns.TopicArn = env.deployment.alarmTopicArn;
    record.EventSubscriptionArn = `${env.deployment.alarmTopicArn}:0d1e2f3a`;
    expect(await invoke(own)).toEqual({
      triggers: 1,
      actions: [{ type: 'set-desired-capacity', target: 'web', status: 'applied' }],
      ignored: [],
    });
    expect(await desiredCapacity(env.aws, 'web-asg')).toBe(3);
  });
});
