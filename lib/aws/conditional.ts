/**
 * Conditional writes that can tell their own earlier write from another writer's. An answer can be lost
 * on the wire after DynamoDB applied the write: the retry then fails its condition against our own item
 * and, read naively, says "someone else got there first". So every conditional write carries a token of
 * its own, asks DynamoDB for the item that failed the condition (ReturnValuesOnConditionCheckFailure), and
 * a failure against an item bearing its token is the success whose answer was lost.
 */
import { randomUUID } from 'node:crypto';
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { call, isAwsCode } from './call';
import type { AwsClients } from './clients';

export type Item = Record<string, AttributeValue>;

/** The attribute that names the write that put an item. */
export const WRITER = 'writer';

/** Written: with the token the item now bears (`writer`), for later writes that must touch only it. */
export type Conditional = { written: true; token: string } | { written: false; current?: Item };

/** The item a failed condition was checked against, as DynamoDB returned it with the error. */
function failedAgainst(error: unknown): Item | undefined {
  const cause = (error as { cause?: { Item?: Item } })?.cause;
  return cause?.Item;
}

/**
 * PutItem `item` if `condition` holds. Written, also when the condition failed only against this very
 * write (lost answer, retried); otherwise not written, with the item that stood in the way.
 */
export async function conditionalPut(
  aws: AwsClients,
  input: {
    table: string;
    item: Item;
    condition: string;
    names?: Record<string, string>;
    values?: Record<string, AttributeValue>;
  },
  /** How the call is made (cleanup counts its calls); the one call wrapper by default. */
  run: <T>(send: () => Promise<T>) => Promise<T> = (send) => call('PutItem', send),
): Promise<Conditional> {
  const { client, sdk } = await aws.dynamoDb();
  const token = randomUUID();
  try {
    await run(() =>
      client.send(
        new sdk.PutItemCommand({
          TableName: input.table,
          Item: { ...input.item, [WRITER]: { S: token } },
          ConditionExpression: input.condition,
          ...(input.names ? { ExpressionAttributeNames: input.names } : {}),
          ...(input.values ? { ExpressionAttributeValues: input.values } : {}),
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }),
      ),
    );
    return { written: true, token };
  } catch (error) {
    if (!isAwsCode(error, 'ConditionalCheckFailedException')) throw error;
    const current = failedAgainst(error);
    if (current?.[WRITER]?.S === token) return { written: true, token };
    return { written: false, ...(current ? { current } : {}) };
  }
}

/**
 * UpdateItem `key` only while it still bears `token` (the item this writer put, not a later writer's).
 * The update keeps the token, so a retry after a lost answer meets the same condition and succeeds
 * again. False when the item is gone or another writer has replaced it.
 */
export async function updateIfOwned(
  aws: AwsClients,
  input: {
    table: string;
    key: Item;
    token: string;
    update: string;
    names?: Record<string, string>;
    values?: Record<string, AttributeValue>;
  },
): Promise<boolean> {
  const { client, sdk } = await aws.dynamoDb();
  try {
    await call('UpdateItem', () =>
      client.send(
        new sdk.UpdateItemCommand({
          TableName: input.table,
          Key: input.key,
          UpdateExpression: input.update,
          ConditionExpression: '#writer = :token',
          ExpressionAttributeNames: { ...input.names, '#writer': WRITER },
          ExpressionAttributeValues: { ...input.values, ':token': { S: input.token } },
        }),
      ),
    );
    return true;
  } catch (error) {
    if (!isAwsCode(error, 'ConditionalCheckFailedException')) throw error;
    return false;
  }
}

/**
 * DeleteItem `key` only while it bears `token`: another writer's newer item stays. A retry after a lost
 * answer finds nothing to delete, which is the same end, so a failed condition is not an error.
 */
export async function deleteIfOwned(
  aws: AwsClients,
  input: { table: string; key: Item; token: string },
  options: { inMargin?: boolean } = {},
): Promise<void> {
  const { client, sdk } = await aws.dynamoDb();
  await call(
    'DeleteItem',
    () =>
      client.send(
        new sdk.DeleteItemCommand({
          TableName: input.table,
          Key: input.key,
          ConditionExpression: '#writer = :token',
          ExpressionAttributeNames: { '#writer': WRITER },
          ExpressionAttributeValues: { ':token': { S: input.token } },
        }),
      ),
    options,
  ).catch((error: unknown) => {
    if (!isAwsCode(error, 'ConditionalCheckFailedException')) throw error;
  });
}
