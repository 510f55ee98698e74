import { call, countRequests, dispatcherFor, readAttempt, readTask, seedTask, startTestEngine, TestEngine } from '../support/engine';
import type { Dispatch } from '../../lambda/dispatch';
import { DeleteItemCommand } from '@aws-sdk/client-dynamodb';
import { ATTR } from '../../lambda/store/tables';
import { dynamoDbClient } from '../../local/dynamodb';

let engine: TestEngine;
let dispatch: Dispatch;
const FIXED_NOW = new Date('2026-11-29T10:00:00.000Z');

beforeAll(async () => {
  engine = await startTestEngine();
  dispatch = dispatcherFor(engine, { now: () => FIXED_NOW });
});
afterAll(() => engine.close());

describe('a RUNNING task', () => {
  it('moves to FINISHED and its attempt records the status and an end time; the answer is 200 {}', async () => {
    const t = await seedTask(engine);
    const res = await call(dispatch, { taskId: t.taskId, taskStatus: 'FINISHED' });
    expect(res).toMatchObject({ status: 200, body: {} });
    expect((await readTask(engine, t.taskId))?.taskStatus).toEqual({ S: 'FINISHED' });
    const attempt = await readAttempt(engine, t);
    expect(attempt?.status).toEqual({ S: 'FINISHED' });
    expect(attempt?.endTime).toEqual({ S: FIXED_NOW.toISOString() });
    expect(attempt?.errorId).toBeUndefined();
    expect(attempt?.errorMessage).toBeUndefined();
  });

  it('moves to FAILED and its attempt records exactly the error fields that were given', async () => {
    const t = await seedTask(engine);
    const res = await call(dispatch, { taskId: t.taskId, taskStatus: 'FAILED', errorId: 'E42', errorMessage: 'disk full', errorStackTrace: '' });
    expect(res.status).toBe(200);
    const attempt = await readAttempt(engine, t);
    expect(attempt).toMatchObject({
      status: { S: 'FAILED' },
      errorId: { S: 'E42' },
      errorMessage: { S: 'disk full' },
      errorStackTrace: { S: '' },
      taskId: { S: t.taskId },
    });
  });

  it('accepts FALSE (preconditions)', async () => {
    const t = await seedTask(engine);
    expect((await call(dispatch, { taskId: t.taskId, taskStatus: 'FALSE' })).status).toBe(200);
    expect((await readAttempt(engine, t))?.status).toEqual({ S: 'FALSE' });
  });

  it('stores every field at its bound in 4-byte characters (the items stay under 400 KB)', async () => {
    const t = await seedTask(engine);
    const astral = (n: number) => '\u{1F600}'.repeat(n);
    const res = await call(dispatch, {
      taskId: t.taskId,
      taskStatus: 'FAILED',
      errorId: astral(1024),
      errorMessage: astral(65536),
      errorStackTrace: astral(4095),
    });
    expect(res.status).toBe(200);
    expect((await readAttempt(engine, t))?.errorMessage?.S).toBe(astral(65536));
  });
});

describe('a task already in a final status', () => {
  it('answers 200 {} to the same status again and changes nothing', async () => {
    const t = await seedTask(engine);
    await call(dispatch, { taskId: t.taskId, taskStatus: 'FAILED', errorMessage: 'first' });
    const before = [await readTask(engine, t.taskId), await readAttempt(engine, t)];
    const later = dispatcherFor(engine, { now: () => new Date('2030-01-01T00:00:00Z') });
    const res = await call(later, { taskId: t.taskId, taskStatus: 'FAILED', errorMessage: 'second' });
    expect(res).toMatchObject({ status: 200, body: {} });
    expect([await readTask(engine, t.taskId), await readAttempt(engine, t)]).toEqual(before);
  });

  it('refuses a different status with InvalidRequestException naming the current one, and changes nothing', async () => {
    const t = await seedTask(engine);
    await call(dispatch, { taskId: t.taskId, taskStatus: 'FINISHED' });
    const before = [await readTask(engine, t.taskId), await readAttempt(engine, t)];
    const res = await call(dispatch, { taskId: t.taskId, taskStatus: 'FAILED' });
    expect(res.status).toBe(400);
    expect(res.body.__type).toBe('InvalidRequestException');
    expect(res.body.message).toContain('FINISHED');
    expect([await readTask(engine, t.taskId), await readAttempt(engine, t)]).toEqual(before);
  });
});

