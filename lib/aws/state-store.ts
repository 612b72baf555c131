/**
 * What must survive across Lambda invocations and CLI runs, in one DynamoDB table (partition key `pk`):
 *
 * - `event#<key>`: the idempotency claim of one event (alarm name + state-change time). SNS delivers at
 *   least once and Lambda retries, so the first delivery claims the key with a conditional write and
 *   later ones see it. A claim in progress expires after a lease, so a crashed run does not block the
 *   event forever; a failed run releases its claim so the retry can act.
 * - `target#<name>`: the last change made to a target (for the cooldown), with a version number. A
 *   change is recorded only if the version is still the one the plan was made from, so two decisions
 *   racing for one target give one change.
 * - `lock#<name>`: one long operation (a resize) per target at a time, owned by the operation's key and
 *   expiring on its own, so a lost owner cannot block the target forever.
 * - `op#<key>`: what a long operation has done so far (timings, the e-mail sent), so re-running any of
 *   its steps after a crash neither repeats nor forgets anything.
 * - `missing#<target>`: that reconcile e-mailed about a target whose group or instance is missing, and
 *   what was missing, so that it is e-mailed once per disappearance (./missing-records.ts: `missing`).
 */
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import type { RecordedChange, TargetRecord } from '../model/snapshot';
import { call, isAwsCode } from './call';
import { conditionalPut, type Item } from './conditional';
import type { AwsClients } from './clients';
import { MissingRecords } from './missing-records';

export type Lock = { acquired: true } | { acquired: false; owner: string; since: string };

export type Claim =
  { claimed: true } | { claimed: false; status: 'in-progress' | 'done'; at: string; summary?: string };

/**
 * An in-progress claim older than this is presumed dead. Shorter than the on-event function's timeout
 * (60 s in serverless.yml): Lambda retries a killed attempt a minute or more after it ended, and that
 * retry must find the claim expired and act. A live invocation that outlasts its lease is still safe: the
 * target record's conditional write lets only one of two racing decisions change the target.
 */
export const CLAIM_LEASE_SECONDS = 50;
/** Handled events are remembered for a week: far beyond SNS's and Lambda's retry windows. */
export const EVENT_RETENTION_SECONDS = 7 * 24 * 3600;

const epoch = (d: Date) => Math.floor(d.getTime() / 1000);

const eventOf = (item: Item): { status: 'in-progress' | 'done'; at: string; summary?: string } => ({
  status: item.status?.S === 'done' ? 'done' : 'in-progress',
  at: item.at?.S ?? '',
  ...(item.summary?.S ? { summary: item.summary.S } : {}),
});

export class StateStore {
  /** Missing targets' warnings (`missing#<target>`). */
  readonly missing: MissingRecords;

  constructor(
    private readonly aws: AwsClients,
    readonly table: string,
  ) {
    this.missing = new MissingRecords(aws, table);
  }

  async claimEvent(key: string, now: Date): Promise<Claim> {
    const claim = await conditionalPut(this.aws, {
      table: this.table,
      item: {
        pk: { S: `event#${key}` },
        status: { S: 'in-progress' },
        at: { S: now.toISOString() },
        leaseUntil: { N: String(epoch(now) + CLAIM_LEASE_SECONDS) },
        expiresAt: { N: String(epoch(now) + EVENT_RETENTION_SECONDS) },
      },
      condition: 'attribute_not_exists(pk) OR (#s = :progress AND leaseUntil < :now)',
      names: { '#s': 'status' },
      values: { ':progress': { S: 'in-progress' }, ':now': { N: String(epoch(now)) } },
    });
    if (claim.written) return { claimed: true };
    const seen = claim.current ? eventOf(claim.current) : await this.readEvent(key);
    return {
      claimed: false,
      status: seen?.status ?? 'in-progress',
      at: seen?.at ?? now.toISOString(),
      ...(seen?.summary ? { summary: seen.summary } : {}),
    };
  }

  async readEvent(
    key: string,
  ): Promise<{ status: 'in-progress' | 'done'; at: string; summary?: string } | undefined> {
    const item = await this.get(`event#${key}`);
    return item ? eventOf(item) : undefined;
  }

  async completeEvent(key: string, now: Date, summary: string): Promise<void> {
    const { client, sdk } = await this.aws.dynamoDb();
    await call('UpdateItem', () =>
      client.send(
        new sdk.UpdateItemCommand({
          TableName: this.table,
          Key: { pk: { S: `event#${key}` } },
          UpdateExpression: 'SET #s = :done, #at = :at, summary = :summary REMOVE leaseUntil',
          ExpressionAttributeNames: { '#s': 'status', '#at': 'at' },
          ExpressionAttributeValues: {
            ':done': { S: 'done' },
            ':at': { S: now.toISOString() },
            ':summary': { S: summary },
          },
        }),
      ),
    );
  }

  /** Gives the event back after a failure, so that AWS's retry of the invocation can act on it. */
  async releaseEvent(key: string): Promise<void> {
    const { client, sdk } = await this.aws.dynamoDb();
    await call(
      'DeleteItem',
      () =>
        client.send(
          new sdk.DeleteItemCommand({
            TableName: this.table,
            Key: { pk: { S: `event#${key}` } },
            ConditionExpression: '#s = :progress',
            ExpressionAttributeNames: { '#s': 'status' },
            ExpressionAttributeValues: { ':progress': { S: 'in-progress' } },
          }),
        ),
      // Giving the event back is what the time kept at the end of an invocation is for.
      { inMargin: true },
    ).catch((error: unknown) => {
      if (!isAwsCode(error, 'ConditionalCheckFailedException')) throw error;
    });
  }

