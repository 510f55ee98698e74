/**
 * The embedded engine's in-process door (local/engine.ts, local/engine-thread.ts): the handler's DynamoDB
 * client reaches dynalite's thread by messages instead of HTTP. What comes back must be what HTTP gives:
 * the same tables, the same typed errors, and no request left waiting when it is aborted or the engine stops.
 */
import { ConditionalCheckFailedException, CreateTableCommand, DynamoDBClient, GetItemCommand, PutItemCommand, QueryCommand } from '@aws-sdk/client-dynamodb';
import { getEventListeners } from 'node:events';
import { createDynamoDbClient } from '../../lambda/store/dynamodb-client';
import { dynamoDbClient, LOCAL_AWS_ENV } from '../../local/dynamodb';
import { Engine, startEngine } from '../../local/engine';

let engine: Engine;
let inProcess: DynamoDBClient;
let overHttp: DynamoDBClient;
const TABLE = 'thread-test';

beforeAll(async () => {
  engine = await startEngine({ host: '127.0.0.1', port: 0 });
  for (const [name, value] of Object.entries(LOCAL_AWS_ENV)) process.env[name] ??= value;
  // As the handler builds it: the endpoint names the engine, the request handler carries the requests.
  inProcess = createDynamoDbClient({ DYNAMODB_ENDPOINT: engine.url }, engine.requestHandler);
  overHttp = dynamoDbClient(engine.url);
  await inProcess.send(
    new CreateTableCommand({
      TableName: TABLE,
      AttributeDefinitions: [
        { AttributeName: 'pk', AttributeType: 'S' },
        { AttributeName: 'sk', AttributeType: 'S' },
      ],
      KeySchema: [
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ],
      BillingMode: 'PAY_PER_REQUEST',
    }),
  );
});

afterAll(async () => {
  overHttp.destroy();
  inProcess.destroy();
  await engine?.close();
});

test('an item written through the thread is read over HTTP, and the other way round', async () => {
  const text = 'ünïcødé ✓ '.repeat(2000); // multi-byte UTF-8, about 30 KB: bytes must cross unchanged
  await inProcess.send(new PutItemCommand({ TableName: TABLE, Item: { pk: { S: 'a' }, sk: { S: '1' }, text: { S: text }, n: { N: '42' } } }));
  const read = await overHttp.send(new GetItemCommand({ TableName: TABLE, Key: { pk: { S: 'a' }, sk: { S: '1' } }, ConsistentRead: true }));
  expect(read.Item).toEqual({ pk: { S: 'a' }, sk: { S: '1' }, text: { S: text }, n: { N: '42' } });

  await overHttp.send(new PutItemCommand({ TableName: TABLE, Item: { pk: { S: 'a' }, sk: { S: '2' } } }));
  const query = await inProcess.send(
    new QueryCommand({ TableName: TABLE, KeyConditionExpression: 'pk = :a', ExpressionAttributeValues: { ':a': { S: 'a' } } }),
  );
  expect(query.Items?.map((i) => i.sk.S)).toEqual(['1', '2']);
});

test('many requests at once each get their own answer', async () => {
  const keys = Array.from({ length: 200 }, (_, i) => `k${i}`);
  await Promise.all(
    keys.map((k) => inProcess.send(new PutItemCommand({ TableName: TABLE, Item: { pk: { S: 'many' }, sk: { S: k }, v: { S: `value of ${k}` } } }))),
  );
  const read = await Promise.all(
    keys.map((k) => inProcess.send(new GetItemCommand({ TableName: TABLE, Key: { pk: { S: 'many' }, sk: { S: k } }, ConsistentRead: true }))),
  );
  expect(read.map((r) => r.Item?.v.S)).toEqual(keys.map((k) => `value of ${k}`));
});

test("the engine's errors arrive typed, as over HTTP", async () => {
  const conditional = new PutItemCommand({ TableName: TABLE, Item: { pk: { S: 'a' }, sk: { S: '1' } }, ConditionExpression: 'attribute_not_exists(pk)' });
  await expect(inProcess.send(conditional)).rejects.toBeInstanceOf(ConditionalCheckFailedException);
  const invalid = new GetItemCommand({ TableName: TABLE, Key: { pk: { S: 'a' } } }); // the sort key is missing
  const [viaThread, viaHttp] = await Promise.all(
    [inProcess.send(invalid).then(() => new Error('no error')), overHttp.send(invalid).then(() => new Error('no error'))].map((p) => p.catch((e: Error) => e)),
  );
  expect(viaThread).toMatchObject({ name: 'ValidationException', $metadata: { httpStatusCode: 400 } });
  expect(viaThread.message).toBe(viaHttp.message);
});

test('an aborted request fails at once as an abort, and the engine goes on serving', async () => {
  const before = new AbortController();
  before.abort();
  await expect(
    inProcess.send(new GetItemCommand({ TableName: TABLE, Key: { pk: { S: 'a' }, sk: { S: '1' } } }), { abortSignal: before.signal }),
  ).rejects.toMatchObject({ name: 'AbortError' });

  const during = new AbortController();
  const call = inProcess.send(new GetItemCommand({ TableName: TABLE, Key: { pk: { S: 'a' }, sk: { S: '1' } } }), { abortSignal: during.signal });
  during.abort();
  await expect(call).rejects.toMatchObject({ name: 'AbortError' });

  const after = await inProcess.send(new GetItemCommand({ TableName: TABLE, Key: { pk: { S: 'a' }, sk: { S: '2' } }, ConsistentRead: true }));
  expect(after.Item?.sk.S).toBe('2');
});

test("a call's signal, shared by its requests, keeps no listener from the requests that ended", async () => {
  const deadline = new AbortController();
  for (let i = 0; i < 20; i++) {
    await inProcess.send(new GetItemCommand({ TableName: TABLE, Key: { pk: { S: 'a' }, sk: { S: '1' } } }), { abortSignal: deadline.signal });
  }
  expect(getEventListeners(deadline.signal, 'abort')).toHaveLength(0);
});

test('an engine that cannot listen fails to start, with the reason', async () => {
  const taken = Number(new URL(engine.url).port);
  await expect(startEngine({ host: '127.0.0.1', port: taken })).rejects.toThrow(/EADDRINUSE/);
});

test('requests to a closed engine fail instead of waiting', async () => {
  const other = await startEngine({ host: '127.0.0.1', port: 0 });
  const client = createDynamoDbClient({ DYNAMODB_ENDPOINT: other.url }, other.requestHandler);
  await other.close();
  await expect(client.send(new GetItemCommand({ TableName: TABLE, Key: { pk: { S: 'a' }, sk: { S: '1' } } }))).rejects.toThrow('the engine is closed');
  client.destroy();
});
