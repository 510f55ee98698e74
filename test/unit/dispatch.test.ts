/**
 * Error mapping before any state is touched. The store here refuses every call: none of these requests
 * may reach persistence.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { createDispatcher } from '../../lambda/dispatch';
import type { PipelineStore } from '../../lambda/store/pipeline-store';
import type { RunStore } from '../../lambda/store/run-store';
import type { TaskStore } from '../../lambda/store/task-store';

/** A store of which every method rejects: nothing may reach persistence. */
const untouchableStore = <T extends object>() => new Proxy({} as T, { get: () => () => Promise.reject(new Error('store must not be called')) });
const untouchable = untouchableStore<TaskStore>();
const untouchablePipelines = untouchableStore<PipelineStore>();
const dispatch = createDispatcher({
  stores: () => ({ tasks: untouchable, pipelines: untouchablePipelines, runs: untouchableStore<RunStore>() }),
  limits: { relaxed: false },
  now: () => new Date(),
  logger: new Logger({ logLevel: 'SILENT' }),
});
const target = (op: string) => ({ 'x-amz-target': `DataPipeline.${op}` });

const send = async (headers: Record<string, string>, body: string) => {
  const res = await dispatch({ headers, body }, 'rid-1');
  return { status: res.statusCode, type: res.headers['x-amzn-ErrorType'], body: JSON.parse(res.body), requestId: res.headers['x-amzn-RequestId'] };
};

describe('dispatch', () => {
  it('answers a missing X-Amz-Target with UnknownOperationException', async () => {
    expect(await send({}, '{}')).toEqual({
      status: 400,
      type: 'UnknownOperationException',
      body: { __type: 'UnknownOperationException', message: 'Missing X-Amz-Target header.' },
      requestId: 'rid-1',
    });
  });
  it('answers other operations with UnknownOperationException', async () => {
    expect((await send(target('NoSuchOperation'), '{}')).type).toBe('UnknownOperationException');
  });
  it('answers a malformed body with SerializationException before validating', async () => {
    expect(await send(target('SetTaskStatus'), '{"taskStatus": 1')).toMatchObject({ status: 400, type: 'SerializationException' });
  });
  it('answers invalid members with InvalidRequestException', async () => {
    const res = await send(target('SetTaskStatus'), '{"taskId":"t"}');
    expect(res).toMatchObject({ status: 400, type: 'InvalidRequestException' });
    expect(res.body.message).toBe("1 validation error detected: Value null at 'taskStatus' failed to satisfy constraint: Member must not be null");
  });
  it('turns an unexpected failure into a generic 500 InternalServiceError', async () => {
    const res = await send(target('SetTaskStatus'), '{"taskId":"t","taskStatus":"FAILED"}');
    expect(res).toMatchObject({ status: 500, type: 'InternalServiceError', requestId: 'rid-1' });
    expect(res.body.message).not.toContain('store must not be called');
  });
});
