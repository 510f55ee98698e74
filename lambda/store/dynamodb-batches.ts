/** BatchWriteItem in groups of 25, resending what the engine leaves unprocessed (with a short backoff). */
import { BatchWriteItemCommand, type BatchWriteItemCommandOutput, type DynamoDBClient, type WriteRequest } from '@aws-sdk/client-dynamodb';

const BATCH_WRITE_MAX = 25;
const MAX_ROUNDS = 6;

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
