/**
 * What deploys is what was tested: synthesize the stack with real bundling (the locally installed esbuild),
 * then load the bundled asset and run it, as Lambda would, against the engine.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App } from 'aws-cdk-lib';
import type { Asset } from 'aws-cdk-lib/aws-s3-assets';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import { TABLES, TableKey } from '../../lambda/store/tables';
import { TaskRunnerStack } from '../../lib/task-runner-stack';
import { readAttempt, seedTask, startTestEngine, TEST_CALLER, TestEngine } from '../support/engine';

type Handler = (event: APIGatewayProxyEvent, context: Context) => Promise<APIGatewayProxyResult>;

let engine: TestEngine;
let outdir: string;
let handler: Handler;

beforeAll(async () => {
  engine = await startTestEngine();
  outdir = mkdtempSync(join(tmpdir(), 'cdk-out-'));
  const app = new App({ outdir, builtinCloudFormationValidation: false });
  const stack = new TaskRunnerStack(app, 'BundleTest');
  const assembly = app.synth();
  const asset = stack.node.findChild('ApiFunction').node.findChild('Code') as Asset;
  process.env.DYNAMODB_ENDPOINT = engine.endpoint;
  for (const key of Object.keys(TABLES) as TableKey[]) process.env[TABLES[key].envVar] = engine.names[key];
  // The synthesized asset, whose path is known only now: a require, not an import.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  handler = require(join(assembly.directory, asset.assetPath, 'index.js')).handler;
}, 60_000);

afterAll(async () => {
  await engine.close();
  rmSync(outdir, { recursive: true, force: true });
});

/** A REST API Lambda proxy event as API Gateway sends it: header names as the client wrote them. */
const event = (body: object, requestId: string): APIGatewayProxyEvent =>
  ({
    resource: '/',
    path: '/',
    httpMethod: 'POST',
    headers: { 'X-Amz-Target': 'DataPipeline.SetTaskStatus', 'Content-Type': 'application/x-amz-json-1.1' },
    multiValueHeaders: {},
    body: Buffer.from(JSON.stringify(body)).toString('base64'),
    isBase64Encoded: true,
    requestContext: { requestId, stage: 'v1', identity: { accountId: TEST_CALLER.accountId, user: TEST_CALLER.userId } },
  }) as unknown as APIGatewayProxyEvent;

const context = { awsRequestId: 'lambda-request-id', functionName: 'f', getRemainingTimeInMillis: () => 15000 } as unknown as Context;

it("the synthesized bundle serves SetTaskStatus against the engine, answering with API Gateway's request id", async () => {
  const task = await seedTask(engine);
  const res = await handler(event({ taskId: task.taskId, taskStatus: 'FAILED', errorId: 'E' }, 'apigw-request-id'), context);
  expect(res).toEqual({
    statusCode: 200,
    headers: { 'Content-Type': 'application/x-amz-json-1.1', 'x-amzn-RequestId': 'apigw-request-id' },
    body: '{}',
  });
  expect((await readAttempt(engine, task))?.status).toEqual({ S: 'FAILED' });
});

it('the synthesized bundle answers errors in the awsJson shape', async () => {
  const res = await handler(event({ taskId: 'nope', taskStatus: 'FINISHED' }, 'rid'), context);
  expect(res.statusCode).toBe(400);
  expect(JSON.parse(res.body).__type).toBe('TaskNotFoundException');
});
