/**
 * `missing#<key>` in the state table: that a missing target's warning e-mail was sent (or is being
 * sent), and what was missing. The order of one e-mail, and why:
 *
 * 1. `claim`: a conditional PutItem (status `claimed`, a lease) that succeeds only if there is no record,
 *    a record of something else, or a claim whose lease has ended. Of two overlapping runs one wins and
 *    e-mails; the other reports the target and sends nothing. The put carries its writer's token, so a
 *    retry after a lost answer knows its own claim (lib/aws/conditional.ts).
 * 2. the e-mail is published;
 * 3. `markSent`: the claim becomes `sent`, only while it is still this writer's.
 *
 * The record never says `sent` before SNS has the message: if publishing fails the claim is given back
 * (`release`) so the next run tries again, and if even that fails the lease ends before the next
 * scheduled run. The price of that order is a second e-mail in one narrow case — published, then the run
 * dies before `markSent` — which is better than none.
 */
import type { MissingRecord } from '../model/missing-target';
import { call, isAwsCode } from './call';
import { conditionalPut, deleteIfOwned, updateIfOwned, WRITER, type Item } from './conditional';
import type { AwsClients } from './clients';

/**
 * How long a claim holds off other runs. Longer than the reconcile function's timeout (60 s), so a live
 * run is never overtaken while it publishes; shorter than the 5-minute schedule, so the next run after a
 * crash sends what the crashed one could not.
 */
export const MISSING_CLAIM_LEASE_SECONDS = 120;

const epoch = (d: Date) => Math.floor(d.getTime() / 1000);
const pk = (key: string): Item => ({ pk: { S: `missing#${key}` } });

function recordOf(key: string, item: Item): MissingRecord | undefined {
  const status = item.status?.S;
  if ((status !== 'claimed' && status !== 'sent') || !item.missing?.S) return undefined;
  return {
    key,
    missing: item.missing.S,
    status,
    since: item.since?.S ?? '',
    ...(item.leaseUntil?.N !== undefined ? { leaseUntil: Number(item.leaseUntil.N) } : {}),
    ...(item.sentAt?.S ? { sentAt: item.sentAt.S } : {}),
    ...(item.messageId?.S ? { messageId: item.messageId.S } : {}),
    writer: item[WRITER]?.S ?? '',
  };
}

export type MissingClaim = { claimed: true; token: string } | { claimed: false; current?: MissingRecord };

export class MissingRecords {
  constructor(
    private readonly aws: AwsClients,
    readonly table: string,
  ) {}

  /** The record of `key`, or undefined (also when the table does not exist yet: nothing was recorded). */
  async read(key: string): Promise<MissingRecord | undefined> {
    const { client, sdk } = await this.aws.dynamoDb();
    try {
      const out = await call('GetItem', () =>
        client.send(new sdk.GetItemCommand({ TableName: this.table, Key: pk(key), ConsistentRead: true })),
      );
      return out.Item ? recordOf(key, out.Item) : undefined;
    } catch (error) {
      if (isAwsCode(error, 'ResourceNotFoundException')) return undefined;
      throw error;
    }
  }

  /**
   * Takes the e-mail about `missing` on this run, unless it was sent or is being sent by a live claim.
   * `since` carries over from a record of the same disappearance (a claim taken over after its lease).
   */
  async claim(key: string, missing: string, now: Date, since = now.toISOString()): Promise<MissingClaim> {
    const put = await conditionalPut(this.aws, {
      table: this.table,
      item: {
        ...pk(key),
        missing: { S: missing },
        status: { S: 'claimed' },
        since: { S: since },
        leaseUntil: { N: String(epoch(now) + MISSING_CLAIM_LEASE_SECONDS) },
      },
      condition:
        'attribute_not_exists(pk) OR #missing <> :missing OR (#status = :claimed AND leaseUntil < :now)',
      names: { '#missing': 'missing', '#status': 'status' },
      values: {
        ':missing': { S: missing },
        ':claimed': { S: 'claimed' },
        ':now': { N: String(epoch(now)) },
      },
    });
    if (put.written) return { claimed: true, token: put.token };
    const current = put.current ? recordOf(key, put.current) : await this.read(key);
    return { claimed: false, ...(current ? { current } : {}) };
  }

  /** The claim is now `sent`; false if it is no longer this writer's (cleared, or taken over). */
  markSent(key: string, token: string, at: Date, messageId?: string): Promise<boolean> {
    return updateIfOwned(this.aws, {
      table: this.table,
      key: pk(key),
      token,
      update: `SET #status = :sent, sentAt = :at${messageId ? ', messageId = :id' : ''} REMOVE leaseUntil`,
      names: { '#status': 'status' },
      values: {
        ':sent': { S: 'sent' },
        ':at': { S: at.toISOString() },
        ...(messageId ? { ':id': { S: messageId } } : {}),
      },
    });
  }

  /** Gives a claim back after its e-mail failed, so that the next run sends it. */
  release(key: string, token: string): Promise<void> {
    // Giving a claim back is what the time kept at the end of an invocation is for.
    return deleteIfOwned(this.aws, { table: this.table, key: pk(key), token }, { inMargin: true });
  }

  /** The target exists again: its record goes, so a later disappearance is e-mailed. Only the record read. */
  clear(record: MissingRecord): Promise<void> {
    return deleteIfOwned(this.aws, { table: this.table, key: pk(record.key), token: record.writer });
  }
}
