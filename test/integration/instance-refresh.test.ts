/**
 * The instance-refresh adapter against moto, with exactly the three calls moto lacks
 * (StartInstanceRefresh, DescribeInstanceRefreshes, CancelInstanceRefresh) answered by the stub in
 * test/support/instance-refresh-stub.ts. The groups, their launch templates and launch configurations
 * are moto's, read by the adapter with the real SDK; only the refresh calls are stubbed.
 */
import { ActionFailedError } from '../../lib/errors';
import { AwsClients } from '../../lib/aws/clients';
import { InstanceRefreshes, checkpointPercentages } from '../../lib/aws/instance-refresh';
import type { InstanceRefreshPreferences, InstanceRefreshStatus } from '../../lib/model/launch';
import { stubInstanceRefresh } from '../support/instance-refresh-stub';
import { emptyGroup } from '../support/refresh-fleet';
import { REGION, useMoto } from '../support/moto';

const PREFS: InstanceRefreshPreferences = {
  minHealthyPercentage: 90,
  warmupSeconds: 300,
  skipMatching: true,
  autoRollback: true,
  checkpointDelaySeconds: 600,
};

let seeder: AwsClients;
let templateId: string;
let n = 0;
const unique = (prefix: string) => `${prefix}-${++n}`;

/** A group of moto's on the launch template, naming `version` (none: the template's default). */
async function templateGroup(version?: string): Promise<string> {
  return emptyGroup(seeder, unique('lt-group'), {
    LaunchTemplate: { LaunchTemplateId: templateId, ...(version ? { Version: version } : {}) },
  });
}

async function configurationGroup(): Promise<string> {
  const { client, sdk } = await seeder.autoScaling();
  const name = unique('lc-group');
  await client.send(
    new sdk.CreateLaunchConfigurationCommand({
      LaunchConfigurationName: `${name}-lc`,
      ImageId: 'ami-12345678',
      InstanceType: 't3.micro',
    }),
  );
  return emptyGroup(seeder, name, { LaunchConfigurationName: `${name}-lc` });
}

/** Fresh clients with the stub on them, and the adapter over those clients. */
function stubbed(script?: (group: string) => readonly InstanceRefreshStatus[]) {
  const aws = new AwsClients({ region: REGION });
  const stub = stubInstanceRefresh(aws, script);
  return { aws, stub, refreshes: new InstanceRefreshes(aws) };
}

beforeAll(async () => {
  await useMoto();
  seeder = new AwsClients({ region: REGION });
  const { client, sdk } = await seeder.ec2();
  const made = await client.send(
    new sdk.CreateLaunchTemplateCommand({
      LaunchTemplateName: 'refresh-lt',
      LaunchTemplateData: { ImageId: 'ami-12345678', InstanceType: 't3.micro' },
    }),
  );
  templateId = made.LaunchTemplate!.LaunchTemplateId!;
  for (let v = 2; v <= 3; v += 1)
    await client.send(
      new sdk.CreateLaunchTemplateVersionCommand({
        LaunchTemplateId: templateId,
        LaunchTemplateData: { ImageId: `ami-0000000${v}`, InstanceType: 't3.micro' },
      }),
    );
});

