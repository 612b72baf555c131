/**
 * Instance refresh as AWS answers it, for the three calls moto lacks — StartInstanceRefresh,
 * DescribeInstanceRefreshes, CancelInstanceRefresh — and nothing else: every other command of the Auto
 * Scaling client still goes to moto.
 *
 * The stub is an SDK middleware placed just before the HTTP handler (inside the deserializer), so it
 * answers with the XML body AWS's Query protocol sends and the SDK parses it as it would parse AWS's: the
 * adapter sees real SDK outputs and real SDK exceptions (InstanceRefreshInProgress is the SDK's
 * `InstanceRefreshInProgressFault`, as from AWS).
 *
 * The model, per group:
 * - StartInstanceRefresh records the request (`requests`) and makes a refresh in `Pending`; while one is
 *   active (Pending, InProgress, Cancelling, RollbackInProgress, Baking) it answers
 *   InstanceRefreshInProgress instead, as AWS does (the refused request is recorded too).
 * - Each DescribeInstanceRefreshes that lists a refresh moves it one step along its script, then answers:
 *   the script is the statuses it goes through, its first one being the status at the start (default
 *   Pending → InProgress → Successful, so the first describe sees InProgress and the second Successful);
 *   it stays on the last. PercentageComplete rises on each InProgress step and is 100 once Successful.
 * - CancelInstanceRefresh puts the active refresh on Cancelling → Cancelled (the next describe sees
 *   Cancelling, the one after Cancelled); with none active it answers ActiveInstanceRefreshNotFound.
 * The stub does not check that the group exists (moto has the groups; the adapter reads them there).
 */
import { randomUUID } from 'node:crypto';
import type { StartInstanceRefreshCommandInput } from '@aws-sdk/client-auto-scaling';
import type { AwsClients } from '../../lib/aws/clients';
import { isActiveRefresh, type InstanceRefreshStatus } from '../../lib/model/launch';

export const DEFAULT_SCRIPT: readonly InstanceRefreshStatus[] = ['Pending', 'InProgress', 'Successful'];

const TERMINAL_REASONS: Partial<Record<InstanceRefreshStatus, string>> = {
  Failed: 'An instance failed to launch or failed its health check (scripted failure).',
  Cancelled: 'The instance refresh was cancelled.',
  RollbackSuccessful:
    'The instance refresh failed and the group was rolled back to its previous configuration.',
  RollbackFailed: 'The rollback of the instance refresh failed.',
};

export interface StubRefresh {
  id: string;
  group: string;
  request: StartInstanceRefreshCommandInput;
  script: InstanceRefreshStatus[];
  /** Index in `script` of the current status. */
  at: number;
  percent: number;
  startTime: Date;
  endTime?: Date;
}

type Command = 'StartInstanceRefresh' | 'DescribeInstanceRefreshes' | 'CancelInstanceRefresh';
const COMMANDS = new Set<string>([
  'StartInstanceRefresh',
  'DescribeInstanceRefreshes',
  'CancelInstanceRefresh',
]);

export interface InstanceRefreshStub {
  /** Every StartInstanceRefresh request received, in order (refused ones too): what the tests assert on. */
  requests: StartInstanceRefreshCommandInput[];
  /** Every stubbed call, in order. */
  calls: { command: Command; group: string }[];
  /** The group's refreshes, oldest first. */
  refreshes(group: string): readonly StubRefresh[];
  /** The status a refresh is in now (without moving it, unlike a describe). */
  status(id: string): InstanceRefreshStatus | undefined;
  /**
   * The next StartInstanceRefresh is applied (its refresh made) and its answer lost: the client sees a
   * reset connection, as when AWS started the refresh but the answer never arrived.
   */
  loseNextStartAnswer(): void;
}

const escape = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** `value` as the Query protocol's XML: lists as `<member>`s, dates ISO 8601, undefined left out. */
function xml(name: string, value: unknown): string {
  if (value === undefined || value === null) return '';
  if (Array.isArray(value)) return `<${name}>${value.map((v) => xml('member', v)).join('')}</${name}>`;
  if (value instanceof Date) return `<${name}>${value.toISOString()}</${name}>`;
  if (typeof value === 'object')
    return `<${name}>${Object.entries(value)
      .map(([k, v]) => xml(k, v))
      .join('')}</${name}>`;
  return `<${name}>${escape(String(value))}</${name}>`;
}

const NS = 'http://autoscaling.amazonaws.com/doc/2011-01-01/';

/** An HTTP answer of the Auto Scaling Query API, as the SDK's deserializer takes it from the handler. */
function answer(statusCode: number, body: string) {
  return {
    response: {
      statusCode,
      headers: { 'content-type': 'text/xml', 'x-amzn-requestid': randomUUID() },
      body: Buffer.from(body),
    },
  };
}

/** AWS's Query-protocol success document for `operation`. */
export function queryResult(operation: string, result: Record<string, unknown>) {
  return answer(
    200,
    `<${operation}Response xmlns="${NS}">${xml(`${operation}Result`, result)}` +
      `<ResponseMetadata><RequestId>${randomUUID()}</RequestId></ResponseMetadata></${operation}Response>`,
  );
}

/** AWS's Query-protocol error document: the SDK turns `code` into its modelled exception, if it has one. */
export function queryError(code: string, message: string, statusCode = 400) {
  return answer(
    statusCode,
    `<ErrorResponse xmlns="${NS}"><Error><Type>Sender</Type><Code>${escape(code)}</Code>` +
      `<Message>${escape(message)}</Message></Error><RequestId>${randomUUID()}</RequestId></ErrorResponse>`,
  );
}

