import type { AlarmTrigger } from '../../../lib/events/trigger';
import type { FailoverSnapshot, InstanceHealth } from '../../../lib/model/failover-snapshot';
import type { InstanceFacts } from '../../../lib/model/instance';
import { TAGS } from '../../../lib/model/tags';
import {
  describeDetection,
  detectedInstance,
  failure,
  launchSpec,
  planFailover,
} from '../../../lib/plan/failover';
import type { FailoverDetection, FailoverTarget } from '../../../lib/plan/route';
import { alarm } from '../../support/builders';

const FAILED = 'i-0aaaaaaaaaaaaaaa1';
const STANDBY = 'i-0bbbbbbbbbbbbbbb2';
const OTHER = 'i-0ccccccccccccccc3';
const IP = '203.0.113.10';
const ADDRESS = { allocationId: 'eipalloc-1', publicIp: IP, associationId: 'eipassoc-1', managed: true };

/** The issue's `blog` target: Name=wordpress, a warm standby Name=wordpress-standby, replacement from the latest image. */
const blog = (failover: Partial<FailoverTarget['failover']> = {}): FailoverTarget => ({
  kind: 'instance',
  name: 'blog',
  instance: { tags: { Name: 'wordpress' } },
  ladder: [],
  strategy: 'blue-green',
  reboot: false,
  retire: 'stop',
  failover: {
    standby: { tags: { Name: 'wordpress-standby' } },
    replaceFrom: 'latest-image',
    statusCheckFailedMinutes: 2,
    ...failover,
  },
  cooldownMinutes: 5,
  dryRun: false,
});
const noStandby = (failover: Partial<FailoverTarget['failover']> = {}): FailoverTarget => {
  const { standby: _standby, ...rest } = blog(failover).failover;
  return { ...blog(), failover: rest };
};

const instance = (extra: Partial<InstanceFacts> = {}): InstanceFacts => ({
  id: FAILED,
  type: 't3.small',
  state: 'running',
  availabilityZone: 'us-east-1a',
  subnetId: 'subnet-1',
  vpcId: 'vpc-1',
  securityGroupIds: ['sg-1', 'sg-2'],
  keyName: 'ops',
  iamInstanceProfileArn: 'arn:aws:iam::123456789012:instance-profile/blog',
  imageId: 'ami-old',
  volumeIds: ['vol-1'],
  networkInterfaceCount: 1,
  tags: { Name: 'wordpress', [TAGS.managed]: 'true', [TAGS.target]: 'blog' },
  elasticIp: ADDRESS,
  ...extra,
});
/** The subject as AWS shows it once terminated: no address, no subnet, no VPC. */
const terminated = (extra: Partial<InstanceFacts> = {}) =>
  instance({ state: 'terminated', elasticIp: undefined, ...extra });
const health = (state = 'running', system = 'ok', checks = 'ok'): InstanceHealth => ({
  state,
  system,
  instance: checks,
});
const standby = (state = 'running', system = 'ok', checks = 'ok', extra: Partial<InstanceFacts> = {}) => ({
  instance: instance({
    id: STANDBY,
    state,
    elasticIp: undefined,
    tags: { Name: 'wordpress-standby', [TAGS.standbyFor]: 'blog' },
    ...extra,
  }),
  health: health(state, system, checks),
});

/** The subject given, with the address on it (the holder), and an image of the lineage. */
function snap(subject: InstanceFacts = instance(), extra: Partial<FailoverSnapshot> = {}) {
  const s: FailoverSnapshot = {
    subject,
    subjectHealth: health(subject.state),
    address: ADDRESS,
    holder: subject,
    standbys: [],
    newestImage: { id: 'ami-new', name: 'blog-2026-11-26', createdAt: '2026-11-26T03:00:00.000Z' },
    ...extra,
  };
  return s;
}
/** As `snap`, for a subject the address is no longer on (AWS took it off when it was terminated). */
const detached = (subject: InstanceFacts, extra: Partial<FailoverSnapshot> = {}): FailoverSnapshot => {
  const { holder: _holder, ...s } = snap(subject, extra);
  return { ...s, ...extra };
};

