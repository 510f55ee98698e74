import { Logger } from '@aws-lambda-powertools/logger';
import { captureLog, dispatcherFor, seedTask, startTestEngine, TARGET, TestEngine } from '../support/engine';
import { clip, INFO_VALUE_CHARS } from '../../lambda/log-bounds';
import type { HttpRequest } from '../../lambda/protocol/aws-json';

let engine: TestEngine;
beforeAll(async () => {
  engine = await startTestEngine();
});
afterAll(() => engine.close());

const SERVICE = 'datapipeline-task-runner';

/**
 * The logger's own lines among what the process wrote meanwhile: Node and the AWS SDK may print warnings of
 * their own (the SDK's NodeVersionSupportWarning, once per process), which are not log entries.
 */
const loggerLines = (written: readonly string[]): string[] =>
  written.filter((line) => {
    if (!line.startsWith('{')) return false;
    try {
      return (JSON.parse(line) as { service?: unknown }).service === SERVICE;
    } catch {
      return false;
    }
  });

const logged = async (logLevel: 'INFO' | 'DEBUG', requests: HttpRequest[]) => {
  const out = captureLog();
  try {
    const dispatch = dispatcherFor(engine, { logger: new Logger({ serviceName: SERVICE, logLevel }) });
    for (const r of requests) await dispatch(r, 'client-request-id', { invocationId: 'lambda-invocation-id' });
  } finally {
    out.restore();
  }
  const lines = loggerLines(out.lines);
  return { lines, text: lines.join(''), entries: lines.map((l) => JSON.parse(l)) };
};

const completing = (taskId: string): HttpRequest => ({
  headers: TARGET,
  body: JSON.stringify({ taskId, taskStatus: 'FAILED', errorId: 'E1', errorMessage: 'SECRET-MESSAGE', errorStackTrace: 'SECRET-TRACE' }),
});

describe('one INFO line per request', () => {
  it('keys it with the service, the request ids, the operation, bounded ids, pipelineId and the outcome; no error text', async () => {
    const t = await seedTask(engine);
    const { lines, text, entries } = await logged('INFO', [completing(t.taskId)]);
    expect(entries).toEqual([
      expect.objectContaining({
        service: SERVICE,
        operation: 'SetTaskStatus',
        taskId: clip(t.taskId, INFO_VALUE_CHARS),
        taskStatus: 'FAILED',
        errorId: 'E1',
        pipelineId: t.pipelineId,
        correlation_id: 'client-request-id',
        function_request_id: 'lambda-invocation-id',
        outcome: 'completed',
      }),
    ]);
    expect(entries[0].taskId).toBe(`${t.taskId.slice(0, 32)}…(+480 of 512)`);
    expect(text).not.toContain('SECRET-MESSAGE');
    expect(text).not.toContain('SECRET-TRACE');
    expect(Buffer.byteLength(lines[0])).toBeLessThan(600);
  });

  it('logs the whole request, error text included, at DEBUG', async () => {
    const t = await seedTask(engine);
    const { text } = await logged('DEBUG', [completing(t.taskId)]);
    expect(text).toContain(t.taskId);
    expect(text).toContain('SECRET-MESSAGE');
    expect(text).toContain('SECRET-TRACE');
  });
});

describe('the logger lines are told from what else the process prints', () => {
  it("keeps the logger's JSON lines and drops a runtime warning written in between", () => {
    const entry = JSON.stringify({ level: 'INFO', message: 'done', service: SERVICE });
    const warning = '(node:1013) NodeVersionSupportWarning: The AWS SDK for JavaScript (v3) will\n';
    expect(loggerLines([warning, entry, '{"not": "ours"}', '{broken'])).toEqual([entry]);
  });
});

describe('values a caller sends are logged bounded', () => {
  const huge = (c: string) => c.repeat(5 * 1024 * 1024);
  const requests = (taskId: string): HttpRequest[] => [
    // every member at several megabytes (refused by validation, but logged on the way)
    {
      headers: TARGET,
      body: JSON.stringify({ taskId: huge('t'), taskStatus: huge('S'), errorId: huge('i'), errorMessage: huge('m'), errorStackTrace: huge('s') }),
    },
    // valid members, with the unbounded one (errorMessage) large but within its limit
    { headers: TARGET, body: JSON.stringify({ taskId, taskStatus: 'FAILED', errorId: 'x'.repeat(1024), errorMessage: 'm'.repeat(65536) }) },
    // a huge target, and huge other headers
    { headers: { 'x-amz-target': `DataPipeline.${huge('X')}`, 'user-agent': huge('u'), 'x-custom': huge('c') }, body: '{}' },
    { headers: { ...TARGET, 'user-agent': huge('u'), authorization: huge('a') }, body: JSON.stringify({ taskId: huge('t'), taskStatus: 'FINISHED' }) },
    // not JSON, and huge
    { headers: TARGET, body: huge('{') },
  ];

  it.each(['INFO', 'DEBUG'] as const)('at %s every line stays under 8 KB', async (level) => {
    const t = await seedTask(engine);
    const { lines } = await logged(level, requests(t.taskId));
    expect(lines.length).toBeGreaterThanOrEqual(requests(t.taskId).length);
    for (const line of lines) expect(Buffer.byteLength(line)).toBeLessThan(8 * 1024);
  });
});
