/**
 * The one executor, on ports made for the test: these are the executor's own rules (order, dry run,
 * re-verification in batches, stop after a failure, follow-ups), not AWS's behaviour, which the
 * integration tests drive against moto.
 */
import type { Ports } from '../../../lib/actions/ports';
import { executeActions, exactlyOnce, type ExecutionEnv } from '../../../lib/app/execute';
import { AwsCallError } from '../../../lib/errors';
import { silentLogger } from '../../../lib/log';
import type {
  Action,
  DeleteVolumeAction,
  MoveAddressAction,
  ResizeInstanceAction,
  SetDesiredCapacityAction,
} from '../../../lib/model/action';
import type { VolumeFacts } from '../../../lib/model/inventory';
import type { Execution } from '../../../lib/model/plan';
import type { AutoScalingGroupState, TargetRecord } from '../../../lib/model/snapshot';
import { TAGS } from '../../../lib/model/tags';

const NOW = new Date('2026-12-01T12:00:00Z');

const group = (desiredCapacity: number): AutoScalingGroupState => ({
  name: 'web-asg',
  minSize: 1,
  maxSize: 5,
  desiredCapacity,
  instances: [],
  suspendedProcesses: [],
});

const scaleOut = (from = 1, to = 3): SetDesiredCapacityAction => ({
  type: 'set-desired-capacity',
  target: 'web',
  autoScalingGroup: 'web-asg',
  from,
  to,
  direction: 'out',
  reason: 'CPU high',
});

function capacityPorts(desired: number, fail?: Error) {
  const calls: string[] = [];
  let version = 4;
  const ports: Ports = {
    groups: {
      describeGroup: async () => (calls.push('describe'), group(desired)),
      setDesiredCapacity: async (_n, c) => {
        calls.push(`set ${c}`);
        if (fail) throw fail;
      },
      enableMetrics: async (_n, metrics) => {
        calls.push(`enable ${metrics.join(',')}`);
      },
    },
    records: {
      readTarget: async (target) => (calls.push('read'), { target, version }),
      recordChange: async (target, expected, change) => {
        calls.push(`record v${expected} ${change ? `${change.from}→${change.to}` : 'none'}`);
        if (expected !== version) return undefined;
        version += 1;
        return { target, version } as TargetRecord;
      },
    },
  };
  return { ports, calls };
}

const env = (ports: Ports, over: Partial<ExecutionEnv> = {}): ExecutionEnv => ({
  ports,
  ctx: { now: () => NOW },
  log: silentLogger,
  dryRun: false,
  stopOnFailure: true,
  ...over,
});

