/**
 * Property: no body, however random or malformed, gets a 5xx, a crash or an undocumented __type.
 * Runs against the real engine with seeded tasks, so valid-looking calls reach every state rule.
 */
import fc from 'fast-check';
import { dispatcherFor, seedTask, startTestEngine, TARGET, TestEngine } from '../support/engine';
import type { Dispatch } from '../../lambda/dispatch';
import type { SeededTask } from '../../tools/seeding';
import { createPipeline, newCaller, ON_DEMAND, op } from '../support/pipelines';

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
const taskIdValue = fc.oneof(
  member,
  fc.integer({ min: 0, max: 4 }).map((i) => tasks[i].taskId),
);
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
const headers = fc.oneof(fc.constant(TARGET), fc.record({ 'x-amz-target': fc.oneof(anyText, fc.constant('DataPipeline.NoSuchOperation')) }), fc.constant({}));

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

describe('random requests to the pipeline calls', () => {
  const OPERATIONS = [
    'CreatePipeline',
    'DescribePipelines',
    'ListPipelines',
    'DeletePipeline',
    'PutPipelineDefinition',
    'GetPipelineDefinition',
    'ValidatePipelineDefinition',
    'ActivatePipeline',
    'DeactivatePipeline',
    'AddTags',
    'RemoveTags',
    'DescribeObjects',
    'QueryObjects',
  ];
  let pipelineIds: string[] = [];
  beforeAll(async () => {
    const d = dispatcherFor(engine);
    const mine = await createPipeline(d);
    const deleted = await createPipeline(d);
    await op(d, 'DeletePipeline', { pipelineId: deleted });
    const foreign = await createPipeline(d, newCaller());
    await op(d, 'PutPipelineDefinition', { pipelineId: mine, pipelineObjects: ON_DEMAND });
    pipelineIds = [mine, deleted, foreign];
  });

  const key = fc.oneof(
    fc.constantFrom(
      'type',
      'parent',
      'schedule',
      'period',
      'startDateTime',
      'command',
      'workerGroup',
      'runsOn',
      'constructor',
      '__proto__',
      'myX',
      'dependsOn',
    ),
    anyText,
  );
  const value = fc.oneof(
    fc.constantFrom('é'.repeat(1024), '€'.repeat(700), 'x'.repeat(1024)), // ids at the model's bound, some past DynamoDB's key bytes
    fc.constantFrom(
      'ShellCommandActivity',
      'Schedule',
      'constructor',
      'toString',
      '#{myX}',
      '#{',
      '1 Day',
      '5 minutes',
      'Default',
      'Hello',
      'cron',
      '2012-12-12T00:00:00',
    ),
    anyText,
  );
  const field = fc.record({ key, stringValue: value, refValue: value }, { requiredKeys: ['key'] });
  const pipelineObject = fc.record({ id: value, name: value, fields: fc.array(field, { maxLength: 8 }) }, { requiredKeys: [] });
  const anyMember = fc.oneof(member, fc.array(member, { maxLength: 3 }));
  const input = fc.record(
    {
      pipelineId: fc.oneof(
        fc.integer({ min: 0, max: 2 }).map((i) => pipelineIds[i]),
        member,
        value,
      ),
      pipelineIds: fc.oneof(
        fc.array(
          fc.oneof(
            fc.integer({ min: 0, max: 2 }).map((i) => pipelineIds[i]),
            value,
          ),
          { maxLength: 4 },
        ),
        anyMember,
      ),
      name: member,
      uniqueId: member,
      description: member,
      tags: fc.oneof(fc.array(fc.record({ key: value, value }, { requiredKeys: [] }), { maxLength: 12 }), anyMember),
      tagKeys: fc.oneof(fc.array(value, { maxLength: 3 }), anyMember),
      pipelineObjects: fc.oneof(fc.array(pipelineObject, { maxLength: 6 }), anyMember),
      parameterObjects: fc.oneof(
        fc.array(fc.record({ id: value, attributes: fc.array(fc.record({ key: value, stringValue: value })) }), { maxLength: 3 }),
        anyMember,
      ),
      parameterValues: fc.oneof(fc.array(fc.record({ id: value, stringValue: value }), { maxLength: 3 }), anyMember),
      version: fc.oneof(fc.constantFrom('latest', 'active'), member),
      objectIds: fc.oneof(fc.array(value, { maxLength: 5 }), anyMember),
      sphere: fc.oneof(fc.constantFrom('COMPONENT', 'INSTANCE', 'ATTEMPT'), member),
      query: fc.oneof(
        fc.record({
          selectors: fc.array(fc.record({ fieldName: value, operator: fc.record({ type: value, values: fc.array(value) }) }, { requiredKeys: [] })),
        }),
        member,
      ),
      marker: member,
      limit: fc.oneof(fc.integer(), member),
      startTimestamp: fc.oneof(fc.double(), member),
      cancelActive: fc.oneof(fc.boolean(), member),
    },
    { requiredKeys: [] },
  );

  it('never get a 5xx or an undocumented __type', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...OPERATIONS), input, async (operation, i) => {
        const res = await dispatch({ headers: { 'x-amz-target': `DataPipeline.${operation}` }, body: JSON.stringify(i) }, 'fuzz');
        if (res.statusCode === 200) {
          expect(typeof JSON.parse(res.body)).toBe('object');
          return;
        }
        expect([operation, res.statusCode, res.body.slice(0, 300)]).toEqual([operation, 400, expect.any(String)]);
        expect(DOCUMENTED.has(JSON.parse(res.body).__type)).toBe(true);
      }),
      { numRuns: 2000 },
    );
  }, 120_000);
});
