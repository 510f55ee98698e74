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
    // On demand: the pipeline (its definition from the cache: GetPipelineDefinition read this version), the activation,
    // the run summary (no open instance: no parked attempt to put back), then the run: the run summary, the worker
    // group's repair marker armed, the run reserved, a PutItem per instance and per first attempt, the instances opened
    // (the reservation cleared), the marker disarmed.
    expect(await requestsOfOp('ActivatePipeline', { pipelineId: id })).toEqual({
      status: 200,
      requests: ['GetItem', 'UpdateItem', 'GetItem', 'GetItem', 'UpdateItem', 'UpdateItem', 'PutItem', 'PutItem', 'UpdateItem', 'UpdateItem'],
    });
    expect(await requestsOfOp('PutPipelineDefinition', { pipelineId: id, pipelineObjects: ON_DEMAND })).toEqual({
      status: 200,
      requests: ['GetItem', 'BatchWriteItem', 'UpdateItem', 'Query'],
    });
    await op(d, 'PutPipelineDefinition', { pipelineId: id, pipelineObjects: ON_DEMAND });
    expect(await requestsOfOp('PutPipelineDefinition', { pipelineId: id, pipelineObjects: ON_DEMAND })).toEqual({
      status: 200,
      requests: ['GetItem', 'BatchWriteItem', 'UpdateItem', 'Query', 'BatchWriteItem'], // the replaced latest (not active) is collected
    });
    // Components: the pipeline, and the definition (a Query per MB, here from the cache of versions: read just above);
    // for an activity, the run summary (its runtime fields); for Default, nothing more.
    expect(await requestsOfOp('DescribeObjects', { pipelineId: id, objectIds: ['Hello'] })).toEqual({ status: 200, requests: ['GetItem', 'GetItem'] });
    expect(await requestsOfOp('DescribeObjects', { pipelineId: id, objectIds: ['Default'] })).toEqual({ status: 200, requests: ['GetItem'] });
    expect(await requestsOfOp('QueryObjects', { pipelineId: id, sphere: 'COMPONENT' })).toEqual({ status: 200, requests: ['GetItem'] });
    expect(await requestsOfOp('AddTags', { pipelineId: id, tags: [{ key: 'k', value: 'v' }] })).toEqual({ status: 200, requests: ['GetItem', 'UpdateItem'] });
    expect(await requestsOfOp('RemoveTags', { pipelineId: id, tagKeys: ['k'] })).toEqual({ status: 200, requests: ['GetItem', 'UpdateItem'] });
    // The pipeline, the deactivation, then the open instances (the run summary, the instances, their head attempts: by
    // key) to cancel what runs (cancelActive, the default: nothing runs here) and park what waits (one attempt), and
    // the pipeline read again (an activation written meanwhile would have the attempt put back).
    expect(await requestsOfOp('DeactivatePipeline', { pipelineId: id })).toEqual({
      status: 200,
      requests: ['GetItem', 'UpdateItem', 'GetItem', 'BatchGetItem', 'BatchGetItem', 'UpdateItem', 'GetItem'],
    });
    // The definitions, then the run history (here the run's instance and first attempt).
    expect(await requestsOfOp('DeletePipeline', { pipelineId: id })).toEqual({
      status: 200,
      requests: ['GetItem', 'UpdateItem', 'Query', 'BatchWriteItem', 'Query', 'BatchWriteItem'],
    });
    expect(await requestsOfOp('DeletePipeline', { pipelineId: id })).toEqual({ status: 200, requests: ['GetItem', 'Query', 'Query'] });
    expect(await requestsOfOp('DescribePipelines', { pipelineIds: ['df-NONE'] })).toEqual({ status: 400, requests: ['BatchGetItem'] });
  });
});

describe('DynamoDB requests of the run calls (docs/behaviour.md §8)', () => {
  it('PollForTask, ReportTaskProgress, SetTaskStatus of a run task, ReportTaskRunnerHeartbeat, SetStatus', async () => {
    const d = dispatcherFor(engine);
    const id = await createPipeline(d);
    await op(d, 'PutPipelineDefinition', {
      pipelineId: id,
      pipelineObjects: [...ON_DEMAND, object('Next', { type: 'ShellCommandActivity', command: 'x', dependsOn: { ref: 'Hello' } })],
    });
    await op(d, 'ActivatePipeline', { pipelineId: id });
    const counted = async (operation: string, input: Record<string, unknown>) => {
      const client = dynamoDbClient(engine.endpoint);
      const counter = countRequests(client);
      const res = await op(dispatcherFor(engine, { client }), operation, input, undefined, 3000);
      client.destroy();
      return { body: res.body, requests: counter.names.map((c) => c.replace(/Command$/, '')) };
    };
    const poll = await counted('PollForTask', { workerGroup: 'wg' });
    // The ready index, the claim (its answer: the attempt with its instance's settings and period), the pipeline, the
    // instance RUNNING, the task. The definition comes from the cache of versions (ActivatePipeline read this one).
    expect(poll.requests).toEqual(['Query', 'UpdateItem', 'GetItem', 'UpdateItem', 'PutItem']);
    const { taskId } = poll.body.taskObject;
    // The task and its pipeline in one read (the task id carries the pipeline's id), the lease renewed.
    expect((await counted('ReportTaskProgress', { taskId })).requests).toEqual(['BatchGetItem', 'UpdateItem']);
    // SetTaskStatus of a run task: the task and pipeline, the task (the arbiter), the instance FINISHED, the run
    // summary; Next hears of it (its pending set), gets its first attempt (PutItem, UpdateItem); last, the attempt.
    expect((await counted('SetTaskStatus', { taskId, taskStatus: 'FINISHED' })).requests).toEqual([
      'BatchGetItem',
      'UpdateItem',
      'UpdateItem',
      'UpdateItem',
      'UpdateItem',
      'PutItem',
      'UpdateItem',
      'UpdateItem',
    ]);
    // A task with no dependents: poll 5 + progress 2 + finish 5 = 12 requests (issue 17's ceiling).
    const next = await counted('PollForTask', { workerGroup: 'wg' });
    const progress = await counted('ReportTaskProgress', { taskId: next.body.taskObject.taskId });
    const finish = await counted('SetTaskStatus', { taskId: next.body.taskObject.taskId, taskStatus: 'FINISHED' });
    expect([next.requests.length, progress.requests.length, finish.requests.length]).toEqual([5, 2, 5]);
    expect((await counted('ReportTaskRunnerHeartbeat', { taskrunnerId: 'r' })).requests).toEqual(['PutItem']);
    // PAUSE: the pipeline (the definition from the cache), the pause, the run summary (no open instance: nothing to park).
    expect((await counted('SetStatus', { pipelineId: id, objectIds: ['Hello'], status: 'PAUSE' })).requests).toEqual(['GetItem', 'UpdateItem', 'GetItem']);
    const empty = await counted('PollForTask', { workerGroup: 'nobody' });
    expect(empty.body).toEqual({});
    expect(new Set(empty.requests)).toEqual(new Set(['Query'])); // an idle poll: one Query of the index a second
  });
});