const statusAlarm = (check: 'system' | 'instance', extra: Partial<AlarmTrigger> = {}) =>
  alarm({
    alarmName: `autopilot-blog-${check}-check`,
    stateChangeTime: '2026-11-27T12:00:00.000Z',
    metric: {
      namespace: 'AWS/EC2',
      name: check === 'system' ? 'StatusCheckFailed_System' : 'StatusCheckFailed_Instance',
      dimensions: { InstanceId: FAILED },
    },
    datapoints: [1],
    ...extra,
  });
const statusCheck = (check: 'system' | 'instance' = 'system', extra: Partial<AlarmTrigger> = {}) =>
  ({ kind: 'status-check', trigger: statusAlarm(check, extra), check }) as const satisfies FailoverDetection;
const stateChange = (state: string, instanceId = FAILED) =>
  ({
    kind: 'state-change',
    trigger: {
      kind: 'instance-state-change',
      instanceId,
      state,
      region: 'us-east-1',
      time: '2026-11-27T12:01:00.000Z',
    },
  }) as const satisfies FailoverDetection;
const reconcile = (seen = `${IP} on no instance`, instanceId?: string) =>
  ({
    kind: 'reconcile',
    trigger: {
      kind: 'failover-check',
      target: 'blog',
      ...(instanceId ? { instanceId } : {}),
      seen,
      time: '2026-11-27T12:02:00.000Z',
    },
  }) as const satisfies FailoverDetection;

const plan = (detection: FailoverDetection, snapshot: FailoverSnapshot, target: FailoverTarget = blog()) =>
  planFailover({ detection, target, snapshot });

describe('whose instance the failure concerns', () => {
  it.each([
    [
      'no instance at all (AWS no longer has it)',
      stateChange('terminated', OTHER),
      { address: ADDRESS, standbys: [] },
      OTHER,
    ],
    [
      'an instance of another target, the address elsewhere',
      stateChange('stopped', OTHER),
      snap(instance({ id: OTHER, tags: { Name: 'shop', [TAGS.target]: 'shop' }, elasticIp: undefined }), {
        holder: instance(),
      }),
      OTHER,
    ],
    [
      'an untagged instance that merely has an address of its own',
      stateChange('stopped', OTHER),
      detached(instance({ id: OTHER, tags: { Name: 'scratch' } }), { address: undefined }),
      OTHER,
    ],
    [
      'a reconcile look that found no instance',
      reconcile(),
      { address: ADDRESS, standbys: [] },
      'its instance',
    ],
  ])('%s: not claimed, nothing to fail over', (_name, detection, snapshot, named) => {
    expect(plan(detection, snapshot)).toEqual({
      ignored: {
        reason: `${named} is not blog's instance: nothing to fail over`,
        severity: 'info',
        target: 'blog',
        claimed: false,
      },
    });
  });

  it.each([
    [
      'the address is on it (whatever its tags)',
      snap(instance({ state: 'stopped', tags: { Name: 'renamed-by-hand' } })),
    ],
    [
      'it carries autopilot:target=blog (a standby that took over), the address gone with the termination',
      detached(terminated({ tags: { Name: 'wordpress-standby', [TAGS.target]: 'blog' } })),
    ],
    [
      "its tags match the target's selector, the address gone with the termination",
      detached(terminated({ tags: { Name: 'wordpress' } })),
    ],
  ])('belongs to the target when %s', (_name, snapshot) => {
    const decision = plan(stateChange(snapshot.subject!.state), snapshot);
    expect(decision.ignored).toBeUndefined();
    expect(decision.action).toMatchObject({ type: 'fail-over', target: 'blog', failedInstanceId: FAILED });
  });
});

