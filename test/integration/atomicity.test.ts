import { call, dispatcherFor, readAttempt, readTask, seedTask, startTestEngine, TestEngine } from '../support/engine';
import { DynamoDbTaskStore } from '../../lambda/store/dynamodb-task-store';
import type { Completion, Task, TaskStore } from '../../lambda/store/task-store';

let engine: TestEngine;
beforeAll(async () => {
  engine = await startTestEngine();
});
afterAll(() => engine.close());

const STATUSES = ['FINISHED', 'FAILED', 'FALSE'] as const;

describe('concurrent calls on one task', () => {
  it('let exactly one status win: its calls succeed, the others get InvalidRequestException, task and attempt agree', async () => {
    const t = await seedTask(engine);
    const dispatch = dispatcherFor(engine);
    const calls = Array.from({ length: 48 }, (_, i) => STATUSES[i % 3]);
    const results = await Promise.all(calls.map((taskStatus, i) => call(dispatch, { taskId: t.taskId, taskStatus, errorId: `caller-${i}` })));

    const task = await readTask(engine, t.taskId);
    const winner = task?.taskStatus?.S;
    expect(STATUSES).toContain(winner);
    results.forEach((res, i) => {
      if (calls[i] === winner) expect(res.status).toBe(200);
      else expect(res.body).toMatchObject({ __type: 'InvalidRequestException', message: expect.stringContaining(winner!) });
    });
    const attempt = await readAttempt(engine, t);
    expect(attempt?.status?.S).toBe(winner);
    // The attempt carries the winning call's fields, the same ones the task recorded.
    expect(attempt?.errorId).toEqual(task?.errorId);
    expect(attempt?.endTime).toEqual(task?.endTime);
  });
});

/** The real adapter, except that the process "dies" right after the task write of the first call. */
class CrashAfterTaskWrite implements TaskStore {
  crashes = 1;
  constructor(private readonly inner: TaskStore) {}
  getTask = (id: string) => this.inner.getTask(id);
  getPipeline = (id: string) => this.inner.getPipeline(id);
  getTaskAndPipeline = (id: string) => this.inner.getTaskAndPipeline(id);
  completeTask = (id: string, c: Completion) => this.inner.completeTask(id, c);
  putTask = (t: Task) => this.inner.putTask(t);
  cancelTask = (id: string) => this.inner.cancelTask(id);
  recordAttempt = async (pipelineId: string, id: string, c: Completion, settleFrom: string) => {
    if (this.crashes-- > 0) throw new Error('simulated crash between the task write and the attempt write');
    return this.inner.recordAttempt(pipelineId, id, c, settleFrom);
  };
}

describe('a crash between the two writes', () => {
  it('leaves a state that a retry of the same call completes', async () => {
    const t = await seedTask(engine);
    const store = new CrashAfterTaskWrite(new DynamoDbTaskStore(engine.client, engine.names));
    const first = dispatcherFor(engine, { store, now: () => new Date('2026-01-01T00:00:00Z') });
    const input = { taskId: t.taskId, taskStatus: 'FAILED', errorId: 'E1', errorMessage: 'boom' };

    expect((await call(first, input)).body.__type).toBe('InternalServiceError');
    expect((await readTask(engine, t.taskId))?.taskStatus?.S).toBe('FAILED');
    expect((await readAttempt(engine, t))?.status?.S).toBe('RUNNING');

    const retry = dispatcherFor(engine, { now: () => new Date('2026-01-01T00:00:09Z') });
    expect(await call(retry, input)).toMatchObject({ status: 200, body: {} });
    const attempt = await readAttempt(engine, t);
    expect(attempt).toMatchObject({
      status: { S: 'FAILED' },
      errorId: { S: 'E1' },
      errorMessage: { S: 'boom' },
      endTime: { S: '2026-01-01T00:00:00.000Z' }, // the first call's, as recorded on the task
    });
  });

  it("is completed with the first call's error fields even when the retry carries others", async () => {
    const t = await seedTask(engine);
    const store = new CrashAfterTaskWrite(new DynamoDbTaskStore(engine.client, engine.names));
    await call(dispatcherFor(engine, { store }), { taskId: t.taskId, taskStatus: 'FAILED', errorMessage: 'first' });
    await call(dispatcherFor(engine), { taskId: t.taskId, taskStatus: 'FAILED', errorMessage: 'second' });
    expect((await readAttempt(engine, t))?.errorMessage?.S).toBe('first');
  });
});
