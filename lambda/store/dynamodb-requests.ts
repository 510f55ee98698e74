/** Requests the store adapters share: BatchWriteItem of any number of items, and a Query of every page. */
import {
  type AttributeValue,
  BatchGetItemCommand,
  type BatchGetItemCommandOutput,
  BatchWriteItemCommand,
  type BatchWriteItemCommandOutput,
  type DynamoDBClient,
  QueryCommand,
  type QueryCommandInput,
  type QueryCommandOutput,
  type WriteRequest,
} from '@aws-sdk/client-dynamodb';

const BATCH_WRITE_MAX = 25;
const MAX_ROUNDS = 6;

/** BatchWriteItem in groups of 25, resending what the engine leaves unprocessed (with a short backoff). */
export const batchWriteAll = async (client: DynamoDBClient, table: string, requests: readonly WriteRequest[], signal?: AbortSignal): Promise<void> => {
  for (let i = 0; i < requests.length; i += BATCH_WRITE_MAX) {
    let pending: WriteRequest[] | undefined = requests.slice(i, i + BATCH_WRITE_MAX);
    for (let round = 0; pending && pending.length > 0; round++) {
      if (round === MAX_ROUNDS) throw new Error('BatchWriteItem kept leaving items unprocessed');
      if (round > 0) await new Promise((r) => setTimeout(r, 20 * 2 ** round));
      const res: BatchWriteItemCommandOutput = await client.send(new BatchWriteItemCommand({ RequestItems: { [table]: pending } }), { abortSignal: signal });
      pending = res.UnprocessedItems?.[table];
    }
  }
};

const BATCH_GET_MAX = 100;

/** BatchGetItem (strongly consistent) of any number of keys, 100 a request, resending what the engine leaves unprocessed. */
export const batchGetAll = async (
  client: DynamoDBClient,
  table: string,
  keys: readonly Record<string, AttributeValue>[],
  signal?: AbortSignal,
): Promise<Record<string, AttributeValue>[]> => {
  const items: Record<string, AttributeValue>[] = [];
  for (let i = 0; i < keys.length; i += BATCH_GET_MAX) {
    let pending: Record<string, AttributeValue>[] | undefined = keys.slice(i, i + BATCH_GET_MAX);
    for (let round = 0; pending && pending.length > 0; round++) {
      if (round === MAX_ROUNDS) throw new Error('BatchGetItem kept leaving keys unprocessed');
      if (round > 0) await new Promise((r) => setTimeout(r, 20 * 2 ** round));
      const res: BatchGetItemCommandOutput = await client.send(
        new BatchGetItemCommand({ RequestItems: { [table]: { Keys: pending, ConsistentRead: true } } }),
        { abortSignal: signal },
      );
      items.push(...(res.Responses?.[table] ?? []));
      pending = res.UnprocessedKeys?.[table]?.Keys;
    }
  }
  return items;
};

/** Every item a Query matches, page after page. */
export const queryAll = async (client: DynamoDBClient, input: QueryCommandInput, signal?: AbortSignal): Promise<Record<string, AttributeValue>[]> => {
  const items: Record<string, AttributeValue>[] = [];
  let start: QueryCommandInput['ExclusiveStartKey'];
  do {
    const res: QueryCommandOutput = await client.send(new QueryCommand({ ...input, ExclusiveStartKey: start }), { abortSignal: signal });
    items.push(...(res.Items ?? []));
    start = res.LastEvaluatedKey;
  } while (start);
  return items;
};