describe('a capacity change', () => {
  it('is re-verified, recorded, then applied', async () => {
    const { ports, calls } = capacityPorts(1);
    const [out] = await executeActions([{ action: scaleOut() }], env(ports));
    expect(out).toMatchObject({ status: 'applied' });
    expect(calls).toEqual(['describe', 'read', 'record v4 1→3', 'set 3']);
  });

  it('uses the group the plan read moments ago in this run instead of describing it again', async () => {
    const { ports, calls } = capacityPorts(1);
    const basis = { group: group(1), record: { target: 'web', version: 4 } };
    await executeActions([{ action: scaleOut() }], env(ports, { ctx: { now: () => NOW, basis } }));
    expect(calls).toEqual(['record v4 1→3', 'set 3']);
  });

  it('is dropped when the group changed since the plan, and nothing is written', async () => {
    const { ports, calls } = capacityPorts(2);
    const [out] = await executeActions([{ action: scaleOut() }], env(ports));
    expect(out).toMatchObject({ status: 'dropped', detail: expect.stringContaining('changed to 2') });
    expect(calls).toEqual(['describe']);
  });

  it('gives the cooldown back when AWS refuses, and the plan attempts nothing more', async () => {
    const refused = new AwsCallError(
      'SetDesiredCapacity',
      'ValidationError',
      'New SetDesiredCapacity value 9 is above max value 5',
      false,
    );
    const { ports, calls } = capacityPorts(1, refused);
    const outcomes = await executeActions([{ action: scaleOut() }, { action: scaleOut(3, 4) }], env(ports));
    expect(outcomes.map((o) => o.status)).toEqual(['failed', 'dropped']);
    expect(outcomes[0]).toMatchObject({
      retryable: false,
      detail: expect.stringContaining('ValidationError'),
    });
    expect(outcomes[1]!.detail).toBe('an earlier action of this plan failed');
    expect(calls).toEqual(['describe', 'read', 'record v4 1→3', 'set 3', 'record v5 none']);
  });

  it('keeps the record when the outcome is unknown (a retry of the event resumes it)', async () => {
    const lost = new AwsCallError('SetDesiredCapacity', 'TimeoutError', 'no answer', true);
    const { ports, calls } = capacityPorts(1, lost);
    const [out] = await executeActions([{ action: scaleOut() }], env(ports));
    expect(out).toMatchObject({ status: 'failed', retryable: true });
    expect(calls).toEqual(['describe', 'read', 'record v4 1→3', 'set 3']);
  });

  it('does nothing in a dry run', async () => {
    const { ports, calls } = capacityPorts(1);
    const [out] = await executeActions([{ action: scaleOut() }], env(ports, { dryRun: true }));
    expect(out!.status).toBe('dry-run');
    expect(calls).toEqual([]);
  });
});

it('gives the steps of a workflow their workflow’s outcome', async () => {
  const resize: ResizeInstanceAction = {
    type: 'resize-instance',
    target: 'blog',
    instanceId: 'i-1',
    from: 't2.micro',
    to: 't2.small',
    direction: 'up',
    strategy: 'blue-green',
    reason: 'CPU high',
  };
  const move: MoveAddressAction = {
    type: 'move-address',
    partOf: 'resize-instance',
    target: 'blog',
    allocationId: 'eipalloc-1',
    publicIp: '203.0.113.7',
    fromInstance: 'i-1',
    reason: 'keeps the address',
  };
  const ports: Ports = { resizes: { start: async () => ({ status: 'started', detail: 'execution x' }) } };
  const policy = {
    targets: [{ name: 'blog', kind: 'instance', reboot: false, retire: 'stop' }],
  } as unknown as NonNullable<ExecutionEnv['ctx']['policy']>;
  const outcomes = await executeActions(
    [{ action: resize }, { action: move }],
    env(ports, { ctx: { now: () => NOW, policy, region: 'eu-west-1' } }),
  );
  expect(outcomes.map((o) => [o.status, o.detail])).toEqual([
    ['started', 'execution x'],
    ['started', 'by the resize workflow (execution x)'],
  ]);
});

