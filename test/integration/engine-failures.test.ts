import { createServer } from 'node:net';
import { Logger } from '@aws-lambda-powertools/logger';
import { call, dispatcherFor, seedTask, startTestEngine, TARGET, TestEngine } from '../support/engine';
import { createDynamoDbClient } from '../../lambda/store/dynamodb-task-store';
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

/** What the logger writes (Powertools sends ERROR to stderr, the rest to stdout). */
const captureLog = () => {
  const lines: string[] = [];
  const spies = [process.stdout, process.stderr].map((stream) =>
    jest.spyOn(stream, 'write').mockImplementation((chunk: string | Uint8Array) => {
      lines.push(String(chunk));
      return true;
    }),
  );
  return { lines, restore: () => spies.forEach((s) => s.mockRestore()) };
};

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

describe('logging', () => {
  const run = async (logLevel: 'INFO' | 'DEBUG') => {
    const t = await seedTask(engine);
    const out = captureLog();
    try {
      const logger = new Logger({ serviceName: 'datapipeline-task-runner', logLevel });
      const body = JSON.stringify({ taskId: t.taskId, taskStatus: 'FAILED', errorMessage: 'SECRET-MESSAGE', errorStackTrace: 'SECRET-TRACE' });
      await dispatcherFor(engine, { logger })({ headers: TARGET, body }, 'client-request-id', 'lambda-invocation-id');
    } finally {
      out.restore();
    }
    return { t, text: out.lines.join(''), entries: out.lines.map((l) => JSON.parse(l)) };
  };

  it('keys every line with the service, the request id, taskId and pipelineId, and keeps error text out above DEBUG', async () => {
    const { t, text, entries } = await run('INFO');
    expect(entries).toEqual([
      expect.objectContaining({
        service: 'datapipeline-task-runner',
        taskId: t.taskId,
        pipelineId: t.pipelineId,
        correlation_id: 'client-request-id',
        function_request_id: 'lambda-invocation-id',
        outcome: 'completed',
      }),
    ]);
    expect(text).not.toContain('SECRET-MESSAGE');
    expect(text).not.toContain('SECRET-TRACE');
  });

  it('logs the error text at DEBUG', async () => {
    const { text } = await run('DEBUG');
    expect(text).toContain('SECRET-MESSAGE');
    expect(text).toContain('SECRET-TRACE');
  });
});