describe('a failure the planner does not act on', () => {
  it.each([
    [
      'the target has no Elastic IP',
      stateChange('stopped'),
      detached(instance({ state: 'stopped', elasticIp: undefined }), { address: undefined }),
      `blog's instance ${FAILED} has no Elastic IP to keep: nothing to fail over`,
      'warning',
    ],
    [
      'the address is already on another running instance (a failover or resize moved it)',
      stateChange('terminated'),
      snap(terminated(), { holder: instance({ id: OTHER }) }),
      `${IP} is already on ${OTHER}, which runs: nothing to fail over`,
      'info',
    ],
    [
      'a resize holds the target (it stops its instance on purpose)',
      stateChange('stopped'),
      snap(instance({ state: 'stopped' }), {
        lock: { owner: 'autopilot-blog-high@2026-11-27T11:58:00.000Z', since: '2026-11-27T11:58:05.000Z' },
      }),
      'blog is held by operation autopilot-blog-high@2026-11-27T11:58:00.000Z since 2026-11-27T11:58:05.000Z: not failed over (an operation stops an instance on purpose, as a resize does; a failover already running is not started twice)',
      'info',
    ],
    [
      'the instance was retired by a resize (autopilot:replaced-by)',
      stateChange('stopped'),
      snap(instance({ state: 'stopped', tags: { Name: 'wordpress', [TAGS.replacedBy]: OTHER } })),
      `${FAILED} was replaced by ${OTHER} in a resize: not failed over`,
      'info',
    ],
    [
      'the instance was left behind by a failover (autopilot:failed-over-to)',
      stateChange('stopped'),
      snap(instance({ state: 'stopped', tags: { Name: 'wordpress', [TAGS.failedOverTo]: STANDBY } }), {
        holder: instance({ id: STANDBY, state: 'stopped' }),
      }),
      `${FAILED} was failed over to ${STANDBY} already: nothing more to do`,
      'info',
    ],
    [
      'a status-check alarm on an instance that runs and passes its checks now',
      statusCheck('system'),
      snap(),
      `${FAILED} is running (system check ok, instance check ok) now: a stale or flapping alarm, nothing done`,
      'info',
    ],
    [
      'a status-check alarm on an instance whose checks are still initializing',
      statusCheck('instance'),
      snap(instance(), { subjectHealth: health('running', 'initializing', 'initializing') }),
      `${FAILED} is running (system check initializing, instance check initializing) now: a stale or flapping alarm, nothing done`,
      'info',
    ],
    [
      'a status-check alarm on a running instance whose checks are not known',
      statusCheck('system'),
      snap(instance(), { subjectHealth: undefined }),
      `${FAILED} is running now: a stale or flapping alarm, nothing done`,
      'info',
    ],
    [
      'a stop event of an instance that runs again',
      stateChange('stopped'),
      snap(),
      `${FAILED} is running (system check ok, instance check ok) now: it did not stay down, nothing done`,
      'info',
    ],
    [
      'a stop event of an instance that is starting again',
      stateChange('stopped'),
      snap(instance({ state: 'pending' }), { subjectHealth: { state: 'pending' } }),
      `${FAILED} is pending: decided once it settles (its next state change, or reconcile)`,
      'info',
    ],
    [
      'a status alarm that raced a stop: the instance is stopping',
      statusCheck('system'),
      snap(instance({ state: 'stopping' }), { subjectHealth: { state: 'stopping' } }),
      `${FAILED} is stopping: decided once it settles (its next state change, or reconcile)`,
      'info',
    ],
    [
      'replaceFrom none, no standby configured',
      stateChange('stopped'),
      snap(instance({ state: 'stopped' })),
      `blog's instance ${FAILED} is stopped, there is no standby, and replaceFrom is none: ${IP} is left as it is — a person must act`,
      'warning',
      noStandby({ replaceFrom: 'none' }),
    ],
    [
      'replaceFrom none, the standby stopped',
      statusCheck('system'),
      snap(instance(), {
        subjectHealth: health('running', 'impaired', 'ok'),
        standbys: [standby('stopped')],
      }),
      `blog's instance ${FAILED} is running but failing the system status check, no standby runs and passes its checks (${STANDBY} stopped), and replaceFrom is none: ${IP} is left as it is — a person must act`,
      'warning',
      blog({ replaceFrom: 'none' }),
    ],
    [
      'a terminated instance AWS no longer gives a subnet for',
      stateChange('terminated'),
      detached(terminated({ subnetId: undefined, vpcId: undefined })),
      `blog's instance ${FAILED} is terminated and AWS no longer says its subnet: no replacement launched — launch one by hand and associate ${IP}`,
      'warning',
    ],
    [
      'no image of the lineage, and an instance that is not stopped (impaired)',
      statusCheck('instance'),
      snap(instance(), { subjectHealth: health('running', 'ok', 'impaired'), newestImage: undefined }),
      `blog's instance ${FAILED} is running but failing the instance status check, there is no standby, and there is no image of its lineage to launch from (nor a stopped instance to make one of): ${IP} is left as it is — a person must act`,
      'warning',
      noStandby(),
    ],
    [
      'no image of the lineage, and an instance that is terminated',
      stateChange('terminated'),
      detached(terminated(), { newestImage: undefined }),
      `blog's instance ${FAILED} is terminated, no standby runs and passes its checks, and there is no image of its lineage to launch from (nor a stopped instance to make one of): ${IP} is left as it is — a person must act`,
      'warning',
    ],
  ])('%s', (_name, detection, snapshot, reason, severity, target: FailoverTarget = blog()) => {
    const decision = plan(detection, snapshot, target);
    expect(decision.action).toBeUndefined();
    expect(decision.ignored).toEqual({ reason, severity, target: 'blog', claimed: true });
  });

  it.each([
    [
      'the address elsewhere comes before the lock',
      snap(terminated(), { holder: instance({ id: OTHER }), lock: { owner: 'op', since: 't' } }),
      /already on/,
    ],
    [
      'the lock comes before the retirement tags',
      snap(instance({ state: 'stopped', tags: { [TAGS.replacedBy]: OTHER } }), {
        lock: { owner: 'op', since: 't' },
      }),
      /held by operation op/,
    ],
    [
      'a retired instance is not failed over however failed it is',
      snap(instance({ state: 'stopped', tags: { Name: 'wordpress', [TAGS.replacedBy]: OTHER } }), {
        standbys: [standby()],
      }),
      /replaced by/,
    ],
  ])('in order: %s', (_name, snapshot, reason) => {
    expect(plan(stateChange('stopped'), snapshot).ignored?.reason).toMatch(reason);
  });
});

