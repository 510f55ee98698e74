/**
 * The embedded engine closes the storage iterator of every read (local/dynalite-iterators.ts): dynalite 4.0.0 never
 * did, and on disk each one held its memory until the engine closed. Counted at the storage layer's `close()`, with
 * dynalite in this process, on disk and in memory.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import dynalite from 'dynalite';
import { CreateTableCommand, DynamoDBClient, PutItemCommand, QueryCommand, ScanCommand } from '@aws-sdk/client-dynamodb';
import { closeIteratorsOnReturn } from '../../local/dynalite-iterators';

const { AbstractIterator } = createRequire(require.resolve('dynalite'))('abstract-level') as { AbstractIterator: { prototype: object } };
const common = Object.getPrototypeOf(AbstractIterator.prototype) as { close(): Promise<void> };
let closed = 0;
const close = common.close;
beforeAll(() => {
  common.close = function (this: unknown) {
    closed += 1;
    return close.call(this);
  };
  closeIteratorsOnReturn();
});
afterAll(() => {
  common.close = close;
});

/** Reads against a dynalite in this process; the iterators closed while they ran. */
const closedByReads = async (path?: string): Promise<number> => {
  const server = dynalite({ createTableMs: 0, ...(path !== undefined && { path }) });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const client = new DynamoDBClient({
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    region: 'us-east-1',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  });
  try {
    await client.send(
      new CreateTableCommand({
        TableName: 'reads',
        AttributeDefinitions: [
          { AttributeName: 'p', AttributeType: 'S' },
          { AttributeName: 's', AttributeType: 'S' },
        ],
        KeySchema: [
          { AttributeName: 'p', KeyType: 'HASH' },
          { AttributeName: 's', KeyType: 'RANGE' },
        ],
        BillingMode: 'PAY_PER_REQUEST',
      }),
    );
    for (const s of ['a', 'b', 'c']) await client.send(new PutItemCommand({ TableName: 'reads', Item: { p: { S: 'p' }, s: { S: s } } }));
    const before = closed;
    const query = { TableName: 'reads', KeyConditionExpression: 'p = :p', ExpressionAttributeValues: { ':p': { S: 'p' } } };
    for (let i = 0; i < 5; i++) expect((await client.send(new QueryCommand({ ...query, Limit: 1 }))).Items).toHaveLength(1); // stops early
    for (let i = 0; i < 5; i++) expect((await client.send(new QueryCommand(query))).Items).toHaveLength(3); // reads to the end
    for (let i = 0; i < 2; i++) expect((await client.send(new ScanCommand({ TableName: 'reads' }))).Items).toHaveLength(3);
    // Closing is asynchronous: it has happened by the time the next request is answered.
    await client.send(new QueryCommand({ ...query, Limit: 1 }));
    return closed - before;
  } finally {
    client.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
};

it('closes the iterator of every Query and Scan, on disk', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'engine-iterators-'));
  try {
    expect(await closedByReads(dir)).toBeGreaterThanOrEqual(12);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

it('closes the iterator of every Query and Scan, in memory', async () => {
  expect(await closedByReads()).toBeGreaterThanOrEqual(12);
});