/** How the stub's refresh looks in a DescribeInstanceRefreshes answer. */
function described(r: StubRefresh, instances: number) {
  const status = r.script[r.at]!;
  const p = r.request.Preferences;
  return {
    InstanceRefreshId: r.id,
    AutoScalingGroupName: r.group,
    Status: status,
    StatusReason: TERMINAL_REASONS[status],
    StartTime: r.startTime,
    EndTime: r.endTime,
    PercentageComplete: r.percent,
    InstancesToUpdate: Math.round((instances * (100 - r.percent)) / 100),
    Strategy: r.request.Strategy ?? 'Rolling',
    Preferences: p && {
      MinHealthyPercentage: p.MinHealthyPercentage,
      InstanceWarmup: p.InstanceWarmup,
      CheckpointPercentages: p.CheckpointPercentages,
      CheckpointDelay: p.CheckpointDelay,
      SkipMatching: p.SkipMatching,
      AutoRollback: p.AutoRollback,
    },
  };
}

function advance(r: StubRefresh): void {
  if (r.at >= r.script.length - 1) return;
  r.at += 1;
  const status = r.script[r.at]!;
  if (status === 'InProgress') r.percent = Math.min(90, r.percent + 40);
  if (status === 'Successful' || status === 'Baking') r.percent = 100;
  if (!isActiveRefresh(status)) r.endTime = new Date();
}

/**
 * Stubs the three instance-refresh calls on `clients`' Auto Scaling client; `script(group)` chooses the
 * statuses a new refresh of that group goes through (default DEFAULT_SCRIPT). `instances` is the group
 * size the answers' InstancesToUpdate counts down from. Call it before the client's first use in the test
 * (the middleware is added as the client is made, before any command of the caller can be sent).
 */
export function stubInstanceRefresh(
  clients: AwsClients,
  script: (group: string) => readonly InstanceRefreshStatus[] = () => DEFAULT_SCRIPT,
  options: { instances?: number } = {},
): InstanceRefreshStub {
  const instances = options.instances ?? 2;
  const all: StubRefresh[] = [];
  const requests: StartInstanceRefreshCommandInput[] = [];
  const calls: InstanceRefreshStub['calls'] = [];
  let loseNext = false;
  const ofGroup = (group: string) => all.filter((r) => r.group === group);
  const activeOf = (group: string) => ofGroup(group).find((r) => isActiveRefresh(r.script[r.at]!));

  const handle = (command: Command, input: Record<string, unknown>) => {
    const group = String(input.AutoScalingGroupName ?? '');
    calls.push({ command, group });
    if (command === 'StartInstanceRefresh') {
      requests.push(input as unknown as StartInstanceRefreshCommandInput);
      if (activeOf(group))
        return queryError(
          'InstanceRefreshInProgress',
          'An Instance Refresh is already in progress and blocks the execution of this Instance Refresh.',
        );
      const r: StubRefresh = {
        id: randomUUID(),
        group,
        request: input as unknown as StartInstanceRefreshCommandInput,
        script: [...script(group)],
        at: 0,
        percent: 0,
        startTime: new Date(),
      };
      all.push(r);
      if (loseNext) {
        loseNext = false;
        throw Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
      }
      return queryResult('StartInstanceRefresh', { InstanceRefreshId: r.id });
    }
    if (command === 'CancelInstanceRefresh') {
      const r = activeOf(group);
      if (!r)
        return queryError(
          'ActiveInstanceRefreshNotFound',
          `No in progress or pending Instance Refresh found for Auto Scaling group ${group}`,
        );
      // The statuses it has been through stay; from here it goes Cancelling → Cancelled.
      r.script = [...r.script.slice(0, r.at), 'Cancelling', 'Cancelling', 'Cancelled'];
      return queryResult('CancelInstanceRefresh', { InstanceRefreshId: r.id });
    }
    // DescribeInstanceRefreshes: newest first, paged by MaxRecords (AWS's default 50) and NextToken.
    const ids = input.InstanceRefreshIds as string[] | undefined;
    const listed = ofGroup(group)
      .filter((r) => !ids || ids.includes(r.id))
      .reverse();
    const from = Number(input.NextToken ?? 0);
    const size = Number(input.MaxRecords ?? 50);
    const page = listed.slice(from, from + size);
    page.forEach(advance);
    return queryResult('DescribeInstanceRefreshes', {
      InstanceRefreshes: page.map((r) => described(r, instances)),
      NextToken: from + size < listed.length ? String(from + size) : undefined,
    });
  };

  void clients.autoScaling().then(({ client }) =>
    client.middlewareStack.add(
      (next, context) => async (args) => {
        const command = (context.commandName ?? '').replace(/Command$/, '');
        if (!COMMANDS.has(command)) return next(args);
        return handle(command as Command, args.input as Record<string, unknown>) as never;
      },
      // Inside the deserializer: it parses this answer as it would AWS's.
      { step: 'deserialize', priority: 'low', name: 'stubInstanceRefresh' },
    ),
  );

  return {
    requests,
    calls,
    refreshes: (group) => ofGroup(group),
    status: (id) => {
      const r = all.find((x) => x.id === id);
      return r ? r.script[r.at] : undefined;
    },
    loseNextStartAnswer: () => {
      loseNext = true;
    },
  };
}
