import { call, countRequests, dispatcherFor, seedTask, startTestEngine, TestEngine } from '../support/engine';
import { dynamoDbClient } from '../../local/dynamodb';
import { createPipeline, object, ON_DEMAND, op } from '../support/pipelines';

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

describe('DynamoDB requests of the pipeline calls (docs/behaviour.md §7)', () => {
  const requestsOfOp = async (operation: string, input: Record<string, unknown>) => {
    const client = dynamoDbClient(engine.endpoint);
    const counter = countRequests(client);
    const res = await op(dispatcherFor(engine, { client }), operation, input);
    client.destroy();
    return { status: res.status, requests: counter.names.map((c) => c.replace(/Command$/, '')) };
  };

  it('each call makes the requests the reference lists', async () => {
    const id = await createPipeline(dispatcherFor(engine));
    const d = dispatcherFor(engine);
    expect(await requestsOfOp('CreatePipeline', { name: 'counted', uniqueId: 'c-1' })).toEqual({ status: 200, requests: ['PutItem'] });
    // A repeat: the failed conditional PutItem returns the existing item on DynamoDB and moto; dynalite needs a GetItem.
    const repeat = await requestsOfOp('CreatePipeline', { name: 'counted', uniqueId: 'c-1' });
    expect([['PutItem'], ['PutItem', 'GetItem']]).toContainEqual(repeat.requests);
    expect(await requestsOfOp('DescribePipelines', { pipelineIds: [id] })).toEqual({ status: 200, requests: ['BatchGetItem'] });
    expect(await requestsOfOp('ListPipelines', {})).toEqual({ status: 200, requests: ['Query', 'BatchGetItem'] });
    expect(await requestsOfOp('PutPipelineDefinition', { pipelineId: id, pipelineObjects: ON_DEMAND })).toEqual({
      status: 200,
      requests: ['GetItem', 'BatchWriteItem', 'UpdateItem', 'Query'],
    });
    expect(await requestsOfOp('ValidatePipelineDefinition', { pipelineId: id, pipelineObjects: ON_DEMAND })).toEqual({ status: 200, requests: ['GetItem'] });
    expect(await requestsOfOp('GetPipelineDefinition', { pipelineId: id })).toEqual({ status: 200, requests: ['GetItem', 'Query'] });
    // On demand: the run too, a Query of the pipeline's objects (is a run in progress?), then one PutItem per instance and per first attempt.
    expect(await requestsOfOp('ActivatePipeline', { pipelineId: id })).toEqual({ status: 200, requests: ['GetItem', 'Query', 'UpdateItem', 'Query', 'PutItem', 'PutItem'] });
    expect(await requestsOfOp('PutPipelineDefinition', { pipelineId: id, pipelineObjects: ON_DEMAND })).toEqual({
      status: 200,
      requests: ['GetItem', 'BatchWriteItem', 'UpdateItem', 'Query'],
    });
    await op(d, 'PutPipelineDefinition', { pipelineId: id, pipelineObjects: ON_DEMAND });
    expect(await requestsOfOp('PutPipelineDefinition', { pipelineId: id, pipelineObjects: ON_DEMAND })).toEqual({
      status: 200,
      requests: ['GetItem', 'BatchWriteItem', 'UpdateItem', 'Query', 'BatchWriteItem'], // the replaced latest (not active) is collected
    });
    expect(await requestsOfOp('DescribeObjects', { pipelineId: id, objectIds: ['Hello'] })).toEqual({ status: 200, requests: ['GetItem', 'Query'] });
    expect(await requestsOfOp('QueryObjects', { pipelineId: id, sphere: 'COMPONENT' })).toEqual({ status: 200, requests: ['GetItem', 'Query'] });
    expect(await requestsOfOp('AddTags', { pipelineId: id, tags: [{ key: 'k', value: 'v' }] })).toEqual({ status: 200, requests: ['GetItem', 'UpdateItem'] });
    expect(await requestsOfOp('RemoveTags', { pipelineId: id, tagKeys: ['k'] })).toEqual({ status: 200, requests: ['GetItem', 'UpdateItem'] });
    // cancelActive (the default): and a Query of the run, to cancel what runs (nothing here).
    expect(await requestsOfOp('DeactivatePipeline', { pipelineId: id })).toEqual({ status: 200, requests: ['GetItem', 'UpdateItem', 'Query'] });
    // The definitions, then the run history (here the run's instance and first attempt).
    expect(await requestsOfOp('DeletePipeline', { pipelineId: id })).toEqual({ status: 200, requests: ['GetItem', 'UpdateItem', 'Query', 'BatchWriteItem', 'Query', 'BatchWriteItem'] });
    expect(await requestsOfOp('DeletePipeline', { pipelineId: id })).toEqual({ status: 200, requests: ['GetItem', 'Query', 'Query'] });
    expect(await requestsOfOp('DescribePipelines', { pipelineIds: ['df-NONE'] })).toEqual({ status: 400, requests: ['BatchGetItem'] });
  });
});

