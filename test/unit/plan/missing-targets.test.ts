import type { MissingRecord } from '../../../lib/model/missing-target';
import {
  describeInstanceSelector,
  findMissingTargets,
  planMissingWarnings,
  type PresenceFacts,
} from '../../../lib/plan/missing-targets';
import { parsePolicy } from '../../../lib/policy/load';

const policy = parsePolicy(`
version: 1
targets:
  - name: web
    autoScalingGroup: web-asg
    scaleOut: { when: { metric: CPUUtilization, above: 70, forMinutes: 5 }, add: 2 }
  - name: blog
    instance: { tags: { Name: wordpress, Env: prod } }
    scaleUp:
      when: { metric: CPUUtilization, above: 70, forMinutes: 5 }
      ladder: [t2.micro, t2.small]
  - name: db
    instance: { id: i-0123456789abcdef0 }
    scaleUp:
      when: { metric: CPUUtilization, above: 70, forMinutes: 5 }
      ladder: [t2.micro, t2.small]
`);

const facts = (over: Partial<PresenceFacts> = {}): PresenceFacts => ({
  groups: new Map([['web-asg', {}]]),
  instanceMatches: { blog: 1, db: 1 },
  ...over,
});

const missingOf = (f: PresenceFacts) =>
  findMissingTargets(policy.targets, f).map((m) => [m.target, m.kind, m.missing]);

describe('which targets are missing', () => {
  it.each<[string, Partial<PresenceFacts>, string[][]]>([
    ['every group and instance there: none', {}, []],
    [
      'the group not returned by AWS',
      { groups: new Map() },
      [['web', 'auto-scaling-group', 'Auto Scaling group web-asg']],
    ],
    [
      'the group being deleted',
      { groups: new Map([['web-asg', { status: 'Delete in progress' }]]) },
      [['web', 'auto-scaling-group', 'Auto Scaling group web-asg']],
    ],
    [
      'no live instance for the tags, none for the id',
      { instanceMatches: { blog: 0, db: 0 } },
      [
        ['blog', 'instance', 'instance tagged Env=prod, Name=wordpress'],
        ['db', 'instance', 'instance i-0123456789abcdef0'],
      ],
    ],
  ])('%s', (_, over, expected) => {
    expect(missingOf(facts(over))).toEqual(expected);
  });

  it('a group AWS returns is missing only while its deletion runs', () => {
    expect(missingOf(facts({ groups: new Map([['web-asg', { status: 'InService' }]]) }))).toEqual([]);
  });

  it('two instances matching is ambiguous, not missing', () => {
    expect(missingOf(facts({ instanceMatches: { blog: 2, db: 1 } }))).toEqual([]);
  });

  it('an instance target that was not read is not reported missing', () => {
    expect(missingOf(facts({ instanceMatches: { db: 1 } }))).toEqual([]);
  });

  it('says what is kept and what is not done, in the reason', () => {
    const [group, instance] = findMissingTargets(
      policy.targets,
      facts({ groups: new Map(), instanceMatches: { blog: 0, db: 1 } }),
    );
    expect(group!.reason).toBe(
      "web's Auto Scaling group web-asg does not exist: its alarms are kept as the policy says, but nothing is done to web until the group exists (check the policy's autoScalingGroup)",
    );
    expect(instance!.reason).toBe(
      "blog's instance tagged Env=prod, Name=wordpress does not exist (no live instance matches its selector): its alarms are left as they are and nothing is done to blog until exactly one does",
    );
  });

  it('names a tag selector the same whatever the order of its tags', () => {
    expect(describeInstanceSelector({ tags: { b: '2', a: '1' } })).toBe(
      describeInstanceSelector({ tags: { a: '1', b: '2' } }),
    );
  });
});

describe('what to do about the e-mail', () => {
  const NOW = new Date('2026-11-27T12:00:00.000Z');
  const epoch = NOW.getTime() / 1000;
  const [web] = findMissingTargets(policy.targets, facts({ groups: new Map() }));
  const record = (over: Partial<MissingRecord> = {}): MissingRecord => ({
    key: 'web',
    missing: 'Auto Scaling group web-asg',
    status: 'sent',
    since: '2026-11-27T11:00:00.000Z',
    sentAt: '2026-11-27T11:00:01.000Z',
    writer: 'token-1',
    ...over,
  });
  const plan = (missing: boolean, rec?: MissingRecord) =>
    planMissingWarnings({
      targets: ['web'],
      missing: missing ? [web!] : [],
      records: new Map(rec ? [['web', rec]] : []),
      now: NOW,
    }).map((s) => ({ kind: s.kind, ...('since' in s ? { since: s.since } : {}) }));

  it.each<[string, boolean, MissingRecord | undefined, { kind: string; since?: string }[]]>([
    ['missing, never told: e-mail', true, undefined, [{ kind: 'notify' }]],
    ['missing, e-mailed before: report only', true, record(), [{ kind: 'report' }]],
    [
      'missing, claimed by a live run: report only',
      true,
      record({ status: 'claimed', leaseUntil: epoch + 60 }),
      [{ kind: 'report' }],
    ],
    [
      'missing, claimed by a run whose lease ended: e-mail, keeping when it was first seen',
      true,
      record({ status: 'claimed', leaseUntil: epoch - 1 }),
      [{ kind: 'notify', since: '2026-11-27T11:00:00.000Z' }],
    ],
    [
      'missing something else than what was e-mailed (the policy names another group): e-mail',
      true,
      record({ missing: 'Auto Scaling group old-asg' }),
      [{ kind: 'notify' }],
    ],
    ['there again, with a record: clear it', false, record(), [{ kind: 'clear' }]],
    [
      'there again, claimed: clear it',
      false,
      record({ status: 'claimed', leaseUntil: epoch + 60 }),
      [{ kind: 'clear' }],
    ],
    ['there, never missing: nothing', false, undefined, []],
  ])('%s', (_, missing, rec, expected) => {
    expect(plan(missing, rec)).toEqual(expected);
  });

  it('clears the very record it read (its writer), so a newer claim is left alone', () => {
    const [step] = planMissingWarnings({
      targets: ['web'],
      missing: [],
      records: new Map([['web', record({ writer: 'token-7' })]]),
      now: NOW,
    });
    expect(step).toMatchObject({ kind: 'clear', target: 'web', record: { writer: 'token-7' } });
  });
});