describe('StartInstanceRefresh parameters (as the stub of the calls moto lacks records them)', () => {
  it('sends the policy preferences for a group on $Latest, checkpoints ending at 100, and no rollback', async () => {
    // Stubbed: exactly StartInstanceRefresh/DescribeInstanceRefreshes/CancelInstanceRefresh, which moto lacks.
    const { stub, refreshes } = stubbed();
    const group = await templateGroup('$Latest');
    const started = await refreshes.start(group, { ...PREFS, checkpoints: [50, 20, 50] });
    expect(started.adopted).toBe(false);
    expect(stub.requests).toEqual([
      {
        AutoScalingGroupName: group,
        Strategy: 'Rolling',
        Preferences: {
          MinHealthyPercentage: 90,
          InstanceWarmup: 300,
          SkipMatching: true,
          CheckpointPercentages: [20, 50, 100],
          CheckpointDelay: 600,
        },
      },
    ]);
    expect(started.id).toBe(stub.refreshes(group)[0]!.id);
    // AWS rolls back only a refresh with a desired configuration: asked for, left out, and said why.
    expect(started.leftOut).toEqual([
      { preference: 'AutoRollback', reason: expect.stringMatching(/desired configuration/) },
    ]);
  });

  it('sends AutoRollback with a desired configuration for a group that pins a version number', async () => {
    // Stubbed: exactly the three instance-refresh calls moto lacks.
    const { stub, refreshes } = stubbed();
    const group = await templateGroup('2');
    const started = await refreshes.start(group, PREFS, { desired: { templateId, version: 3 } });
    expect(started.leftOut).toEqual([]);
    expect(stub.requests[0]).toEqual({
      AutoScalingGroupName: group,
      Strategy: 'Rolling',
      Preferences: { MinHealthyPercentage: 90, InstanceWarmup: 300, SkipMatching: true, AutoRollback: true },
      DesiredConfiguration: { LaunchTemplate: { LaunchTemplateId: templateId, Version: '3' } },
    });
  });

  it('leaves AutoRollback out for a group on $Default even with a desired configuration', async () => {
    // Stubbed: exactly the three instance-refresh calls moto lacks.
    const { stub, refreshes } = stubbed();
    const group = await templateGroup();
    const started = await refreshes.start(group, PREFS, { desired: { templateId, version: 3 } });
    expect(stub.requests[0]!.Preferences).not.toHaveProperty('AutoRollback');
    expect(started.leftOut).toEqual([
      { preference: 'AutoRollback', reason: expect.stringMatching(/\$Default/) },
    ]);
  });

  it('leaves SkipMatching and AutoRollback out for a launch configuration, and says so', async () => {
    // Stubbed: exactly the three instance-refresh calls moto lacks.
    const { stub, refreshes } = stubbed();
    const group = await configurationGroup();
    const started = await refreshes.start(group, PREFS);
    expect(stub.requests[0]!.Preferences).toEqual({ MinHealthyPercentage: 90, InstanceWarmup: 300 });
    expect(started.leftOut.map((l) => l.preference).sort()).toEqual(['AutoRollback', 'SkipMatching']);
    expect(started.leftOut.every((l) => /launch configuration/.test(l.reason))).toBe(true);
  });

  it('sends false preferences as false, and nothing it was not asked for', async () => {
    // Stubbed: exactly the three instance-refresh calls moto lacks.
    const { stub, refreshes } = stubbed();
    const group = await templateGroup('2');
    const started = await refreshes.start(
      group,
      { ...PREFS, skipMatching: false, autoRollback: false },
      { desired: { templateId, version: 3 } },
    );
    expect(started.leftOut).toEqual([]);
    expect(stub.requests[0]!.Preferences).toEqual({
      MinHealthyPercentage: 90,
      InstanceWarmup: 300,
      SkipMatching: false,
      AutoRollback: false,
    });
  });

  it('refuses a group that does not exist, before calling StartInstanceRefresh', async () => {
    // Stubbed: exactly the three instance-refresh calls moto lacks (none is reached here).
    const { stub, refreshes } = stubbed();
    await expect(refreshes.start('no-such-group', PREFS)).rejects.toBeInstanceOf(ActionFailedError);
    expect(stub.calls).toEqual([]);
  });

  it('orders checkpoints, drops repeats and ends them at 100', () => {
    expect(checkpointPercentages([50, 10, 50])).toEqual([10, 50, 100]);
    expect(checkpointPercentages([100, 30])).toEqual([30, 100]);
  });
});

describe('adopting the active refresh', () => {
  it('adopts a refresh someone else started (InstanceRefreshInProgress)', async () => {
    // Stubbed: exactly the three instance-refresh calls moto lacks; the other start goes through it too.
    const { aws, stub, refreshes } = stubbed();
    const group = await templateGroup();
    const { client, sdk } = await aws.autoScaling();
    const theirs = await client.send(new sdk.StartInstanceRefreshCommand({ AutoScalingGroupName: group }));
    // AWS's refusal, parsed by the SDK into its modelled fault (what the adapter recognises).
    await expect(
      client.send(new sdk.StartInstanceRefreshCommand({ AutoScalingGroupName: group })),
    ).rejects.toMatchObject({ name: 'InstanceRefreshInProgressFault', $metadata: { httpStatusCode: 400 } });
    const started = await refreshes.start(group, PREFS);
    expect(started).toMatchObject({ id: theirs.InstanceRefreshId, adopted: true });
    expect(stub.requests).toHaveLength(3);
    expect(stub.refreshes(group)).toHaveLength(1);
  });

  it('adopts its own refresh when the answer to its start was lost, instead of starting a second', async () => {
    // Stubbed: exactly the three instance-refresh calls moto lacks; the stub loses the start's answer.
    const { stub, refreshes } = stubbed();
    const group = await templateGroup();
    stub.loseNextStartAnswer();
    const started = await refreshes.start(group, PREFS);
    const made = stub.refreshes(group);
    expect(made).toHaveLength(1);
    expect(started).toMatchObject({ id: made[0]!.id, adopted: true });
    // The repeat was made, and refused by AWS's one-refresh-per-group rule.
    expect(stub.requests).toHaveLength(2);
  });

  it('starts anew once the previous refresh has finished', async () => {
    // Stubbed: exactly the three instance-refresh calls moto lacks.
    const { stub, refreshes } = stubbed(() => ['Pending', 'Successful']);
    const group = await templateGroup();
    const first = await refreshes.start(group, PREFS);
    expect((await refreshes.get(group, first.id))?.status).toBe('Successful');
    expect(await refreshes.active(group)).toBeUndefined();
    const second = await refreshes.start(group, PREFS);
    expect(second.adopted).toBe(false);
    expect(second.id).not.toBe(first.id);
    expect(stub.refreshes(group)).toHaveLength(2);
  });
});