describe('cleanup deletions', () => {
  const volume = (id: string): DeleteVolumeAction => ({
    type: 'delete-volume',
    target: 'cleanup',
    region: 'eu-west-1',
    category: 'volume',
    resourceId: id,
    reason: 'idle',
  });
  const facts = (id: string, attachedTo: string[] = []): VolumeFacts => ({
    id,
    state: attachedTo.length ? 'in-use' : 'available',
    sizeGiB: 8,
    type: 'gp3',
    attachedTo,
    tags: { [TAGS.deleteAfter]: '2026-11-20' },
  });

  function cleanupPorts(fresh: VolumeFacts[], readFails = false) {
    const calls: string[] = [];
    const ports = {
      cleanupReads: {
        volumes: async (ids: string[]) => {
          calls.push(`read ${ids.join(',')}`);
          if (readFails) throw new AwsCallError('DescribeVolumes', 'AccessDenied', 'no', false);
          return fresh;
        },
      },
      cleanupWrites: {
        deleteVolume: async (id: string) => (calls.push(`delete ${id}`), { status: 'applied' as const }),
        writeMarks: async (category: string, items: { id: string }[], date: string | undefined) => {
          calls.push(`${date ? 'mark' : 'unmark'} ${category} ${items.map((i) => i.id).join(',')}`);
          return new Map(items.map((i) => [i.id, undefined]));
        },
      },
    } as unknown as Ports;
    return { ports, calls };
  }

  it('re-reads a batch in one call, keeps and unmarks what is in use again, and deletes the rest', async () => {
    const { ports, calls } = cleanupPorts([facts('vol-1'), facts('vol-2', ['i-9'])]);
    const actions: Action[] = [volume('vol-1'), volume('vol-2'), volume('vol-3')];
    const outcomes = await executeActions(
      actions.map((action) => ({ action })),
      env(ports, { stopOnFailure: false, concurrency: 4 }),
    );
    expect(outcomes.map((o) => [o.status, o.detail])).toEqual([
      ['applied', undefined],
      ['dropped', 'no longer an orphan: it is attached to i-9 now; kept and unmarked'],
      ['dropped', 'already gone'],
    ]);
    expect(calls).toEqual(['read vol-1,vol-2,vol-3', 'delete vol-1', 'unmark volume vol-2']);
  });

  it('fails the batch when its re-read fails, and deletes nothing', async () => {
    const { ports, calls } = cleanupPorts([], true);
    const outcomes = await executeActions(
      [{ action: volume('vol-1') }],
      env(ports, { stopOnFailure: false }),
    );
    expect(outcomes[0]).toMatchObject({
      status: 'failed',
      detail: expect.stringMatching(/^re-verification failed: DescribeVolumes failed: AccessDenied/),
    });
    expect(calls).toEqual(['read vol-1']);
  });
});

describe('exactly once per event', () => {
  const execution = (failed?: { retryable: boolean }): Execution => ({
    trigger: { kind: 'schedule', time: 't' },
    actions: [],
    ignored: [],
    outcomes: failed
      ? [
          {
            action: scaleOut(),
            status: 'failed',
            retryable: failed.retryable,
            startedAt: 't',
            finishedAt: 't',
          },
        ]
      : [],
  });

  function claims(claimed: boolean) {
    const calls: string[] = [];
    return {
      calls,
      port: {
        claimEvent: async (key: string) => {
          calls.push(`claim ${key}`);
          return claimed ? { claimed: true as const } : { claimed: false as const, status: 'done', at: 't' };
        },
        completeEvent: async (key: string) => void calls.push(`complete ${key}`),
        releaseEvent: async (key: string) => void calls.push(`release ${key}`),
      },
    };
  }

  it('runs a claimed event and closes it', async () => {
    const c = claims(true);
    const once = await exactlyOnce(
      c.port,
      'a@t',
      () => NOW,
      async () => execution(),
    );
    expect(once.ran).toBe(true);
    expect(c.calls).toEqual(['claim a@t', 'complete a@t']);
  });

  it('does not run an event claimed before', async () => {
    const c = claims(false);
    const run = jest.fn(async () => execution());
    const once = await exactlyOnce(c.port, 'a@t', () => NOW, run);
    expect(once).toEqual({ ran: false, seen: { claimed: false, status: 'done', at: 't' } });
    expect(run).not.toHaveBeenCalled();
  });

  it('gives the event back after a retryable failure or an error, not after a final one', async () => {
    for (const [outcome, expected] of [
      [{ retryable: true }, 'release'],
      [{ retryable: false }, 'complete'],
    ] as const) {
      const c = claims(true);
      await exactlyOnce(
        c.port,
        'k',
        () => NOW,
        async () => execution(outcome),
      );
      expect(c.calls).toEqual(['claim k', `${expected} k`]);
    }
    const c = claims(true);
    await expect(
      exactlyOnce(
        c.port,
        'k',
        () => NOW,
        async () => {
          throw new Error('read failed');
        },
      ),
    ).rejects.toThrow('read failed');
    expect(c.calls).toEqual(['claim k', 'release k']);
  });
});
