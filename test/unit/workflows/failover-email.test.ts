import type { FailoverRecord, FailoverState } from '../../../lib/model/failover-state';
import { TAGS } from '../../../lib/model/tags';
import { failoverEmail, outageSeconds } from '../../../lib/workflows/failover-email';

const FAILED = 'i-0aaaaaaaaaaaaaaa1';
const STANDBY = 'i-0bbbbbbbbbbbbbbb2';
const NEW = 'i-0ccccccccccccccc3';
const IP = '203.0.113.10';
const DETECTED = '2026-11-27T12:00:00.000Z';

const state = (extra: Partial<FailoverState> = {}): FailoverState => ({
  key: 'autopilot-blog-system-check@2026-11-27T12:00:00.000Z',
  target: 'blog',
  region: 'us-east-1',
  instanceId: FAILED,
  failed: {
    id: FAILED,
    type: 't3.small',
    subnetId: 'subnet-1',
    securityGroupIds: ['sg-1'],
    tags: { Name: 'wordpress' },
  },
  via: 'standby',
  standbyInstanceId: STANDBY,
  allocationId: 'eipalloc-1',
  publicIp: IP,
  detection: 'alarm autopilot-blog-system-check (StatusCheckFailed_System for 2 min)',
  detectedAt: DETECTED,
  reason: `blog's instance ${FAILED} is running but failing the system status check: ${IP} moves to the standby ${STANDBY}, which runs and passes its status checks`,
  mayReplace: true,
  trigger: 'alarm autopilot-blog-system-check went to ALARM',
  reboot: false,
  operation: 'fail-over',
  ...extra,
});
/** A replacement launched from the newest image. */
const replaced = (extra: Partial<FailoverState> = {}) =>
  state({
    via: 'replacement',
    standbyInstanceId: undefined,
    imageId: 'ami-new',
    newInstanceId: NEW,
    route: 'launch',
    reason: `blog's instance ${FAILED} is stopped and there is no standby: ${IP} moves to a new t3.small launched from the newest image ami-new`,
    ...extra,
  });
const moved = (extra: Partial<FailoverRecord> = {}): FailoverRecord => ({
  servedBy: STANDBY,
  via: 'standby',
  moveDoneAt: '2026-11-27T12:03:05.000Z',
  stoppedFailed: true,
  finishedAt: '2026-11-27T12:04:00.000Z',
  ...extra,
});
const byReplacement = (extra: Partial<FailoverRecord> = {}) =>
  moved({ servedBy: NEW, via: 'replacement', imageId: 'ami-new', ...extra });
/** Lines of the body, without their indent. */
const linesOf = (body: string) => body.split('\n').map((l) => l.trim());
const section = (body: string, title: string) => {
  const lines = body.split('\n');
  const from = lines.indexOf(title);
  if (from < 0) return [];
  const to = lines.indexOf('', from);
  return lines.slice(from + 1, to < 0 ? undefined : to).map((l) => l.trim());
};

describe('the outage a failover e-mail counts', () => {
  it.each([
    ['from the detection to the move', {}, moved(), 185],
    ['rounded to the second', {}, moved({ moveDoneAt: '2026-11-27T12:00:01.400Z' }), 1],
    [
      'never negative (the move recorded before the alarm said)',
      {},
      moved({ moveDoneAt: '2026-11-27T11:59:00.000Z' }),
      0,
    ],
    ['none while the address has not moved', {}, moved({ moveDoneAt: undefined }), undefined],
    ['none when the detection time is not a time', { detectedAt: 'soon' }, moved(), undefined],
  ])('%s', (_name, extra: Partial<FailoverState>, record, seconds) => {
    expect(outageSeconds(state(extra), record)).toBe(seconds);
  });
});

