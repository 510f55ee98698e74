/** The conformance suite passes against the local endpoint, and fails against an endpoint that is wrong. */
import { createServer, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CASES } from '../../tools/conformance/cases';
import { runConformance } from '../../tools/conformance/run';
import { deleteCreatedPipelines } from '../../tools/conformance/lifecycle-cases';
import { ListPipelinesCommand } from '@aws-sdk/client-data-pipeline';
import { GetItemCommand, GetItemCommandInput } from '@aws-sdk/client-dynamodb';
import { ATTR, EXPIRY_ATTRIBUTE, TABLES } from '../../lambda/store/tables';
import { dataPipelineClient, finishWithTables, resolveTables, TablesTarget } from '../../tools/targets';
import { RunningEndpoint, startEndpoint } from '../support/local-endpoint';

let endpoint: RunningEndpoint;
beforeAll(async () => {
  endpoint = await startEndpoint();
});
afterAll(() => endpoint.close());

const contextFor = async (url: string) => ({
  sdk: dataPipelineClient(url, { maxAttempts: 1 }),
  otherAccount: dataPipelineClient(url, { maxAttempts: 1, credentials: { accessKeyId: 'AKIAOTHERACCOUNT0001', secretAccessKey: 'x' } }),
  tables: await resolveTables({ dynamodbEndpoint: endpoint.dynamodbUrl }),
  endpoint: url,
  isLocal: true,
});

/** The items of a tool-written task, as the engine holds them now. */
const itemsOf = (tables: TablesTarget, t: TablesTarget['ledger'][number]) =>
  Promise.all(
    [
      [tables.names.tasks, { [TABLES.tasks.partitionKey]: { S: t.taskId } }],
      [tables.names.objects, { [ATTR.pipelineId]: { S: t.pipelineId }, [ATTR.objectId]: { S: t.attemptId } }],
      [tables.names.pipelines, { [TABLES.pipelines.partitionKey]: { S: t.pipelineId } }],
    ].map(async ([TableName, Key]) => (await tables.client.send(new GetItemCommand({ TableName, Key, ConsistentRead: true } as GetItemCommandInput))).Item),
  );

it('passes every case against the local endpoint, and deletes what it wrote (which carried an expiry until then)', async () => {
  const ctx = await contextFor(endpoint.apiUrl);
  const report = await runConformance(ctx);
  expect(await deleteCreatedPipelines()).toBeGreaterThan(80);
  const sdk = ctx.sdk;
  ctx.otherAccount.destroy();
  const written = [...ctx.tables.ledger];
  expect(written.length).toBe(2); // the two cases whose task cannot be made through the API
  const before = (await Promise.all(written.map((t) => itemsOf(ctx.tables, t)))).flat().filter((item) => item !== undefined);
  expect(before.length).toBeGreaterThanOrEqual(written.length * 2);
  for (const item of before) expect(Number(item[EXPIRY_ATTRIBUTE]?.N)).toBe(ctx.tables.expiresAt);
  const reader = await resolveTables({ dynamodbEndpoint: endpoint.dynamodbUrl });
  await finishWithTables(ctx.tables, false);
  expect((await Promise.all(written.map((t) => itemsOf(reader, t)))).flat().filter((item) => item !== undefined)).toEqual([]);
  expect((await sdk.send(new ListPipelinesCommand({}))).pipelineIdList).toEqual([]);
  sdk.destroy();
  reader.client.destroy();
  // On another engine (moto, in CI's second pass) a conditional write is not atomic under concurrent requests
  // (`npx tsx bench/conditional-write-race.ts URL` measured 61 winners in 60 rounds of 50), so the cases that race
  // conditional writes cannot hold there; on the embedded engine, as on DynamoDB, they must.
  const engineRaces = process.env.DYNAMODB_ENDPOINT !== undefined ? ['state-concurrent', 'lifecycle-create-concurrent'] : [];
  expect(report.results.filter((r) => r.status === 'fail' && !engineRaces.includes(r.id))).toEqual([]);
  // Skipped: the deployed-only case, and those that need relaxed limits (conformance-relaxed.test.ts runs them).
  expect(report.results.filter((r) => r.status === 'skip').map((r) => r.id)).toEqual(['wire-signing-name', 'run-retries-then-cascade', 'run-lease-expires']);
  expect(report.passed + report.results.filter((r) => r.status === 'fail').length).toBe(CASES.length - 3);
});

it('without table access skips, and counts, only the cases that seed tasks into the tables; each result names its call', async () => {
  const { tables, ...rest } = await contextFor(endpoint.apiUrl);
  tables.client.destroy();
  const report = await runConformance(
    rest,
    undefined,
    CASES.filter((c) => c.id.startsWith('state-') || c.id.startsWith('validate-taskId')),
  );
  await deleteCreatedPipelines();
  rest.sdk.destroy();
  rest.otherAccount.destroy();
  const needing = CASES.filter((c) => c.needsTables).map((c) => c.id);
  expect(needing).toEqual(['state-missing-pipeline', 'state-deleted-before-canceled']);
  expect(report.results.filter((r) => r.status === 'skip').map((r) => r.id)).toEqual(needing);
  expect(report.failed).toBe(0);
  expect(new Set(report.results.map((r) => r.call))).toEqual(new Set(['SetTaskStatus']));
});

it('fails against an endpoint that answers 200 {} to everything', async () => {
  const server: Server = createServer((req, res) => {
    req.resume();
    req.on('end', () => res.writeHead(200, { 'Content-Type': 'application/x-amz-json-1.1' }).end('{}'));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const ctx = await contextFor(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
  const report = await runConformance(ctx);
  await deleteCreatedPipelines();
  ctx.sdk.destroy();
  ctx.otherAccount.destroy();
  server.close();
  const failed = report.results.filter((r) => r.status === 'fail').map((r) => r.id);
  expect(failed).toEqual(
    expect.arrayContaining([
      'wire-error-shape',
      'validate-taskId-required',
      'state-unknown-task',
      'state-finish',
      'state-concurrent',
      'lifecycle-create-id',
      'lifecycle-delete',
      'lifecycle-definition-round-trip',
      'run-activation-makes-work',
      'run-dependencies',
    ]),
  );
  expect(report.passed).toBeLessThan(CASES.length / 2);
});