describe('DynamoDB requests of the run calls (docs/behaviour.md §8)', () => {
  it('PollForTask, ReportTaskProgress, SetTaskStatus of a run task, ReportTaskRunnerHeartbeat, SetStatus', async () => {
    const d = dispatcherFor(engine);
    const id = await createPipeline(d);
    await op(d, 'PutPipelineDefinition', { pipelineId: id, pipelineObjects: [...ON_DEMAND, object('Next', { type: 'ShellCommandActivity', command: 'x', dependsOn: { ref: 'Hello' } })] });
    await op(d, 'ActivatePipeline', { pipelineId: id });
    const counted = async (operation: string, input: Record<string, unknown>) => {
      const client = dynamoDbClient(engine.endpoint);
      const counter = countRequests(client);
      const res = await op(dispatcherFor(engine, { client }), operation, input, undefined, 3000);
      client.destroy();
      return { body: res.body, requests: counter.names.map((c) => c.replace(/Command$/, '')) };
    };
    const poll = await counted('PollForTask', { workerGroup: 'wg' });
    // The ready index, the pipeline, the attempt, its instance, the definition (the task object is made before the claim),
    // the claim, the pipeline again, the instance, the task.
    expect(poll.requests).toEqual(['Query', 'GetItem', 'GetItem', 'GetItem', 'Query', 'UpdateItem', 'GetItem', 'UpdateItem', 'PutItem']);
    const { taskId } = poll.body.taskObject;
    expect((await counted('ReportTaskProgress', { taskId })).requests).toEqual(['GetItem', 'GetItem', 'GetItem', 'GetItem', 'UpdateItem']);
    // SetTaskStatus of a run task: the four of §3, then the attempt, the run (Query), per change its writes (here
    // the instance FINISHED, and Next's first attempt: PutItem, UpdateItem), and the attempt out of the ready index.
    expect((await counted('SetTaskStatus', { taskId, taskStatus: 'FINISHED' })).requests).toEqual([
      'GetItem', 'GetItem', 'UpdateItem', 'UpdateItem', 'GetItem', 'Query', 'UpdateItem', 'PutItem', 'UpdateItem', 'UpdateItem',
    ]);
    expect((await counted('ReportTaskRunnerHeartbeat', { taskrunnerId: 'r' })).requests).toEqual(['PutItem']);
    expect((await counted('SetStatus', { pipelineId: id, objectIds: ['Hello'], status: 'PAUSE' })).requests).toEqual(['GetItem', 'Query', 'Query', 'UpdateItem']);
    const empty = await counted('PollForTask', { workerGroup: 'nobody' });
    expect(empty.body).toEqual({});
    expect(new Set(empty.requests)).toEqual(new Set(['Query'])); // an idle poll: one Query of the index a second
  });
});