/** Reads the refresh until it leaves the active statuses; the statuses seen, in order. */
async function follow(refreshes: InstanceRefreshes, group: string, id: string) {
  const seen: InstanceRefreshStatus[] = [];
  for (let i = 0; i < 10; i += 1) {
    const facts = await refreshes.get(group, id);
    seen.push(facts!.status);
    if (!['Pending', 'InProgress', 'Cancelling', 'RollbackInProgress', 'Baking'].includes(facts!.status))
      return { seen, last: facts! };
  }
  throw new Error(`still active after 10 reads: ${seen.join(' → ')}`);
}

describe('each terminal status read back', () => {
  it('Successful: progress rises to 100 with nothing left to update', async () => {
    // Stubbed: exactly the three instance-refresh calls moto lacks (default script).
    const { refreshes } = stubbed();
    const group = await templateGroup();
    const { id } = await refreshes.start(group, PREFS);
    const { seen, last } = await follow(refreshes, group, id);
    expect(seen).toEqual(['InProgress', 'Successful']);
    expect(last).toMatchObject({ id, status: 'Successful', percentComplete: 100, instancesToUpdate: 0 });
    expect(Date.parse(last.endTime!)).toBeGreaterThanOrEqual(Date.parse(last.startTime!));
  });

  it('Failed: with the reason AWS gives', async () => {
    // Stubbed: exactly the three instance-refresh calls moto lacks (scripted to fail).
    const { refreshes } = stubbed(() => ['Pending', 'InProgress', 'InProgress', 'Failed']);
    const group = await templateGroup();
    const { id } = await refreshes.start(group, PREFS);
    const { seen, last } = await follow(refreshes, group, id);
    expect(seen).toEqual(['InProgress', 'InProgress', 'Failed']);
    expect(last.statusReason).toMatch(/failed/);
    expect(last.percentComplete).toBe(80);
    expect(last.endTime).toBeDefined();
  });

  it('RollbackSuccessful: a failed refresh that Auto Scaling rolled back', async () => {
    // Stubbed: exactly the three instance-refresh calls moto lacks (scripted to roll back).
    const { refreshes } = stubbed(() => [
      'Pending',
      'InProgress',
      'RollbackInProgress',
      'RollbackSuccessful',
    ]);
    const group = await templateGroup('2');
    const { id } = await refreshes.start(group, PREFS, { desired: { templateId, version: 3 } });
    const { seen, last } = await follow(refreshes, group, id);
    expect(seen).toEqual(['InProgress', 'RollbackInProgress', 'RollbackSuccessful']);
    expect(last.statusReason).toMatch(/rolled back/);
  });

  it('Cancelled: cancel puts the active refresh through Cancelling to Cancelled', async () => {
    // Stubbed: exactly the three instance-refresh calls moto lacks.
    const { stub, refreshes } = stubbed(() => ['Pending', 'InProgress', 'InProgress', 'Successful']);
    const group = await templateGroup();
    const { id } = await refreshes.start(group, PREFS);
    expect((await refreshes.active(group))?.status).toBe('InProgress');
    await refreshes.cancel(group);
    expect(stub.status(id)).toBe('Cancelling');
    const { seen, last } = await follow(refreshes, group, id);
    expect(seen).toEqual(['Cancelling', 'Cancelled']);
    expect(last.status).toBe('Cancelled');
    expect(await refreshes.active(group)).toBeUndefined();
  });
});

describe('reading and cancelling', () => {
  it('active() finds the active refresh, get() an unknown id finds nothing', async () => {
    // Stubbed: exactly the three instance-refresh calls moto lacks.
    const { refreshes } = stubbed(() => ['Pending', 'InProgress', 'InProgress', 'Successful']);
    const group = await templateGroup();
    expect(await refreshes.active(group)).toBeUndefined();
    const { id } = await refreshes.start(group, PREFS);
    const active = await refreshes.active(group);
    expect(active).toMatchObject({ id, status: 'InProgress', percentComplete: 40, instancesToUpdate: 1 });
    expect(await refreshes.get(group, 'no-such-refresh')).toBeUndefined();
  });

  it('cancel() with no active refresh is not an error', async () => {
    // Stubbed: exactly the three instance-refresh calls moto lacks; AWS answers ActiveInstanceRefreshNotFound.
    const { stub, refreshes } = stubbed();
    const group = await templateGroup();
    await expect(refreshes.cancel(group)).resolves.toBeUndefined();
    expect(stub.calls).toEqual([{ command: 'CancelInstanceRefresh', group }]);
  });

  it('stubs only the three refresh calls: the group itself is read from moto', async () => {
    // Stubbed: exactly the three instance-refresh calls moto lacks.
    const { aws, stub, refreshes } = stubbed();
    const group = await templateGroup('$Latest');
    await refreshes.start(group, PREFS);
    await refreshes.active(group);
    const { client, sdk } = await aws.autoScaling();
    const out = await client.send(
      new sdk.DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: [group] }),
    );
    expect(out.AutoScalingGroups?.[0]?.LaunchTemplate?.Version).toBe('$Latest');
    expect(stub.calls.map((c) => c.command)).toEqual(['StartInstanceRefresh', 'DescribeInstanceRefreshes']);
  });
});
