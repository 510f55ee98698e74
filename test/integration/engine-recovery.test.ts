/**
 * The embedded engine on a data folder left by a kill -9 between dynalite's index write and its item write:
 * without recovery the index keeps a ghost entry and misses a real one (shown on dynalite itself); the engine
 * rebuilds its indexes on open, and a Query on the index then answers from the items.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { AddressInfo } from 'node:net';
import { CreateTableCommand, DescribeTableCommand, DynamoDBClient, PutItemCommand, QueryCommand } from '@aws-sdk/client-dynamodb';
import dynalite from 'dynalite';
import { startEngine } from '../../local/engine';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const dynaliteDb = require('dynalite/db');

const TABLE = 'objects';
const client = (url: string) => new DynamoDBClient({ endpoint: url, region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'x' } });
const item = (id: string, at: string) => ({ pk: { S: id }, rk: { S: 'ready' }, at: { S: at } });

/** The ids the index offers, in its order. */
const indexed = async (url: string): Promise<string[]> => {
  const dynamo = client(url);
  try {
    const res = await dynamo.send(
      new QueryCommand({ TableName: TABLE, IndexName: 'ready', KeyConditionExpression: 'rk = :rk', ExpressionAttributeValues: { ':rk': { S: 'ready' } } }),
    );
    return (res.Items ?? []).map((i) => `${i.pk.S}@${i.at.S}`);
  } finally {
    dynamo.destroy();
  }
};

/** Creates the table and waits until it is ACTIVE (dynalite reports CREATING for a moment, longer on a loaded machine). */
const createTable = async (dynamo: DynamoDBClient) => {
  await dynamo.send(
    new CreateTableCommand({
      TableName: TABLE,
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [
        { AttributeName: 'pk', AttributeType: 'S' },
        { AttributeName: 'rk', AttributeType: 'S' },
        { AttributeName: 'at', AttributeType: 'S' },
      ],
      KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
      GlobalSecondaryIndexes: [
        {
          IndexName: 'ready',
          KeySchema: [
            { AttributeName: 'rk', KeyType: 'HASH' },
            { AttributeName: 'at', KeyType: 'RANGE' },
          ],
          Projection: { ProjectionType: 'ALL' },
        },
      ],
    }),
  );
  while ((await dynamo.send(new DescribeTableCommand({ TableName: TABLE }))).Table?.TableStatus !== 'ACTIVE') await new Promise((r) => setTimeout(r, 20));
};

let dir: string;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'engine-recovery-'));
  const engine = await startEngine({ host: '127.0.0.1', port: 0, dataDir: dir });
  const dynamo = client(engine.url);
  try {
    await createTable(dynamo);
    for (const [id, at] of [
      ['a', '1'],
      ['b', '2'],
      ['c', '3'],
    ])
      await dynamo.send(new PutItemCommand({ TableName: TABLE, Item: item(id, at) }));
  } finally {
    dynamo.destroy();
    await engine.close();
  }

  // What dynalite does first on an UpdateItem of `a` (at 1 → 9) and a DeleteItem of `b`: the index writes,
  // without the item writes that would follow (the process killed in between).
  const store = dynaliteDb.create({ path: dir });
  await store.db.open();
  const table = await promisify(store.getTable)(TABLE);
  const [a, b] = [item('a', '1'), item('b', '2')];
  await promisify(dynaliteDb.updateIndexes)(store, table, a, item('a', '9'));
  await promisify(dynaliteDb.updateIndexes)(store, table, b, undefined);
  await promisify(store.db.close)();
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

it('dynalite alone keeps the index out of step with the items after the crash', async () => {
  const server = dynalite({ path: dir });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    expect(await indexed(`http://127.0.0.1:${(server.address() as AddressInfo).port}`)).toEqual(['c@3', 'a@9']);
  } finally {
    await new Promise((resolve) => server.close(resolve));
  }
});

it('the engine rebuilds its indexes from the items when it opens the folder', async () => {
  const engine = await startEngine({ host: '127.0.0.1', port: 0, dataDir: dir });
  try {
    expect(await indexed(engine.url)).toEqual(['a@1', 'b@2', 'c@3']);
  } finally {
    await engine.close();
  }
});
