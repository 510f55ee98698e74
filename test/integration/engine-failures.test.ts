import { createServer, Socket } from 'node:net';
import { Logger } from '@aws-lambda-powertools/logger';
import { call, captureLog, dispatcherFor, startTestEngine, TestEngine } from '../support/engine';
import { createDynamoDbClient } from '../../lambda/store/dynamodb-client';
import { INTERNAL_ERROR_MESSAGE } from '../../lambda/protocol/aws-json';

let engine: TestEngine;
beforeAll(async () => {
  engine = await startTestEngine();
});
afterAll(() => engine.close());

/** A port on which nothing listens. */
const closedPort = () =>
  new Promise<number>((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });

describe('an unreachable engine', () => {
  it('gives 500 InternalServiceError with a generic message, and the details go to the log with the request id', async () => {
    const client = createDynamoDbClient({ DYNAMODB_ENDPOINT: `http://127.0.0.1:${await closedPort()}` });
    const out = captureLog();
    let res;
    try {
      const logger = new Logger({ serviceName: 'test', logLevel: 'ERROR' });
      res = await call(dispatcherFor(engine, { client, logger }), { taskId: 'some-task', taskStatus: 'FINISHED' });
    } finally {
      out.restore();
      client.destroy();
    }
    expect(res.status).toBe(500);
    expect(res.body).toEqual({ __type: 'InternalServiceError', message: INTERNAL_ERROR_MESSAGE });
    expect(res.headers['x-amzn-ErrorType']).toBe('InternalServiceError');
    const logged = out.lines.map((l) => JSON.parse(l));
    expect(logged).toEqual([expect.objectContaining({ level: 'ERROR', correlation_id: res.headers['x-amzn-RequestId'], error: expect.anything() })]);
    expect(JSON.stringify(logged)).toMatch(/ECONNREFUSED/);
  });
});

/** An engine that accepts connections and never answers. */
const stallingEngine = async () => {
  const sockets: Socket[] = [];
  const server = createServer((socket) => {
    sockets.push(socket);
    socket.on('error', () => undefined);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    endpoint: `http://127.0.0.1:${port}`,
    sockets,
    close: () =>
      new Promise<void>((resolve) => {
        sockets.forEach((s) => s.destroy());
        server.close(() => resolve());
      }),
  };
};

describe('a stalled engine', () => {
  it('is abandoned at the request deadline: the answer is a modeled 500 long before the client gives up by itself', async () => {
    const stalled = await stallingEngine();
    const client = createDynamoDbClient({ DYNAMODB_ENDPOINT: stalled.endpoint });
    const out = captureLog();
    let res;
    try {
      const logger = new Logger({ serviceName: 'test', logLevel: 'ERROR' });
      const dispatch = dispatcherFor(engine, { client, logger });
      // The client's own bound is 3 attempts of up to 3 s each; the budget is far shorter.
      const response = await dispatch(
        { headers: { 'x-amz-target': 'DataPipeline.SetTaskStatus' }, body: '{"taskId":"t","taskStatus":"FINISHED"}' },
        'rid-deadline',
        { budgetMs: 300 },
      );
      res = { status: response.statusCode, body: JSON.parse(response.body), connections: stalled.sockets.length };
    } finally {
      out.restore();
      client.destroy();
      await stalled.close();
    }
    expect(res).toEqual({ status: 500, body: { __type: 'InternalServiceError', message: INTERNAL_ERROR_MESSAGE }, connections: 1 });
    expect(out.lines.map((l) => JSON.parse(l))).toEqual([
      expect.objectContaining({ level: 'ERROR', message: 'deadline passed', correlation_id: 'rid-deadline' }),
    ]);
  });
});
