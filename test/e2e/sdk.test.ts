/** The real @aws-sdk/client-data-pipeline against the local endpoint over HTTP. */
import {
  InvalidRequestException,
  PipelineDeletedException,
  PipelineNotFoundException,
  SetTaskStatusCommand,
  TaskNotFoundException,
} from '@aws-sdk/client-data-pipeline';
import { RunningEndpoint, startEndpoint } from '../support/local-endpoint';

let endpoint: RunningEndpoint;
beforeAll(async () => {
  endpoint = await startEndpoint();
});
afterAll(() => endpoint.close());

const setStatus = (taskId: string, taskStatus: string, extra: Record<string, string> = {}) =>
  endpoint.sdk.send(new SetTaskStatusCommand({ taskId, taskStatus: taskStatus as 'FINISHED', ...extra }));

/** The rejection of a call, for asserting its class and metadata. */
const rejectionOf = async (p: Promise<unknown>) => {
  try {
    await p;
  } catch (err) {
    return err as Error & { $metadata: { httpStatusCode?: number; requestId?: string }; $fault: string };
  }
  throw new Error('the call succeeded');
};

describe('SetTaskStatus through the JS SDK v3', () => {
  it('succeeds with an empty output, status 200 and a request id', async () => {
    const [task] = await endpoint.seed({ pipelines: 1 });
    const out = await setStatus(task.taskId, 'FINISHED');
    expect(out.$metadata.httpStatusCode).toBe(200);
    expect(out.$metadata.requestId).toMatch(/^[0-9a-f-]{36}$/);
    const { $metadata, ...rest } = out;
    expect(rest).toEqual({});
  });

  it('gives every call its own request id', async () => {
    const tasks = await endpoint.seed({ pipelines: 1, tasksPerPipeline: 3 });
    const ids = await Promise.all(tasks.map(async (t) => (await setStatus(t.taskId, 'FAILED', { errorMessage: 'x' })).$metadata.requestId));
    expect(new Set(ids).size).toBe(3);
  });

  it('raises TaskNotFoundException as its typed class, with the request id', async () => {
    const err = await rejectionOf(setStatus('no-such-task', 'FINISHED'));
    expect(err).toBeInstanceOf(TaskNotFoundException);
    expect(err.$fault).toBe('client');
    expect(err.$metadata.httpStatusCode).toBe(400);
    expect(err.$metadata.requestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(err.message).toBe('The specified task was not found.');
  });

  it('raises PipelineNotFoundException and PipelineDeletedException as their typed classes', async () => {
    const [missing] = await endpoint.seed({ missingPipelines: 1 });
    const [deleted] = await endpoint.seed({ deletedPipelines: 1 });
    expect(await rejectionOf(setStatus(missing.taskId, 'FINISHED'))).toBeInstanceOf(PipelineNotFoundException);
    expect(await rejectionOf(setStatus(deleted.taskId, 'FINISHED'))).toBeInstanceOf(PipelineDeletedException);
  });

  it('raises InvalidRequestException for a bad member (the SDK does not validate) and for a conflicting status', async () => {
    const bad = await rejectionOf(setStatus('t', 'DONE'));
    expect(bad).toBeInstanceOf(InvalidRequestException);
    expect(bad.message).toContain("Value 'DONE' at 'taskStatus' failed to satisfy constraint");

    const [task] = await endpoint.seed({ pipelines: 1 });
    await setStatus(task.taskId, 'FINISHED');
    const conflict = await rejectionOf(setStatus(task.taskId, 'FAILED'));
    expect(conflict).toBeInstanceOf(InvalidRequestException);
    expect(conflict.message).toContain('FINISHED');
  });

  it('accepts a repeat and a canceled task with 200', async () => {
    const [task] = await endpoint.seed({ pipelines: 1 });
    await setStatus(task.taskId, 'FALSE');
    expect((await setStatus(task.taskId, 'FALSE')).$metadata.httpStatusCode).toBe(200);
    const [canceled] = await endpoint.seed({ canceledTasks: 1 });
    expect((await setStatus(canceled.taskId, 'FINISHED')).$metadata.httpStatusCode).toBe(200);
  });
});