describe('a failure the planner fails over', () => {
  it.each([
    [
      'running, failing the system status check',
      statusCheck('system'),
      health('running', 'impaired', 'ok'),
      'running but failing the system status check',
    ],
    [
      'running, failing the instance status check',
      statusCheck('instance'),
      health('running', 'ok', 'impaired'),
      'running but failing the instance status check',
    ],
    [
      'running, failing both checks',
      statusCheck('system'),
      health('running', 'impaired', 'impaired'),
      'running but failing the system status check and the instance status check',
    ],
    ['stopped', stateChange('stopped'), { state: 'stopped' }, 'stopped'],
    ['shutting down', stateChange('shutting-down'), { state: 'shutting-down' }, 'shutting-down'],
    ['terminated', stateChange('terminated'), { state: 'terminated' }, 'terminated'],
  ])('%s → replacement from the newest image', (_name, detection, subjectHealth, failed) => {
    const decision = plan(
      detection,
      snap(instance({ state: subjectHealth.state }), { subjectHealth }),
      noStandby(),
    );
    expect(decision.ignored).toBeUndefined();
    expect(decision.action).toMatchObject({
      type: 'fail-over',
      via: 'replacement',
      imageId: 'ami-new',
      reason: `blog's instance ${FAILED} is ${failed} and there is no standby: ${IP} moves to a new t3.small launched from the newest image ami-new`,
    });
  });

  it.each([
    ['a healthy standby', [standby()], STANDBY],
    [
      'the first healthy standby of several',
      [
        standby('stopped', undefined, undefined, { id: 'i-0ddddddddddddddd4' }),
        standby('running', 'ok', 'ok', { id: 'i-0eeeeeeeeeeeeeee5' }),
        standby(),
      ],
      'i-0eeeeeeeeeeeeeee5',
    ],
  ])('%s takes the address', (_name, standbys, chosen) => {
    const decision = plan(
      statusCheck('system'),
      snap(instance(), { subjectHealth: health('running', 'impaired', 'ok'), standbys }),
    );
    expect(decision.action).toMatchObject({
      via: 'standby',
      standbyInstanceId: chosen,
      reason: `blog's instance ${FAILED} is running but failing the system status check: ${IP} moves to the standby ${chosen}, which runs and passes its status checks`,
    });
    expect(decision.action).not.toHaveProperty('imageId');
  });

  it('takes a healthy standby even when replaceFrom is none', () => {
    const decision = plan(
      stateChange('stopped'),
      snap(instance({ state: 'stopped' }), { standbys: [standby()] }),
      blog({ replaceFrom: 'none' }),
    );
    expect(decision.action).toMatchObject({ via: 'standby', standbyInstanceId: STANDBY });
  });

  it.each([
    ['a stopped standby', standby('stopped', undefined, undefined), 'stopped'],
    ['a standby still starting', standby('pending', 'initializing', 'initializing'), 'pending'],
    ['a standby failing its system check', standby('running', 'impaired', 'ok'), 'running'],
    ['a standby failing its instance check', standby('running', 'ok', 'impaired'), 'running'],
    ['a standby whose checks are initializing', standby('running', 'initializing', 'ok'), 'running'],
    [
      'a standby that DescribeInstances says runs but whose status says stopping',
      { ...standby(), health: health('stopping', 'ok', 'ok') },
      'stopping',
    ],
    [
      'a standby left behind by an earlier failover',
      standby('running', 'ok', 'ok', { tags: { Name: 'wordpress-standby', [TAGS.failedOverTo]: OTHER } }),
      'running',
    ],
  ])('%s is passed over for a replacement, and the reason says so', (_name, candidate, seen) => {
    const decision = plan(
      stateChange('stopped'),
      snap(instance({ state: 'stopped' }), { standbys: [candidate] }),
    );
    expect(decision.action).toMatchObject({
      via: 'replacement',
      imageId: 'ami-new',
      reason: `blog's instance ${FAILED} is stopped and no standby runs and passes its checks (${STANDBY} ${seen}): ${IP} moves to a new t3.small launched from the newest image ami-new`,
    });
    expect(decision.action).not.toHaveProperty('standbyInstanceId');
  });

  it.each([
    [
      'no image, but a stopped instance to make one of',
      snap(instance({ state: 'stopped' }), { newestImage: undefined }),
      undefined,
      `an image made now of ${FAILED}'s volumes`,
    ],
    [
      'the newest image of the lineage, for a stopped instance too',
      snap(instance({ state: 'stopped' })),
      'ami-new',
      'the newest image ami-new',
    ],
  ])('%s', (_name, snapshot, imageId, from) => {
    const action = plan(stateChange('stopped'), snapshot, noStandby()).action!;
    expect(action.via).toBe('replacement');
    expect(action.imageId).toBe(imageId);
    if (imageId === undefined) expect(action).not.toHaveProperty('imageId');
    expect(action.reason).toBe(
      `blog's instance ${FAILED} is stopped and there is no standby: ${IP} moves to a new t3.small launched from ${from}`,
    );
  });

  it.each([
    ['the address stays on the stopped instance', snap(instance({ state: 'stopped' }))],
    [
      'the address is on another instance that is stopped',
      snap(instance({ state: 'stopped' }), { holder: instance({ id: OTHER, state: 'stopped' }) }),
    ],
    [
      'the address is on an instance left behind by a failover, still running',
      snap(instance({ state: 'stopped' }), {
        holder: instance({ id: OTHER, tags: { [TAGS.failedOverTo]: FAILED } }),
      }),
    ],
  ])('fails over when %s', (_name, snapshot) => {
    expect(plan(stateChange('stopped'), snapshot).action).toMatchObject({ type: 'fail-over' });
  });

  it('carries what a replacement is launched with, and the address', () => {
    const subject = instance({ state: 'stopped' });
    expect(plan(stateChange('stopped'), snap(subject), noStandby()).action).toEqual({
      type: 'fail-over',
      target: 'blog',
      failedInstanceId: FAILED,
      failed: {
        id: FAILED,
        type: 't3.small',
        subnetId: 'subnet-1',
        securityGroupIds: ['sg-1', 'sg-2'],
        keyName: 'ops',
        iamInstanceProfileArn: 'arn:aws:iam::123456789012:instance-profile/blog',
        tags: { Name: 'wordpress', [TAGS.managed]: 'true', [TAGS.target]: 'blog' },
        availabilityZone: 'us-east-1a',
        imageId: 'ami-old',
      },
      detection: `EC2 reported ${FAILED} stopped`,
      detectedAt: '2026-11-27T12:01:00.000Z',
      allocationId: 'eipalloc-1',
      publicIp: IP,
      via: 'replacement',
      imageId: 'ami-new',
      reason: `blog's instance ${FAILED} is stopped and there is no standby: ${IP} moves to a new t3.small launched from the newest image ami-new`,
    });
  });

  it.each([
    [
      'everything',
      instance(),
      [
        'id',
        'type',
        'subnetId',
        'securityGroupIds',
        'keyName',
        'iamInstanceProfileArn',
        'tags',
        'availabilityZone',
        'imageId',
      ],
    ],
    [
      'a terminated instance AWS says little of',
      terminated({
        subnetId: undefined,
        keyName: undefined,
        iamInstanceProfileArn: undefined,
        availabilityZone: undefined,
        imageId: undefined,
        securityGroupIds: [],
      }),
      ['id', 'type', 'securityGroupIds', 'tags'],
    ],
  ])('the launch spec of %s keeps only what is known', (_name, subject, keys) => {
    expect(Object.keys(launchSpec(subject)).sort()).toEqual([...keys].sort());
  });
});

