/**
 * The embedded engine's two memory fixes (local/dynalite-fixes.ts), with dynalite in this process: every read's
 * storage iterator is closed (dynalite 4.0.0 never closed one, and on disk each held its memory until the engine
 * closed), counted at the storage layer's `close()`, on disk and in memory; and small items stored in memory hold
 * their own bytes, not a shared slab each.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import dynalite from 'dynalite';
import { DescribeTableCommand, PutItemCommand, QueryCommand, ScanCommand } from '@aws-sdk/client-dynamodb';
import { closeIteratorsOnReturn, fixDynaliteMemory } from '../../local/dynalite-fixes';
import { dynamoDbClient, ensureTables } from '../../local/dynamodb';
import { ATTR, tableNamesFromEnv } from '../../lambda/store/tables';

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

/** A dynalite in this process, on disk or in memory, and a client of it. */
const started = async (path?: string) => {
  const server = dynalite({ createTableMs: 0, ...(path !== undefined && { path }) });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const client = dynamoDbClient(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
  const close = async () => {
    client.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  };
  return { client, close };
};

/** Reads against a dynalite in this process; the iterators closed while they ran. */
const closedByReads = async (path?: string): Promise<number> => {
  const { client, close } = await started(path);
  try {
    // The endpoint's own tables (their secondary indexes too), three items of one pipeline.
    const names = tableNamesFromEnv({ TABLE_PREFIX: 'reads-' });
    await ensureTables(client, names);
    const key = (objectId: string) => ({ [ATTR.pipelineId]: { S: 'df-reads' }, [ATTR.objectId]: { S: objectId } });
    for (const id of ['@a', '@b', '@c']) await client.send(new PutItemCommand({ TableName: names.objects, Item: key(id) }));
    const before = closed;
    const query = {
      TableName: names.objects,
      KeyConditionExpression: '#pid = :pid',
      ExpressionAttributeNames: { '#pid': ATTR.pipelineId },
      ExpressionAttributeValues: { ':pid': { S: 'df-reads' } },
    };
    for (let i = 0; i < 5; i++) expect((await client.send(new QueryCommand({ ...query, Limit: 1 }))).Items).toHaveLength(1); // stops early
    for (let i = 0; i < 5; i++) expect((await client.send(new QueryCommand(query))).Items).toHaveLength(3); // reads to the end
    for (let i = 0; i < 2; i++) expect((await client.send(new ScanCommand({ TableName: names.objects }))).Items).toHaveLength(3);
    // Closing is asynchronous (LevelDB's on its own thread): give it up to 50 more requests' time to catch up.
    for (let i = 0; i < 50 && closed - before < 12; i++) await client.send(new DescribeTableCommand({ TableName: names.objects }));
    return closed - before;
  } finally {
    await close();
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

describe('small items stored in memory', () => {
  const poolSize = Buffer.poolSize;
  afterAll(() => {
    Buffer.poolSize = poolSize; // this process's setting, shared with the files after this one
  });

  it('hold their own bytes, not a slice of a shared 8 KB slab each', () => {
    // What memory-level does with each key and value (JSON as a Buffer). Measured through the engine: 20,000 items
    // of 230 bytes held 82 MB pooled, 5.5 MB unpooled (docs/behaviour.md §11). A count of the process's buffers
    // around the puts is not used here: in a jest worker that ran other files on Node 24 it swung by 10 MB.
    const stored = () => Buffer.from(JSON.stringify({ p: { S: 'item-1' }, v: { S: 'y'.repeat(200) } }));
    expect(stored().buffer.byteLength).toBeGreaterThanOrEqual(8192); // pooled: the slab
    fixDynaliteMemory();
    const own = stored();
    expect(own.buffer.byteLength).toBe(own.length);
  });
});
