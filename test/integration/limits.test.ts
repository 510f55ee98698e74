/**
 * docs/behaviour.md's Limits on a real engine: what a call answers past each bound, and that the work it does
 * and the answer it gives stay bounded (answers paged, fields that cannot be evaluated handed out as written).
 */
import { dispatcherFor, startTestEngine, TestEngine } from '../support/engine';
import { createPipeline, newCaller, object, op } from '../support/pipelines';
import { DESCRIBE_PAGE_BYTES } from '../../lambda/operations/describe-objects';
import { MAX_REPORTED_FIELDS_BYTES } from '../../lambda/operations/report-task-progress';
import { MAX_ANSWER_PAYLOAD_BYTES, encodeResult } from '../../lambda/protocol/aws-json';

let engine: TestEngine;
beforeAll(async () => {
  engine = await startTestEngine();
});
afterAll(() => engine.close());

const setUp = async (objects: ReturnType<typeof object>[], relaxed = true, parameterValues: { id: string; stringValue: string }[] = []) => {
  const caller = newCaller();
  const dispatch = dispatcherFor(engine, { limits: { relaxed } });
  const call = (operation: string, input: Record<string, unknown>, budgetMs?: number) => op(dispatch, operation, input, caller, budgetMs);
  const pipelineId = await createPipeline(dispatch, caller);
  const parameterObjects = [...new Set(parameterValues.map((v) => v.id))].map((id) => ({ id, attributes: [{ key: 'type', stringValue: 'String' }] }));
  const put = await call('PutPipelineDefinition', { pipelineId, pipelineObjects: objects, parameterObjects, parameterValues });
  return { call, pipelineId, put };
};

describe('PollForTask hands out a task whose fields cannot be evaluated, with those fields as written', () => {
  // A parameter value's own expressions are evaluated where it is used, not parsed when it is put.
  it.each([
    ['a parameter value of 5,000 nested parentheses', '#{myP}', `#{${'('.repeat(5_000)}1${')'.repeat(5_000)}}`],
    ['a parameter value of 10,236 minus signs', '#{myP}', `#{${'-'.repeat(10_236)}1}`],
    ['a date past year 9999', '#{plusYears(@scheduledStartTime, 999999999)}', 'unused'],
  ])('%s: the field as written, the attempt held by the runner that got it', async (_, field, parameter) => {
    const { call, pipelineId, put } = await setUp(
      [object('Default', { scheduleType: 'ondemand', workerGroup: 'wg-eval' }), object('A', { type: 'ShellCommandActivity', command: 'echo', myOdd: field })],
      true,
      [{ id: 'myP', stringValue: parameter }],
    );
    expect(put.body.errored).toBe(false);
    expect((await call('ActivatePipeline', { pipelineId })).status).toBe(200);
    const poll = await call('PollForTask', { workerGroup: 'wg-eval' }, 4000);
    expect(poll.status).toBe(200);
    const task = poll.body.taskObject;
    expect(task.objects.A.fields).toContainEqual({ key: 'myOdd', stringValue: field });
    // The runner holds it: its progress report renews the lease (it was not left claimed by nobody).
    expect((await call('ReportTaskProgress', { taskId: task.taskId })).body).toEqual({ canceled: false });
  });
});

describe('DescribeObjects pages by answer size', () => {
  it(`stops before ${DESCRIBE_PAGE_BYTES} bytes of objects with hasMoreResults and a marker, and the pages together are every object asked`, async () => {
    // 100 components of about 61 KB each (one field of 10 KB, six times): 6 MB in one answer would be over Lambda's payload.
    const big = 'x'.repeat(10_000);
    const objects = Array.from({ length: 100 }, (_, i) => object(`C${i}`, { type: 'S3DataNode', a: big, b: big, c: big, d: big, e: big, f: big }));
    const { call, pipelineId, put } = await setUp(objects);
    expect(put.status).toBe(200);
    const ids = objects.map((o) => o.id);
    const seen: string[] = [];
    let marker: string | undefined;
    let pages = 0;
    do {
      const answer = await call('DescribeObjects', { pipelineId, objectIds: ids, ...(marker && { marker }) });
      expect(answer.status).toBe(200);
      expect(Buffer.byteLength(JSON.stringify(answer.body))).toBeLessThanOrEqual(DESCRIBE_PAGE_BYTES + 64 * 1024);
      seen.push(...answer.body.pipelineObjects.map((o: { id: string }) => o.id));
      expect(Boolean(answer.body.marker)).toBe(answer.body.hasMoreResults);
      marker = answer.body.marker;
      pages++;
    } while (marker);
    expect(pages).toBe(2);
    expect(seen).toEqual(ids);
    expect((await call('DescribeObjects', { pipelineId, objectIds: ids, marker: 'not-ours' })).body.__type).toBe('InvalidRequestException');
  });
});

describe('QueryObjects pages at most 1,000 ids whatever limit asks', () => {
  it('a limit of 2^31-1 gets every component of a definition (100) on one page; a limit of 0 is refused', async () => {
    const { call, pipelineId } = await setUp(Array.from({ length: 100 }, (_, i) => object(`C${i}`, { type: 'S3DataNode' })));
    const all = await call('QueryObjects', { pipelineId, sphere: 'COMPONENT', limit: 2 ** 31 - 1 });
    expect(all.body.ids).toHaveLength(100);
    expect(all.body.hasMoreResults).toBe(false);
    expect((await call('QueryObjects', { pipelineId, sphere: 'COMPONENT', limit: 0 })).body.__type).toBe('InvalidRequestException');
  });
});

describe('ReportTaskProgress keeps reported fields within an item', () => {
  it(`fields over ${MAX_REPORTED_FIELDS_BYTES} bytes are refused before anything is read`, async () => {
    const caller = newCaller();
    const dispatch = dispatcherFor(engine);
    const fields = Array.from({ length: 20 }, (_, i) => ({ key: `k${i}`, stringValue: 'v'.repeat(10_000) }));
    const answer = await op(dispatch, 'ReportTaskProgress', { taskId: 'no-such-task', fields }, caller);
    expect(answer.body.__type).toBe('InvalidRequestException');
    expect(answer.body.message).toMatch(/fields take \d+ bytes as JSON; an attempt keeps at most 98304/);
  });
});

describe('the last guard on an answer', () => {
  it("an answer over Lambda's payload is a 400 naming the bound, never a body Lambda cannot return", () => {
    const small = encodeResult({ ids: ['a'] }, 'r1');
    expect(small.statusCode).toBe(200);
    // Quotes count twice inside API Gateway's proxy result: 1.6 million short strings are 6.4 MB there, 4.8 MB of JSON.
    const quoted = encodeResult({ ids: Array(1_600_000).fill('') }, 'r2');
    expect(quoted.statusCode).toBe(400);
    expect(JSON.parse(quoted.body)).toEqual({
      __type: 'InvalidRequestException',
      message: expect.stringContaining(`more than the ${MAX_ANSWER_PAYLOAD_BYTES} an answer may carry`),
    });
  });
});
