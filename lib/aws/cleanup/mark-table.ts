/**
 * Cleanup marks that cannot live in tags: launch configurations, launch-template versions and
 * subscriptions take no tags, and alarms and topics are listed without theirs. One item per region and
 * category in the state table holds them all (resource id → date), so a run reads them with one
 * GetItem and finds a marked resource that is in use again without reading every resource's tags.
 * Writes are conditional on the version read: two overlapping runs cannot lose each other's marks.
 * An item holds about 3,000 marks (DynamoDB's 400 KB); the per-run caps keep far below that.
 */
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import type { CleanupCategory } from '../../model/cleanup';
import { AwsCallError } from '../../errors';
import type { AwsClients } from '../clients';
import { conditionalPut } from '../conditional';
import { send, type CleanupIo } from './calls';

export interface StoredMarks {
  marks: Record<string, string>;
  /** 0 when the item does not exist yet. */
  version: number;
}

export const markKey = (region: string, category: CleanupCategory) => `cleanup-marks#${region}#${category}`;

export class MarkTable {
  constructor(
    private readonly aws: AwsClients,
    readonly table: string,
  ) {}

  async read(io: CleanupIo, region: string, category: CleanupCategory): Promise<StoredMarks> {
    const { client, sdk } = await this.aws.dynamoDb();
    try {
      const out = await send(io, 'scan', `marks:${category}`, 'GetItem', () =>
        client.send(
          new sdk.GetItemCommand({
            TableName: this.table,
            Key: { pk: { S: markKey(region, category) } },
            ConsistentRead: true,
          }),
        ),
      );
      const item = out.Item;
      if (!item) return { marks: {}, version: 0 };
      const marks = Object.fromEntries(Object.entries(item.marks?.M ?? {}).map(([id, v]) => [id, v.S ?? '']));
      return { marks, version: Number(item.version?.N ?? '0') };
    } catch (error) {
      // No table yet (a first run of the command in an account): nothing is marked.
      if (error instanceof AwsCallError && error.code === 'ResourceNotFoundException')
        return { marks: {}, version: 0 };
      throw error;
    }
  }

  /** Replaces the marks if nobody wrote them since `version`; false when someone did. */
  async write(
    io: CleanupIo,
    region: string,
    category: CleanupCategory,
    marks: Record<string, string>,
    version: number,
  ): Promise<boolean> {
    const M: Record<string, AttributeValue> = Object.fromEntries(
      Object.entries(marks).map(([id, date]) => [id, { S: date }]),
    );
    const put = await conditionalPut(
      this.aws,
      {
        table: this.table,
        item: { pk: { S: markKey(region, category) }, marks: { M }, version: { N: String(version + 1) } },
        condition: 'attribute_not_exists(pk) OR version = :v',
        values: { ':v': { N: String(version) } },
      },
      (fn) => send(io, 'act', category, 'PutItem', fn),
    );
    return put.written;
  }
}
