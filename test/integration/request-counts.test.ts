import { call, countRequests, dispatcherFor, seedTask, startTestEngine, TestEngine } from '../support/engine';
import { dynamoDbClient } from '../../local/dynamodb';

let engine: TestEngine;
beforeAll(async () => {
  engine = await startTestEngine();
});
afterAll(() => engine.close());

/** The DynamoDB requests of one SetTaskStatus call, as docs/behaviour.md lists them per outcome. */
const requestsOf = async (input: Record<string, unknown>) => {
  const client = dynamoDbClient(engine.endpoint);
  const counter = countRequests(client);
  const res = await call(dispatcherFor(engine, { client }), input);
  client.destroy();
  return { outcome: res.status === 200 ? 'ok' : res.body.__type, requests: counter.names };
};

describe('DynamoDB requests per call', () => {
  it('success: read task, read pipeline, write task, write attempt', async () => {
    const t = await seedTask(engine);
    expect(await requestsOf({ taskId: t.taskId, taskStatus: 'FINISHED' })).toEqual({
      outcome: 'ok',
      requests: ['GetItemCommand', 'GetItemCommand', 'UpdateItemCommand', 'UpdateItemCommand'],
    });
  });

  it('repeat: read task, read pipeline, one conditional attempt write that finds the attempt done', async () => {
    const t = await seedTask(engine);
    await requestsOf({ taskId: t.taskId, taskStatus: 'FINISHED' });
    expect(await requestsOf({ taskId: t.taskId, taskStatus: 'FINISHED' })).toEqual({
      outcome: 'ok',
      requests: ['GetItemCommand', 'GetItemCommand', 'UpdateItemCommand'],
    });
  });

  it('conflict and canceled: the two reads only', async () => {
    const done = await seedTask(engine);
    await requestsOf({ taskId: done.taskId, taskStatus: 'FINISHED' });
    expect(await requestsOf({ taskId: done.taskId, taskStatus: 'FAILED' })).toEqual({
      outcome: 'InvalidRequestException',
      requests: ['GetItemCommand', 'GetItemCommand'],
    });
    const canceled = await seedTask(engine, 'canceled');
    expect(await requestsOf({ taskId: canceled.taskId, taskStatus: 'FAILED' })).toEqual({
      outcome: 'ok',
      requests: ['GetItemCommand', 'GetItemCommand'],
    });
  });

  it('lookup errors stop at the read that decides them; invalid requests reach no engine', async () => {
    expect(await requestsOf({ taskId: 'unknown', taskStatus: 'FAILED' })).toEqual({ outcome: 'TaskNotFoundException', requests: ['GetItemCommand'] });
    const missing = await seedTask(engine, 'missing-pipeline');
    expect(await requestsOf({ taskId: missing.taskId, taskStatus: 'FAILED' })).toEqual({
      outcome: 'PipelineNotFoundException',
      requests: ['GetItemCommand', 'GetItemCommand'],
    });
    const deleted = await seedTask(engine, 'deleted-pipeline');
    expect(await requestsOf({ taskId: deleted.taskId, taskStatus: 'FAILED' })).toEqual({
      outcome: 'PipelineDeletedException',
      requests: ['GetItemCommand', 'GetItemCommand'],
    });
    expect(await requestsOf({ taskStatus: 'FAILED' })).toEqual({ outcome: 'InvalidRequestException', requests: [] });
  });
});
