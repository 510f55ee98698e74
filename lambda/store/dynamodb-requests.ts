/** Requests the store adapters share: BatchWriteItem of any number of items, and a Query of every page. */
import {
  type AttributeValue,
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