  async readTarget(target: string): Promise<TargetRecord> {
    const item = await this.get(`target#${target}`);
    if (!item) return { target, version: 0 };
    const direction = item.lastDirection?.S;
    const value = (v?: AttributeValue) => (v?.N !== undefined ? Number(v.N) : v?.S);
    return {
      target,
      version: Number(item.version?.N ?? 0),
      ...(item.lastActionAt?.S ? { lastActionAt: item.lastActionAt.S } : {}),
      ...(direction === 'out' || direction === 'in' || direction === 'up' || direction === 'down'
        ? { lastDirection: direction }
        : {}),
      ...(value(item.lastFrom) !== undefined ? { lastFrom: value(item.lastFrom)! } : {}),
      ...(value(item.lastTo) !== undefined ? { lastTo: value(item.lastTo)! } : {}),
      ...(item.lastKey?.S ? { lastKey: item.lastKey.S } : {}),
    };
  }

  /**
   * Records a change to a target if nobody recorded one since `expectedVersion` was read.
   * Returns the new record, or undefined when the race was lost (the plan is stale).
   */
  async recordChange(
    target: string,
    expectedVersion: number,
    change: RecordedChange | undefined,
  ): Promise<TargetRecord | undefined> {
    const version = expectedVersion + 1;
    const item: Item = { pk: { S: `target#${target}` }, version: { N: String(version) } };
    if (change) {
      item.lastActionAt = { S: change.at };
      item.lastDirection = { S: change.direction };
      item.lastFrom = typeof change.from === 'number' ? { N: String(change.from) } : { S: change.from };
      item.lastTo = typeof change.to === 'number' ? { N: String(change.to) } : { S: change.to };
      if (change.key) item.lastKey = { S: change.key };
    }
    const put = await conditionalPut(this.aws, {
      table: this.table,
      item,
      condition: expectedVersion === 0 ? 'attribute_not_exists(pk) OR version = :v' : 'version = :v',
      values: { ':v': { N: String(expectedVersion) } },
    });
    if (!put.written) return undefined;
    return {
      target,
      version,
      ...(change
        ? {
            lastActionAt: change.at,
            lastDirection: change.direction,
            lastFrom: change.from,
            lastTo: change.to,
            ...(change.key ? { lastKey: change.key } : {}),
          }
        : {}),
    };
  }

  /** Takes the target's lock for `owner`, or returns who holds it. Re-entrant for the same owner. */
  async acquireLock(target: string, owner: string, now: Date, ttlSeconds: number): Promise<Lock> {
    const { client, sdk } = await this.aws.dynamoDb();
    try {
      await call('PutItem', () =>
        client.send(
          new sdk.PutItemCommand({
            TableName: this.table,
            Item: {
              pk: { S: `lock#${target}` },
              owner: { S: owner },
              since: { S: now.toISOString() },
              expiresAt: { N: String(epoch(now) + ttlSeconds) },
            },
            ConditionExpression: 'attribute_not_exists(pk) OR #o = :owner OR expiresAt < :now',
            ExpressionAttributeNames: { '#o': 'owner' },
            ExpressionAttributeValues: { ':owner': { S: owner }, ':now': { N: String(epoch(now)) } },
          }),
        ),
      );
      return { acquired: true };
    } catch (error) {
      if (!isAwsCode(error, 'ConditionalCheckFailedException')) throw error;
      const held = await this.readLock(target);
      return { acquired: false, owner: held?.owner ?? 'unknown', since: held?.since ?? '' };
    }
  }

  async readLock(target: string): Promise<{ owner: string; since: string; expiresAt: number } | undefined> {
    const item = await this.get(`lock#${target}`);
    if (!item?.owner?.S) return undefined;
    return { owner: item.owner.S, since: item.since?.S ?? '', expiresAt: Number(item.expiresAt?.N ?? 0) };
  }

  async releaseLock(target: string, owner: string): Promise<void> {
    const { client, sdk } = await this.aws.dynamoDb();
    await call('DeleteItem', () =>
      client.send(
        new sdk.DeleteItemCommand({
          TableName: this.table,
          Key: { pk: { S: `lock#${target}` } },
          ConditionExpression: '#o = :owner',
          ExpressionAttributeNames: { '#o': 'owner' },
          ExpressionAttributeValues: { ':owner': { S: owner } },
        }),
      ),
    ).catch((error: unknown) => {
      if (!isAwsCode(error, 'ConditionalCheckFailedException')) throw error;
    });
  }

  /** An operation's progress record (JSON), or undefined. */
  async readOperation<T>(key: string): Promise<T | undefined> {
    const item = await this.get(`op#${key}`);
    return item?.data?.S ? (JSON.parse(item.data.S) as T) : undefined;
  }

  async writeOperation(key: string, data: unknown, now: Date): Promise<void> {
    const { client, sdk } = await this.aws.dynamoDb();
    await call('PutItem', () =>
      client.send(
        new sdk.PutItemCommand({
          TableName: this.table,
          Item: {
            pk: { S: `op#${key}` },
            data: { S: JSON.stringify(data) },
            expiresAt: { N: String(epoch(now) + EVENT_RETENTION_SECONDS) },
          },
        }),
      ),
    );
  }

  private async get(pk: string): Promise<Item | undefined> {
    const { client, sdk } = await this.aws.dynamoDb();
    try {
      const out = await call('GetItem', () =>
        client.send(
          new sdk.GetItemCommand({ TableName: this.table, Key: { pk: { S: pk } }, ConsistentRead: true }),
        ),
      );
      return out.Item;
    } catch (error) {
      // `plan` runs before anything was ever deployed or applied: no table means no history yet.
      if (isAwsCode(error, 'ResourceNotFoundException')) return undefined;
      throw error;
    }
  }
}
