/** Where the Developer Guide or AWS's own published usage says what happens (issue 18), on a real engine. */
import { dispatcherFor, startTestEngine, TestEngine } from '../support/engine';
import { createPipeline, newCaller, object, op } from '../support/pipelines';

let engine: TestEngine;
beforeAll(async () => {
  engine = await startTestEngine();
});
afterAll(() => engine.close());

const setUp = async () => {
  const caller = newCaller();
  const dispatch = dispatcherFor(engine);
  const call = (operation: string, input: Record<string, unknown>, budgetMs?: number) => op(dispatch, operation, input, caller, budgetMs);
  return { call, pipelineId: await createPipeline(dispatch, caller) };
};

describe('parameters as the AWS CLI puts them (--parameter-values, no parameter objects)', () => {
  const objects = [object('Default', { scheduleType: 'ondemand', workerGroup: 'wg-params' }), object('Copy', { type: 'ShellCommandActivity', command: 'aws s3 cp #{myS3LogsPath} #{myTarget}' })];

  it('values given with the definition: errored false, and the task carries them', async () => {
    const { call, pipelineId } = await setUp();
    const put = await call('PutPipelineDefinition', { pipelineId, pipelineObjects: objects, parameterValues: [{ id: 'myS3LogsPath', stringValue: 's3://logs/' }, { id: 'myTarget', stringValue: '/tmp' }] });
    expect(put.body).toEqual({ errored: false, validationErrors: [], validationWarnings: [] });
    expect((await call('GetPipelineDefinition', { pipelineId })).body.parameterValues).toEqual([{ id: 'myS3LogsPath', stringValue: 's3://logs/' }, { id: 'myTarget', stringValue: '/tmp' }]);
    expect((await call('ActivatePipeline', { pipelineId })).status).toBe(200);
    const task = (await call('PollForTask', { workerGroup: 'wg-params' }, 3000)).body.taskObject;
    expect(task.objects.Copy.fields).toContainEqual({ key: 'command', stringValue: 'aws s3 cp s3://logs/ /tmp' });
  });

  it('without values: saved with a warning; activation names what has no value; activation with the values runs', async () => {
    const { call, pipelineId } = await setUp();
    const put = await call('PutPipelineDefinition', { pipelineId, pipelineObjects: objects });
    expect(put.body.errored).toBe(false);
    expect(put.body.validationWarnings).toEqual([{ id: 'Copy', warnings: [expect.stringMatching(/^UNDECLARED_PARAMETER: field 'command' refers to 'myS3LogsPath'/), expect.stringMatching(/'myTarget'/)] }]);
    const refused = await call('ActivatePipeline', { pipelineId });
    expect(refused.status).toBe(400);
    expect(refused.body.message).toMatch(/refers to 'myS3LogsPath', which has no value/);
    const given = await call('ActivatePipeline', { pipelineId, parameterValues: [{ id: 'myS3LogsPath', stringValue: 's3://x/' }, { id: 'myTarget', stringValue: '.' }] });
    expect(given.status).toBe(200);
    expect((await call('PollForTask', { workerGroup: 'wg-params' }, 3000)).body.taskObject.objects.Copy.fields).toContainEqual({ key: 'command', stringValue: 'aws s3 cp s3://x/ .' });
  });
});
