/**
 * Property: no body, however random or malformed, gets a 5xx, a crash or an undocumented __type.
 * Runs against the real engine with seeded tasks, so valid-looking calls reach every state rule.
 */
import fc from 'fast-check';
import { dispatcherFor, seedTask, startTestEngine, TARGET, TestEngine } from '../support/engine';
import type { Dispatch } from '../../lambda/dispatch';
import type { SeededTask } from '../../tools/seeding';

const DOCUMENTED = new Set([
  'InvalidRequestException',
  'TaskNotFoundException',
  'PipelineNotFoundException',
  'PipelineDeletedException',
  'SerializationException',
  'UnknownOperationException',
]);

let engine: TestEngine;
let dispatch: Dispatch;
let tasks: SeededTask[];
beforeAll(async () => {
  engine = await startTestEngine();
  dispatch = dispatcherFor(engine);
  tasks = await Promise.all([
    seedTask(engine),
    seedTask(engine),
    seedTask(engine, 'canceled'),
    seedTask(engine, 'deleted-pipeline'),
    seedTask(engine, 'missing-pipeline'),
  ]);
});
afterAll(() => engine.close());

const anyText = fc.oneof(
  fc.string(),
  fc.string({ unit: 'binary' }),
  fc.string({ unit: fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c)) }), // lone surrogates too
  fc.constantFrom('', 'FINISHED', 'FAILED', 'FALSE', 'finished', 'Service_x', 'RUNNING'),
);
const member = fc.oneof(anyText, fc.jsonValue());
const taskIdValue = fc.oneof(member, fc.integer({ min: 0, max: 4 }).map((i) => tasks[i].taskId));
const inputObject = fc.record(
  {
    taskId: taskIdValue,
    taskStatus: fc.oneof(fc.constantFrom('FINISHED', 'FAILED', 'FALSE'), member),
    errorId: member,
    errorMessage: member,
    errorStackTrace: member,
    extra: fc.jsonValue(),
  },
  { requiredKeys: [] },
);
const body = fc.oneof(
  inputObject.map((o) => JSON.stringify(o)),
  fc.jsonValue().map((v) => JSON.stringify(v) ?? ''),
  fc.string({ unit: 'binary' }),
  inputObject.map((o) => JSON.stringify(o).slice(0, -1)), // truncated JSON
);
const headers = fc.oneof(
  fc.constant(TARGET),
  fc.record({ 'x-amz-target': fc.oneof(anyText, fc.constant('DataPipeline.PollForTask')) }),
  fc.constant({}),
);

describe('random and malformed requests', () => {
  it('never get a 5xx or an undocumented __type, and always carry a request id', async () => {
    await fc.assert(
      fc.asyncProperty(headers, body, async (h, b) => {
        const res = await dispatch({ headers: h, body: b }, 'fuzz');
        expect(res.headers['x-amzn-RequestId']).toBe('fuzz');
        if (res.statusCode === 200) {
          expect(res.body).toBe('{}');
          return;
        }
        expect(res.statusCode).toBe(400);
        const parsed = JSON.parse(res.body);
        expect(DOCUMENTED.has(parsed.__type)).toBe(true);
        expect(typeof parsed.message).toBe('string');
        expect(res.headers['x-amzn-ErrorType']).toBe(parsed.__type);
      }),
      { numRuns: 3000 },
    );
  });
});
