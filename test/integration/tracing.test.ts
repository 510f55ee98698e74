/**
 * In Lambda, the handler's DynamoDB requests reach X-Ray as subsegments naming the table and the outcome.
 * The handler bundle runs in a child process with the environment Lambda gives a traced function, and a UDP
 * socket plays the X-Ray daemon. Outside Lambda the tracer stays inert: nothing is sent.
 */
import { execFile } from 'node:child_process';
import { createSocket, Socket } from 'node:dgram';
import { promisify } from 'node:util';
import { TABLES, TableKey } from '../../lambda/store/tables';
import { LOCAL_BUNDLE_FILE } from '../../lib/handler-bundle';
import { assertBundleCurrent } from '../support/local-endpoint';
import { seedTask, startTestEngine, TEST_CALLER, TestEngine } from '../support/engine';

let engine: TestEngine;
let daemon: Socket;
let datagrams: string[];

beforeAll(async () => {
  engine = await startTestEngine();
  daemon = createSocket('udp4');
  daemon.on('message', (m) => datagrams.push(m.toString()));
  await new Promise<void>((resolve) => daemon.bind(0, '127.0.0.1', resolve));
});
afterAll(async () => {
  daemon.close();
  await engine.close();
});

/**
 * Invokes the bundle's handler once in a fresh process with `env`; returns the answer's status, and whether
 * the X-Ray SDK was loaded (its context namespace, which installs async hooks).
 */
const invokeBundle = async (env: NodeJS.ProcessEnv, taskId: string): Promise<{ status: number; xrayLoaded: boolean }> => {
  assertBundleCurrent();
  const script = `
    const { handler } = require(${JSON.stringify(LOCAL_BUNDLE_FILE)});
    const event = { body: JSON.stringify({ taskId: process.env.TASK_ID, taskStatus: 'FINISHED' }), headers: { 'X-Amz-Target': 'DataPipeline.SetTaskStatus' }, requestContext: { requestId: 'rid-trace', identity: { accountId: process.env.ACCOUNT_ID } } };
    const context = { awsRequestId: 'inv-trace', getRemainingTimeInMillis: () => 10000 };
    handler(event, context).then((r) => {
      console.log(JSON.stringify({ status: r.statusCode, xrayLoaded: Boolean(process.namespaces && process.namespaces.AWSXRay) }));
      setTimeout(() => process.exit(0), 200);
    });
  `;
  const tables = Object.fromEntries((Object.keys(TABLES) as TableKey[]).map((k) => [TABLES[k].envVar, engine.names[k]]));
  const { stdout } = await promisify(execFile)(process.execPath, ['-e', script], {
    env: {
      ...process.env,
      ...tables,
      ...env,
      DYNAMODB_ENDPOINT: engine.endpoint,
      TASK_ID: taskId,
      ACCOUNT_ID: TEST_CALLER.accountId,
      POWERTOOLS_LOG_LEVEL: 'SILENT',
    },
    encoding: 'utf8',
  });
  return JSON.parse(stdout.trim());
};

const LAMBDA_ENV = () => ({
  AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs24.x',
  LAMBDA_TASK_ROOT: '/var/task',
  AWS_LAMBDA_FUNCTION_NAME: 'traced',
  _X_AMZN_TRACE_ID: 'Root=1-6740a000-0123456789abcdef01234567;Parent=53995c3f42cd8ad8;Sampled=1',
  AWS_XRAY_DAEMON_ADDRESS: `127.0.0.1:${daemon.address().port}`,
  AWS_XRAY_CONTEXT_MISSING: 'IGNORE_ERROR',
});

/** The JSON documents of the segments the "daemon" received (each datagram is a header line, then the document). */
const segments = () => datagrams.map((d) => JSON.parse(d.slice(d.indexOf('\n') + 1)));

it('sends one DynamoDB subsegment per request, with its operation and table, in the invocation trace', async () => {
  datagrams = [];
  const t = await seedTask(engine);
  expect(await invokeBundle(LAMBDA_ENV(), t.taskId)).toEqual({ status: 200, xrayLoaded: true });
  const dynamo = segments().filter((s) => s.name === 'DynamoDB');
  expect(dynamo.map((s) => [s.aws.operation, s.aws.table_name])).toEqual([
    ['GetItem', engine.names.tasks],
    ['GetItem', engine.names.pipelines],
    ['UpdateItem', engine.names.tasks],
    ['UpdateItem', engine.names.objects],
  ]);
  for (const s of dynamo) {
    expect(s.trace_id).toBe('1-6740a000-0123456789abcdef01234567');
    expect(s.http.response.status).toBe(200);
  }
});

it('sends nothing outside Lambda, where the X-Ray SDK (and its async hooks) is not even loaded', async () => {
  datagrams = [];
  const t = await seedTask(engine);
  const { AWS_XRAY_DAEMON_ADDRESS, _X_AMZN_TRACE_ID } = LAMBDA_ENV();
  expect(await invokeBundle({ AWS_XRAY_DAEMON_ADDRESS, _X_AMZN_TRACE_ID }, t.taskId)).toEqual({ status: 200, xrayLoaded: false });
  expect(datagrams).toEqual([]);
});