describe('how the failure was seen', () => {
  it.each([
    [
      'the system status-check alarm',
      statusCheck('system'),
      blog(),
      'alarm autopilot-blog-system-check (StatusCheckFailed_System for 2 min)',
      '2026-11-27T12:00:00.000Z',
    ],
    [
      'the instance status-check alarm, after 5 minutes',
      statusCheck('instance', { stateChangeTime: '2026-11-27T12:00:30.000Z' }),
      blog({ statusCheckFailedMinutes: 5 }),
      'alarm autopilot-blog-instance-check (StatusCheckFailed_Instance for 5 min)',
      '2026-11-27T12:00:30.000Z',
    ],
    [
      'an EC2 state change',
      stateChange('terminated'),
      blog(),
      `EC2 reported ${FAILED} terminated`,
      '2026-11-27T12:01:00.000Z',
    ],
    [
      'a reconcile look',
      reconcile(`${IP} on ${FAILED}, which is stopped`, FAILED),
      blog(),
      `reconcile found ${IP} on ${FAILED}, which is stopped`,
      '2026-11-27T12:02:00.000Z',
    ],
  ])('%s: in words, and when', (_name, detection, target, text, at) => {
    expect(describeDetection(detection, target.failover.statusCheckFailedMinutes)).toEqual({ text, at });
    const action = plan(
      detection,
      snap(instance(), { subjectHealth: health('running', 'impaired', 'impaired') }),
      target,
    ).action!;
    expect(action).toMatchObject({ detection: text, detectedAt: at });
  });

  it.each([
    ['a state change', stateChange('stopped', OTHER), OTHER],
    ['a status-check alarm, by its InstanceId dimension', statusCheck('system'), FAILED],
    [
      'a status-check alarm with no metric',
      { ...statusCheck('system'), trigger: statusAlarm('system', { metric: undefined }) },
      undefined,
    ],
    ['a reconcile look that names the instance', reconcile('x', FAILED), FAILED],
    ['a reconcile look that found the address on nothing', reconcile(), undefined],
  ] as [string, FailoverDetection, string | undefined][])('the instance %s names', (_name, detection, id) => {
    expect(detectedInstance(detection)).toBe(id);
  });
});

describe('what counts as failed', () => {
  it.each([
    ['no instance', undefined, undefined, 'gone'],
    ['a stopped instance', instance({ state: 'stopped' }), undefined, 'stopped'],
    [
      'a stopping instance (not failed yet: it settles first)',
      instance({ state: 'stopping' }),
      undefined,
      undefined,
    ],
    ['a terminated instance', instance({ state: 'terminated' }), undefined, 'terminated'],
    ['a running instance whose health is not known', instance(), undefined, undefined],
    ['a running instance passing its checks', instance(), health(), undefined],
    ['a pending instance', instance({ state: 'pending' }), undefined, undefined],
    ['a running instance whose status says stopped (fresher)', instance(), { state: 'stopped' }, 'stopped'],
    [
      'a system check impaired',
      instance(),
      health('running', 'impaired'),
      'running but failing the system status check',
    ],
    [
      'checks insufficient-data',
      instance(),
      health('running', 'insufficient-data', 'insufficient-data'),
      undefined,
    ],
  ])('%s', (_name, subject, subjectHealth, expected) => {
    expect(failure(subject, subjectHealth)).toBe(expected);
  });
});