describe('the e-mail of a failover', () => {
  it.each([
    [
      'to the standby',
      state(),
      moved(),
      STANDBY,
      `[ec2-autopilot] blog: failed over ${FAILED} → ${STANDBY} (standby)`,
      `${IP} is on ${STANDBY} (the standby).`,
    ],
    [
      'to a replacement from the newest image',
      replaced(),
      byReplacement(),
      NEW,
      `[ec2-autopilot] blog: failed over ${FAILED} → ${NEW} (replacement)`,
      `${IP} is on ${NEW} (launched from ami-new).`,
    ],
    [
      'to a replacement from an image made now',
      replaced({ imageId: undefined, route: 'image' }),
      byReplacement({ imageId: 'ami-made', imageMade: true }),
      NEW,
      `[ec2-autopilot] blog: failed over ${FAILED} → ${NEW} (replacement)`,
      `${IP} is on ${NEW} (launched from an image).`,
    ],
    [
      'to a replacement whose record lost the instance (the state still has it)',
      replaced(),
      byReplacement({ servedBy: undefined }),
      NEW,
      `[ec2-autopilot] blog: failed over ${FAILED} → ${NEW} (replacement)`,
      `${IP} is on ${NEW}.`,
    ],
  ])('%s: says from and to, where the address is, and the outage', (_name, s, op, holder, subject, where) => {
    const email = failoverEmail(s, op, 'applied', holder);
    expect(email.subject).toBe(subject);
    expect(email.subject.length).toBeLessThanOrEqual(100);
    expect(email.attributes).toEqual({ target: 'blog', action: 'fail-over', outcome: 'applied' });
    const body = linesOf(email.body);
    expect(body[0]).toBe(`ec2-autopilot ${subject.replace('[ec2-autopilot] blog: ', '')}: ${IP} moved.`);
    expect(section(email.body, 'What failed')).toEqual([
      s.reason,
      `Detected: ${s.detection} at ${DETECTED}.`,
    ]);
    expect(section(email.body, 'Where the address is')).toEqual([
      where,
      'It answered again 185 s after the failure was detected.',
    ]);
    expect(email.body).not.toContain('Why it failed');
    expect(email.body).toContain(`Target blog, operation ${s.key}. Sent by ec2-autopilot.`);
  });

  it.each([
    [
      'the standby took over: the failed instance stopped and tagged, and no standby left',
      state({ newInstanceId: STANDBY, route: 'standby' }),
      moved(),
      [
        `${FAILED} is left stopped and tagged ${TAGS.failedOverTo}=${STANDBY}: inspect it (its system log, its volumes), then terminate it or make it the new standby.`,
        "The standby serves now, so blog has no warm standby: start a new one with the standby's tags (reconcile adopts it).",
      ],
    ],
    [
      'a replacement took over: the failed instance stopped and tagged, the standby (if any) untouched',
      replaced(),
      byReplacement(),
      [
        `${FAILED} is left stopped and tagged ${TAGS.failedOverTo}=${NEW}: inspect it (its system log, its volumes), then terminate it or make it the new standby.`,
      ],
    ],
    [
      'the failed instance was stopped already: left as it was',
      replaced(),
      byReplacement({ stoppedFailed: undefined }),
      [
        `${FAILED} is left as it was and tagged ${TAGS.failedOverTo}=${NEW}: inspect it (its system log, its volumes), then terminate it or make it the new standby.`,
      ],
    ],
    [
      'the failed instance was terminated: nothing to inspect or tag, look for who terminated it',
      replaced(),
      byReplacement({ stoppedFailed: undefined, failedGone: true }),
      [
        `${FAILED} is terminated: its volumes went with it unless they were kept on termination; check the cause in CloudTrail (who or what terminated it).`,
      ],
    ],
  ])('what is left for a person when %s', (_name, s, op, left) => {
    const email = failoverEmail(s, op, 'applied', op.servedBy);
    expect(section(email.body, 'Left for a person')).toEqual(left);
  });

  it('passes on the notes the workflow left (an unhealthy standby, an image made now)', () => {
    const notes = [`the standby ${STANDBY} is not running and healthy: a replacement was launched`];
    const email = failoverEmail(replaced({ notes }), byReplacement(), 'applied', NEW);
    expect(section(email.body, 'Where the address is')).toContain(`Note: ${notes[0]}`);
  });

  it.each([
    [
      'an error whose cause is a Lambda error (JSON)',
      {
        Error: 'ResizeRefused',
        Cause: JSON.stringify({ errorType: 'ResizeRefused', errorMessage: 'no available image of blog' }),
      },
      'replacement i-0ccccccccccccccc3 terminated',
      'no available image of blog',
      'replacement i-0ccccccccccccccc3 terminated',
    ],
    [
      'an error with a plain cause, nothing to roll back',
      { Error: 'States.Timeout', Cause: 'the replacement never passed its health check' },
      undefined,
      'the replacement never passed its health check',
      'nothing had changed',
    ],
    [
      'an error with no cause',
      { Error: 'States.TaskFailed' },
      undefined,
      'States.TaskFailed',
      'nothing had changed',
    ],
  ])(
    'on failure, with %s: the cause, the rollback, and how to bring it back',
    (_name, error, rollback, cause, undone) => {
      const s = replaced({ error });
      const op: FailoverRecord = rollback ? { rollback } : {};
      const email = failoverEmail(s, op, 'failed', FAILED);
      expect(email.subject).toBe(`[ec2-autopilot] blog: FAILED to fail over ${FAILED}`);
      expect(linesOf(email.body)[0]).toBe(`ec2-autopilot FAILED to fail over ${FAILED}: ${IP} did not move.`);
      expect(email.attributes.outcome).toBe('failed');
      expect(section(email.body, 'Why it failed')).toEqual([cause]);
      expect(section(email.body, 'Rollback')).toEqual([undone]);
      expect(section(email.body, 'Where the address is')).toEqual([`${IP} is on ${FAILED}.`]);
      expect(section(email.body, 'Left for a person')).toEqual([
        `${IP} is not on a healthy instance: bring ${FAILED} back (or launch a server and associate ${IP} with it) by hand.`,
        'Then run `autopilot reconcile` so the alarms watch the instance that serves.',
      ]);
    },
  );

  it('on failure, says the address is on nothing when it is', () => {
    const email = failoverEmail(replaced({ error: { Error: 'x' } }), {}, 'failed', undefined);
    expect(section(email.body, 'Where the address is')).toEqual([`${IP} is on nothing.`]);
  });

  // BUG (reported): a step after the move (RepointAlarms, Retire) fails, Rollback keeps the replacement the
  // address is on, and the e-mail still tells a person the address is on no healthy instance.
  it('on a failure after the move, does not say the address is not on a healthy instance', () => {
    const s = replaced({
      error: { Error: 'AccessDenied', Cause: 'not allowed to stop i-0aaaaaaaaaaaaaaa1' },
    });
    const op = byReplacement({ stoppedFailed: undefined, rollback: 'nothing had changed' });
    const email = failoverEmail(s, op, 'failed', NEW);
    expect(section(email.body, 'Where the address is')).toContain(
      `${IP} is on ${NEW} (launched from ami-new).`,
    );
    expect(email.body).not.toContain(`${IP} is not on a healthy instance`);
    expect(linesOf(email.body)[0]).not.toContain('did not move');
    expect(email.subject).toContain(`FAILED after moving ${FAILED} → ${NEW}`);
    expect(section(email.body, 'Left for a person')[0]).toContain(`${IP} is served by ${NEW}`);
  });

  it('when the instance is healthy again: nothing was done, and says so', () => {
    const s = state({ notes: [`${FAILED} is running and passes its status checks again: nothing was done`] });
    const email = failoverEmail(s, { recovered: true }, 'applied', FAILED);
    expect(email.subject).toBe(`[ec2-autopilot] blog: did not fail over ${FAILED} (healthy again)`);
    expect(linesOf(email.body)[0]).toBe(
      `ec2-autopilot did not fail over ${FAILED} (healthy again): ${IP} did not move.`,
    );
    expect(section(email.body, 'Where the address is')).toEqual([
      `${IP} is on ${FAILED}.`,
      `Note: ${FAILED} is running and passes its status checks again: nothing was done`,
    ]);
    expect(email.body).not.toContain('It answered again');
    expect(section(email.body, 'Left for a person')).toEqual([
      'Nothing: the instance is healthy again. If it fails often, look at its system log.',
    ]);
  });

  it.each([
    ['applied', moved(), 'applied' as const],
    ['failed', {}, 'failed' as const],
    ['recovered', { recovered: true }, 'applied' as const],
  ])(
    'keeps a long target name’s subject (%s) to one line of at most 100 characters',
    (_name, op, outcome) => {
      const target = `blog-${'x'.repeat(120)}`;
      const email = failoverEmail(state({ target, error: { Error: 'x' } }), op, outcome, STANDBY);
      expect(email.subject.length).toBeLessThanOrEqual(100);
      expect(email.subject).toMatch(/^\[ec2-autopilot\] blog-x+…$/);
      expect(email.subject).not.toContain('\n');
      expect(email.attributes.target).toBe(target);
    },
  );
});