describe('a task the service canceled', () => {
  it('answers 200 {} and changes nothing', async () => {
    const t = await seedTask(engine, 'canceled');
    const before = [await readTask(engine, t.taskId), await readAttempt(engine, t)];
    const res = await call(dispatch, { taskId: t.taskId, taskStatus: 'FINISHED' });
    expect(res).toMatchObject({ status: 200, body: {} });
    expect([await readTask(engine, t.taskId), await readAttempt(engine, t)]).toEqual(before);
  });
});

describe('lookups, in the documented order', () => {
  it('answers TaskNotFoundException for an unknown taskId', async () => {
    const res = await call(dispatch, { taskId: 'no-such-task', taskStatus: 'FINISHED' });
    expect(res.status).toBe(400);
    expect(res.body.__type).toBe('TaskNotFoundException');
    expect(res.headers['x-amzn-ErrorType']).toBe('TaskNotFoundException');
  });

  it('answers TaskNotFoundException, without asking the engine, for a taskId longer than a key can be (2048 UTF-8 bytes)', async () => {
    const client = dynamoDbClient(engine.endpoint);
    const counter = countRequests(client);
    const res = await call(dispatcherFor(engine, { client }), { taskId: '\u20ac'.repeat(700), taskStatus: 'FINISHED' });
    expect(res.body.__type).toBe('TaskNotFoundException');
    expect(counter.names).toEqual([]);
  });

  it('answers PipelineNotFoundException when the task names a pipeline that does not exist', async () => {
    const t = await seedTask(engine, 'missing-pipeline');
    const res = await call(dispatch, { taskId: t.taskId, taskStatus: 'FINISHED' });
    expect(res.body.__type).toBe('PipelineNotFoundException');
    expect(res.body.message).toContain(t.pipelineId);
    expect((await readTask(engine, t.taskId))?.taskStatus).toEqual({ S: 'RUNNING' });
  });

  it('answers PipelineDeletedException when the pipeline is deleted, and leaves the task RUNNING', async () => {
    const t = await seedTask(engine, 'deleted-pipeline');
    const res = await call(dispatch, { taskId: t.taskId, taskStatus: 'FINISHED' });
    expect(res.body.__type).toBe('PipelineDeletedException');
    expect((await readTask(engine, t.taskId))?.taskStatus).toEqual({ S: 'RUNNING' });
    expect((await readAttempt(engine, t))?.status).toEqual({ S: 'RUNNING' });
  });

  it('completes a task whose attempt item is missing, and does not create the attempt', async () => {
    const t = await seedTask(engine);
    await engine.client.send(
      new DeleteItemCommand({ TableName: engine.names.objects, Key: { [ATTR.pipelineId]: { S: t.pipelineId }, [ATTR.objectId]: { S: t.attemptId } } }),
    );
    const res = await call(dispatch, { taskId: t.taskId, taskStatus: 'FINISHED' });
    expect(res.status).toBe(200);
    expect((await readTask(engine, t.taskId))?.taskStatus).toEqual({ S: 'FINISHED' });
    expect(await readAttempt(engine, t)).toBeUndefined();
    expect((await call(dispatch, { taskId: t.taskId, taskStatus: 'FINISHED' })).status).toBe(200);
    expect(await readAttempt(engine, t)).toBeUndefined();
  });

  it('ReportTaskProgress on a seeded task (an attempt of no run) renews it: canceled false', async () => {
    const t = await seedTask(engine);
    expect(await call(dispatch, { taskId: t.taskId }, 'ReportTaskProgress')).toMatchObject({ status: 200, body: { canceled: false } });
    expect(await call(dispatch, { taskId: (await seedTask(engine, 'canceled')).taskId }, 'ReportTaskProgress')).toMatchObject({
      status: 200,
      body: { canceled: true },
    });
  });

  it('checks the request before anything stored: an invalid request for an unknown task is InvalidRequestException', async () => {
    const res = await call(dispatch, { taskId: 'no-such-task', taskStatus: 'DONE' });
    expect(res.body.__type).toBe('InvalidRequestException');
  });
});
