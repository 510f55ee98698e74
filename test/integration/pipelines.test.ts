/** The pipeline lifecycle calls against a real engine: every rule of docs/behaviour.md §7. */
import { dispatcherFor, startTestEngine, TEST_CALLER, TestEngine } from '../support/engine';
import { createPipeline, newCaller, object, ON_DEMAND, op } from '../support/pipelines';
import type { Dispatch } from '../../lambda/dispatch';

let engine: TestEngine;
let dispatch: Dispatch;
const NOW = new Date('2026-11-29T10:00:00.000Z');

beforeAll(async () => {
  engine = await startTestEngine();
  dispatch = dispatcherFor(engine, { now: () => NOW });
});
afterAll(() => engine.close());

/** Every call that names one pipeline, but DeletePipeline, with a valid input. */
const callsNaming = (id: string) =>
  [
    ['DescribePipelines', { pipelineIds: [id] }],
    ['PutPipelineDefinition', { pipelineId: id, pipelineObjects: ON_DEMAND }],
    ['GetPipelineDefinition', { pipelineId: id }],
    ['ValidatePipelineDefinition', { pipelineId: id, pipelineObjects: ON_DEMAND }],
    ['ActivatePipeline', { pipelineId: id }],
    ['DeactivatePipeline', { pipelineId: id }],
    ['AddTags', { pipelineId: id, tags: [{ key: 'k', value: 'v' }] }],
    ['RemoveTags', { pipelineId: id, tagKeys: ['k'] }],
    ['DescribeObjects', { pipelineId: id, objectIds: ['Hello'] }],
    ['QueryObjects', { pipelineId: id, sphere: 'COMPONENT' }],
  ] as const;

const fieldsOf = (description: { fields: { key: string; stringValue: string }[] }) => Object.fromEntries(description.fields.map((f) => [f.key, f.stringValue]));

describe('CreatePipeline', () => {
  it("answers an id shaped like AWS's, and DescribePipelines shows the pipeline PENDING with the documented fields", async () => {
    const caller = newCaller();
    const created = await op(
      dispatch,
      'CreatePipeline',
      { name: 'my pipeline', uniqueId: 'token-1', description: 'd', tags: [{ key: 'team', value: 'x' }] },
      caller,
    );
    expect(created).toEqual({ status: 200, body: { pipelineId: expect.stringMatching(/^df-[A-Z0-9]{20}$/) } });
    const { pipelineId } = created.body;
    const described = await op(dispatch, 'DescribePipelines', { pipelineIds: [pipelineId] }, caller);
    expect(described.status).toBe(200);
    const [d] = described.body.pipelineDescriptionList;
    expect(d).toMatchObject({ pipelineId, name: 'my pipeline', description: 'd', tags: [{ key: 'team', value: 'x' }] });
    expect(d.fields.map((f: { key: string }) => f.key)).toEqual([
      '@pipelineState',
      'description',
      'name',
      '@creationTime',
      '@id',
      'pipelineCreator',
      '@sphere',
      '@userId',
      '@accountId',
      'uniqueId',
    ]);
    expect(fieldsOf(d)).toEqual({
      '@pipelineState': 'PENDING',
      description: 'd',
      name: 'my pipeline',
      '@creationTime': '2026-11-29T10:00:00',
      '@id': pipelineId,
      pipelineCreator: caller.userId,
      '@sphere': 'PIPELINE',
      '@userId': caller.userId,
      '@accountId': caller.accountId,
      uniqueId: 'token-1',
    });
  });

  it('is idempotent on name + uniqueId: 20 concurrent identical calls give one pipeline, one id for all', async () => {
    const caller = newCaller();
    const results = await Promise.all(Array.from({ length: 20 }, () => op(dispatch, 'CreatePipeline', { name: 'same', uniqueId: 'u-1' }, caller)));
    const ids = new Set(results.map((r) => r.body.pipelineId));
    expect(results.every((r) => r.status === 200)).toBe(true);
    expect(ids.size).toBe(1);
    const listed = await op(dispatch, 'ListPipelines', {}, caller);
    expect(listed.body.pipelineIdList).toEqual([{ id: [...ids][0], name: 'same' }]);
  });

  it('makes another pipeline for the same uniqueId with another name, and for the same pair in another account', async () => {
    const caller = newCaller();
    const a = await op(dispatch, 'CreatePipeline', { name: 'a', uniqueId: 'shared' }, caller);
    const b = await op(dispatch, 'CreatePipeline', { name: 'b', uniqueId: 'shared' }, caller);
    const c = await op(dispatch, 'CreatePipeline', { name: 'a', uniqueId: 'shared' }, newCaller());
    expect(new Set([a.body.pipelineId, b.body.pipelineId, c.body.pipelineId]).size).toBe(3);
  });

  it('makes a new pipeline for the name + uniqueId of a deleted one; the deleted one stays deleted', async () => {
    const caller = newCaller();
    const first = (await op(dispatch, 'CreatePipeline', { name: 'n', uniqueId: 'again' }, caller)).body.pipelineId;
    expect((await op(dispatch, 'DeletePipeline', { pipelineId: first }, caller)).status).toBe(200);
    const second = (await op(dispatch, 'CreatePipeline', { name: 'n', uniqueId: 'again' }, caller)).body.pipelineId;
    expect(second).not.toBe(first);
    expect((await op(dispatch, 'CreatePipeline', { name: 'n', uniqueId: 'again' }, caller)).body.pipelineId).toBe(second);
    expect((await op(dispatch, 'DescribePipelines', { pipelineIds: [first] }, caller)).body.__type).toBe('PipelineDeletedException');
  });

  it.each([
    [
      { name: 'x', uniqueId: 'u', tags: [{ key: 'aws:owner', value: 'v' }] },
      "Tag key 'aws:owner' is not allowed: keys starting with 'aws:' are reserved for AWS.",
    ],
    [{ name: 'x', uniqueId: 'u', tags: [{ key: 'AWS:x', value: 'v' }] }, "Tag key 'AWS:x' is not allowed: keys starting with 'aws:' are reserved for AWS."],
    [{ uniqueId: 'u' }, "1 validation error detected: Value null at 'name' failed to satisfy constraint: Member must not be null"],
    [
      { name: '', uniqueId: 'u' },
      "1 validation error detected: Value at 'name' failed to satisfy constraint: Member must have length greater than or equal to 1",
    ],
    [
      { name: 'x', uniqueId: 'u', tags: Array.from({ length: 11 }, (_, i) => ({ key: `k${i}`, value: '' })) },
      "1 validation error detected: Value at 'tags' failed to satisfy constraint: Member must have length less than or equal to 10",
    ],
    [
      { name: 'x', uniqueId: 'u', tags: [{ key: 'k'.repeat(129), value: '' }] },
      "1 validation error detected: Value at 'tags.1.member.key' failed to satisfy constraint: Member must have length less than or equal to 128",
    ],
  ])('refuses %j with InvalidRequestException', async (input, message) => {
    expect(await op(dispatch, 'CreatePipeline', input)).toEqual({ status: 400, body: { __type: 'InvalidRequestException', message } });
  });
});

describe('accounts', () => {
  it("never see, list, change, activate or delete each other's pipelines: another account's pipeline is PipelineNotFoundException", async () => {
    const owner = newCaller();
    const other = newCaller();
    const id = await createPipeline(dispatch, owner);
    const notFound = { status: 400, body: { __type: 'PipelineNotFoundException', message: `Pipeline ${id} was not found.` } };
    expect((await op(dispatch, 'ListPipelines', {}, other)).body.pipelineIdList).toEqual([]);
    for (const [operation, input] of [...callsNaming(id), ['DeletePipeline', { pipelineId: id }] as const]) {
      expect([operation, await op(dispatch, operation, input, other)]).toEqual([operation, notFound]);
    }
    const still = await op(dispatch, 'DescribePipelines', { pipelineIds: [id] }, owner);
    expect(fieldsOf(still.body.pipelineDescriptionList[0])['@pipelineState']).toBe('PENDING');
    expect(still.body.pipelineDescriptionList[0].tags).toEqual([]);
  });
});

describe('DescribePipelines', () => {
  it('describes up to 25 in the order asked (a repeated id once), refuses 26, and names the first missing or deleted id', async () => {
    const caller = newCaller();
    const ids = await Promise.all(Array.from({ length: 25 }, (_, i) => createPipeline(dispatch, caller, `p${i}`)));
    const asked = [...ids].reverse();
    const res = await op(dispatch, 'DescribePipelines', { pipelineIds: [...asked, asked[0]] }, caller);
    expect(res.status).toBe(400); // 26 ids
    const ok = await op(dispatch, 'DescribePipelines', { pipelineIds: asked }, caller);
    expect(ok.body.pipelineDescriptionList.map((d: { pipelineId: string }) => d.pipelineId)).toEqual(asked);
    expect((await op(dispatch, 'DescribePipelines', { pipelineIds: [ids[0], ids[0]] }, caller)).body.pipelineDescriptionList).toHaveLength(1);
    expect((await op(dispatch, 'DescribePipelines', { pipelineIds: [ids[0], 'df-NOSUCHPIPELINE0000'] }, caller)).body).toEqual({
      __type: 'PipelineNotFoundException',
      message: 'Pipeline df-NOSUCHPIPELINE0000 was not found.',
    });
    expect((await op(dispatch, 'DescribePipelines', { pipelineIds: [] }, caller)).body).toEqual({ pipelineDescriptionList: [] });
  });
});

describe('ListPipelines', () => {
  it('pages 120 pipelines 50 at a time, and paging while others are created and deleted never repeats or skips one that existed throughout', async () => {
    const caller = newCaller();
    const stable = await Promise.all(Array.from({ length: 120 }, (_, i) => createPipeline(dispatch, caller, `stable-${i}`)));
    const doomed = await Promise.all(Array.from({ length: 30 }, (_, i) => createPipeline(dispatch, caller, `doomed-${i}`)));
    const seen: string[] = [];
    const sizes: number[] = [];
    let marker: string | undefined;
    let page = 0;
    do {
      const res = await op(dispatch, 'ListPipelines', marker ? { marker } : {}, caller);
      expect(res.status).toBe(200);
      sizes.push(res.body.pipelineIdList.length);
      seen.push(...res.body.pipelineIdList.map((p: { id: string }) => p.id));
      expect(res.body.hasMoreResults).toBe(res.body.marker !== undefined);
      marker = res.body.marker;
      // Churn between pages: delete some, create some.
      await Promise.all(doomed.splice(0, 10).map((pipelineId) => op(dispatch, 'DeletePipeline', { pipelineId }, caller)));
      await createPipeline(dispatch, caller, `late-${page++}`);
    } while (marker);
    expect(sizes[0]).toBe(50);
    expect(new Set(seen).size).toBe(seen.length);
    for (const id of stable) expect(seen).toContain(id);
  });

  it('lists a deleted pipeline no more, at once', async () => {
    const caller = newCaller();
    const id = await createPipeline(dispatch, caller, 'gone');
    await op(dispatch, 'DeletePipeline', { pipelineId: id }, caller);
    expect((await op(dispatch, 'ListPipelines', {}, caller)).body).toEqual({ pipelineIdList: [], hasMoreResults: false });
  });

  it('refuses a marker it did not make', async () => {
    const res = await op(dispatch, 'ListPipelines', { marker: 'not-a-marker' });
    expect(res).toEqual({
      status: 400,
      body: { __type: 'InvalidRequestException', message: 'The marker is not valid: pass the marker of a previous answer unchanged.' },
    });
  });
});

describe('DeletePipeline', () => {
  it('answers 200, again on a repeat, and every later call naming the pipeline gets PipelineDeletedException', async () => {
    const id = await createPipeline(dispatch);
    await op(dispatch, 'PutPipelineDefinition', { pipelineId: id, pipelineObjects: ON_DEMAND });
    expect(await op(dispatch, 'DeletePipeline', { pipelineId: id })).toEqual({ status: 200, body: {} });
    expect(await op(dispatch, 'DeletePipeline', { pipelineId: id })).toEqual({ status: 200, body: {} });
    const deleted = { status: 400, body: { __type: 'PipelineDeletedException', message: `Pipeline ${id} has been deleted.` } };
    for (const [operation, input] of callsNaming(id)) {
      expect([operation, await op(dispatch, operation, input)]).toEqual([operation, deleted]);
    }
  });

  it('answers PipelineNotFoundException for a pipeline that never existed (the only error the model lists for it)', async () => {
    expect((await op(dispatch, 'DeletePipeline', { pipelineId: 'df-NEVER' })).body.__type).toBe('PipelineNotFoundException');
  });
});

describe('definitions', () => {
  it('come back exactly as put, objects and fields in the order put; latest is the last put, active the last activated', async () => {
    const id = await createPipeline(dispatch);
    const first = {
      pipelineObjects: ON_DEMAND,
      parameterObjects: [
        {
          id: 'myName',
          attributes: [
            { key: 'type', stringValue: 'String' },
            { key: 'default', stringValue: 'x' },
          ],
        },
      ],
      parameterValues: [{ id: 'myName', stringValue: 'y' }],
    };
    const put = await op(dispatch, 'PutPipelineDefinition', { pipelineId: id, ...first });
    expect(put).toEqual({ status: 200, body: { validationErrors: [], validationWarnings: [], errored: false } });
    expect((await op(dispatch, 'GetPipelineDefinition', { pipelineId: id })).body).toEqual(first);
    expect((await op(dispatch, 'GetPipelineDefinition', { pipelineId: id, version: 'active' })).body).toEqual({
      pipelineObjects: [],
      parameterObjects: [],
      parameterValues: [],
    });
    expect((await op(dispatch, 'ActivatePipeline', { pipelineId: id })).status).toBe(200);
    const second = { pipelineObjects: [...ON_DEMAND, object('Bye', { type: 'ShellCommandActivity', command: 'echo bye', dependsOn: { ref: 'Hello' } })] };
    await op(dispatch, 'PutPipelineDefinition', { pipelineId: id, ...second });
    expect((await op(dispatch, 'GetPipelineDefinition', { pipelineId: id, version: 'latest' })).body).toEqual({
      ...second,
      parameterObjects: [],
      parameterValues: [],
    });
    expect((await op(dispatch, 'GetPipelineDefinition', { pipelineId: id, version: 'active' })).body).toEqual(first);
    expect((await op(dispatch, 'GetPipelineDefinition', { pipelineId: id, version: 'newest' })).body.__type).toBe('InvalidRequestException');
  });

  it('at every limit at once (100 objects of 50 fields, 15,360 bytes each, 256-byte ids and names) store and round-trip exactly', async () => {
    const id = await createPipeline(dispatch);
    const objects = Array.from({ length: 100 }, (_, i) => {
      const objectId = `${String(i).padStart(3, '0')}${'é'.repeat(126)}x`; // 3 + 252 + 1 = 256 UTF-8 bytes
      const fields = [{ key: 'type', stringValue: 'Exists' }];
      for (let f = 0; f < 46; f++) fields.push({ key: `myF${String(f).padStart(2, '0')}`, stringValue: '😀' });
      fields.push({ key: `my${'k'.repeat(254)}`, stringValue: 'v'.repeat(10240) }); // a 256-byte name, a 10,240-byte value
      const used = () => fields.reduce((n, x) => n + Buffer.byteLength(x.key) + Buffer.byteLength(x.stringValue), 0);
      fields.push({ key: 'myFill', stringValue: '' });
      fields.push({ key: 'myLast', stringValue: 'é' });
      // myFill takes what is left of the 15,360 bytes, in 2-byte characters and one 1-byte one when odd.
      const left = 15360 - used();
      fields[fields.length - 2] = { key: 'myFill', stringValue: 'é'.repeat(Math.floor(left / 2)) + 'y'.repeat(left % 2) };
      return { id: objectId, name: objectId, fields };
    });
    for (const o of objects) {
      expect(o.fields).toHaveLength(50);
      expect(o.fields.reduce((n, x) => n + Buffer.byteLength(x.key) + Buffer.byteLength(x.stringValue), 0)).toBe(15360);
      expect(Buffer.byteLength(o.id)).toBe(256);
    }
    const put = await op(dispatch, 'PutPipelineDefinition', { pipelineId: id, pipelineObjects: objects });
    expect(put.body).toEqual({ validationErrors: [], validationWarnings: [], errored: false });
    expect((await op(dispatch, 'GetPipelineDefinition', { pipelineId: id })).body.pipelineObjects).toEqual(objects);
    const one = await op(dispatch, 'DescribeObjects', { pipelineId: id, objectIds: [objects[99].id] });
    expect(one.body.pipelineObjects).toEqual([objects[99]]);
  });

  it('past a limit: a validation error of that object (saved, errored) or, for the 101st object, a refusal that saves nothing', async () => {
    const id = await createPipeline(dispatch);
    const past = await op(dispatch, 'PutPipelineDefinition', {
      pipelineId: id,
      pipelineObjects: [...ON_DEMAND, object('Big', { type: 'Exists', myA: 'é'.repeat(5121) })], // 5,121 characters, 10,242 bytes
    });
    expect(past.body).toEqual({
      validationErrors: [{ id: 'Big', errors: ["LIMIT_EXCEEDED: the value of field 'myA' is longer than 10240 UTF-8 bytes."] }],
      validationWarnings: [],
      errored: true,
    });
    const saved = (await op(dispatch, 'GetPipelineDefinition', { pipelineId: id })).body.pipelineObjects;
    expect(saved).toHaveLength(3);
    const refused = await op(dispatch, 'PutPipelineDefinition', {
      pipelineId: id,
      pipelineObjects: Array.from({ length: 101 }, (_, i) => object(`O${i}`, { type: 'Exists' })),
    });
    expect(refused).toEqual({ status: 400, body: { __type: 'InvalidRequestException', message: 'The pipeline has 101 objects; at most 100 are allowed.' } });
    expect((await op(dispatch, 'GetPipelineDefinition', { pipelineId: id })).body.pipelineObjects).toEqual(saved);
  });

  it('ValidatePipelineDefinition reports as Put does and saves nothing', async () => {
    const id = await createPipeline(dispatch);
    const res = await op(dispatch, 'ValidatePipelineDefinition', { pipelineId: id, pipelineObjects: [object('A', { type: 'Nope' })] });
    expect(res.body).toEqual({
      validationErrors: [{ id: 'A', errors: ["INVALID_OBJECT_TYPE: 'Nope' is not a pipeline object type."] }],
      validationWarnings: [],
      errored: true,
    });
    expect((await op(dispatch, 'GetPipelineDefinition', { pipelineId: id })).body.pipelineObjects).toEqual([]);
  });
});

describe('ActivatePipeline and DeactivatePipeline', () => {
  const stateOf = async (id: string) => fieldsOf((await op(dispatch, 'DescribePipelines', { pipelineIds: [id] })).body.pipelineDescriptionList[0]);

  it('PENDING, SCHEDULED on activation (with @lastActivationTime), INACTIVE on deactivation, SCHEDULED again', async () => {
    const id = await createPipeline(dispatch);
    await op(dispatch, 'PutPipelineDefinition', { pipelineId: id, pipelineObjects: ON_DEMAND });
    expect((await stateOf(id))['@pipelineState']).toBe('PENDING');
    expect(await op(dispatch, 'ActivatePipeline', { pipelineId: id, startTimestamp: 1764410400 })).toEqual({ status: 200, body: {} });
    expect(await stateOf(id)).toMatchObject({ '@pipelineState': 'SCHEDULED', '@lastActivationTime': '2026-11-29T10:00:00' });
    expect(await op(dispatch, 'DeactivatePipeline', { pipelineId: id, cancelActive: false })).toEqual({ status: 200, body: {} });
    expect((await stateOf(id))['@pipelineState']).toBe('INACTIVE');
    await op(dispatch, 'ActivatePipeline', { pipelineId: id });
    expect((await stateOf(id))['@pipelineState']).toBe('SCHEDULED');
  });

  it('refuses a definition with errors, naming them; activates a pipeline with no definition', async () => {
    const id = await createPipeline(dispatch);
    await op(dispatch, 'PutPipelineDefinition', { pipelineId: id, pipelineObjects: [object('A', { type: 'ShellCommandActivity' })] });
    const res = await op(dispatch, 'ActivatePipeline', { pipelineId: id });
    expect(res.status).toBe(400);
    expect(res.body.__type).toBe('InvalidRequestException');
    expect(res.body.message).toContain("A: MISSING_REQUIRED_FIELD: 'command' or 'scriptUri' is required for ShellCommandActivity.");
    expect((await stateOf(id))['@pipelineState']).toBe('PENDING');
    const empty = await createPipeline(dispatch);
    expect((await op(dispatch, 'ActivatePipeline', { pipelineId: empty })).status).toBe(200);
  });

  it('leaves a pipeline that was never activated PENDING on deactivation', async () => {
    const id = await createPipeline(dispatch);
    expect((await op(dispatch, 'DeactivatePipeline', { pipelineId: id })).status).toBe(200);
    expect((await stateOf(id))['@pipelineState']).toBe('PENDING');
  });
});

describe('AddTags and RemoveTags', () => {
  const tagsOf = async (id: string) => (await op(dispatch, 'DescribePipelines', { pipelineIds: [id] })).body.pipelineDescriptionList[0].tags;

  it('add, replace the value of an existing key, remove (absent keys ignored), at most 10 in all, no aws: keys', async () => {
    const id = await createPipeline(dispatch);
    await op(dispatch, 'AddTags', {
      pipelineId: id,
      tags: [
        { key: 'a', value: '1' },
        { key: 'b', value: '2' },
      ],
    });
    await op(dispatch, 'AddTags', { pipelineId: id, tags: [{ key: 'a', value: '3' }] });
    expect(await tagsOf(id)).toEqual([
      { key: 'a', value: '3' },
      { key: 'b', value: '2' },
    ]);
    await op(dispatch, 'RemoveTags', { pipelineId: id, tagKeys: ['b', 'zzz'] });
    expect(await tagsOf(id)).toEqual([{ key: 'a', value: '3' }]);
    const nine = Array.from({ length: 9 }, (_, i) => ({ key: `k${i}`, value: '' }));
    expect((await op(dispatch, 'AddTags', { pipelineId: id, tags: nine })).status).toBe(200);
    const eleventh = await op(dispatch, 'AddTags', { pipelineId: id, tags: [{ key: 'one-more', value: '' }] });
    expect(eleventh.body).toEqual({ __type: 'InvalidRequestException', message: 'A pipeline can have at most 10 tags; this would give it 11.' });
    expect((await op(dispatch, 'AddTags', { pipelineId: id, tags: [{ key: 'aws:x', value: '' }] })).body.__type).toBe('InvalidRequestException');
    expect(await tagsOf(id)).toHaveLength(10);
  });

  it('concurrent AddTags calls all land', async () => {
    const id = await createPipeline(dispatch);
    await Promise.all(Array.from({ length: 5 }, (_, i) => op(dispatch, 'AddTags', { pipelineId: id, tags: [{ key: `k${i}`, value: 'v' }] })));
    expect((await tagsOf(id)).map((t: { key: string }) => t.key).sort()).toEqual(['k0', 'k1', 'k2', 'k3', 'k4']);
  });
});

describe('DescribeObjects and QueryObjects on components', () => {
  let id: string;
  beforeAll(async () => {
    id = await createPipeline(dispatch);
    await op(dispatch, 'PutPipelineDefinition', {
      pipelineId: id,
      pipelineObjects: [...ON_DEMAND, object('Bye', { type: 'ShellCommandActivity', command: 'echo bye', parent: { ref: 'Hello' } }, 'Say bye')],
    });
  });

  it('DescribeObjects returns the objects asked for, in that order, fields as put; unknown ids are left out', async () => {
    const res = await op(dispatch, 'DescribeObjects', { pipelineId: id, objectIds: ['Bye', 'Nope', 'Default'] });
    expect(res.body).toEqual({
      pipelineObjects: [
        {
          id: 'Bye',
          name: 'Say bye',
          fields: [
            { key: 'type', stringValue: 'ShellCommandActivity' },
            { key: 'command', stringValue: 'echo bye' },
            { key: 'parent', refValue: 'Hello' },
          ],
        },
        ON_DEMAND[0],
      ],
      hasMoreResults: false,
    });
    expect((await op(dispatch, 'DescribeObjects', { pipelineId: id, objectIds: Array.from({ length: 101 }, (_, i) => `o${i}`) })).status).toBe(400);
  });

  it('QueryObjects selects by name, @sphere and parent, pages with limit and marker, and checks its selectors', async () => {
    const q = (query: unknown, extra: Record<string, unknown> = {}) => op(dispatch, 'QueryObjects', { pipelineId: id, sphere: 'COMPONENT', query, ...extra });
    expect((await q({ selectors: [] })).body).toEqual({ ids: ['Default', 'Hello', 'Bye'], hasMoreResults: false });
    expect((await q({ selectors: [{ fieldName: 'name', operator: { type: 'EQ', values: ['Say bye', 'Say hello'] } }] })).body.ids).toEqual(['Hello', 'Bye']);
    expect((await q({ selectors: [{ fieldName: 'parent', operator: { type: 'REF_EQ', values: ['Hello'] } }] })).body.ids).toEqual(['Bye']);
    expect((await q({ selectors: [{ fieldName: '@sphere', operator: { type: 'EQ', values: ['INSTANCE'] } }] })).body.ids).toEqual([]);
    const first = await q(undefined, { limit: 2 });
    expect(first.body).toEqual({ ids: ['Default', 'Hello'], marker: expect.any(String), hasMoreResults: true });
    expect((await q(undefined, { limit: 2, marker: first.body.marker })).body).toEqual({ ids: ['Bye'], hasMoreResults: false });
    expect((await op(dispatch, 'QueryObjects', { pipelineId: id, sphere: 'INSTANCE' })).body).toEqual({ ids: [], hasMoreResults: false });
    for (const [query, extra] of [
      [{ selectors: [{ fieldName: 'command', operator: { type: 'EQ', values: ['x'] } }] }, {}],
      [{ selectors: [{ fieldName: 'name', operator: { type: 'LE', values: ['x'] } }] }, {}],
      [{ selectors: [{ fieldName: '@actualStartTime', operator: { type: 'BETWEEN', values: ['x'] } }] }, {}],
      [{ selectors: [{ fieldName: 'name', operator: { type: 'LIKE', values: ['x'] } }] }, {}],
      [{ selectors: Array.from({ length: 11 }, () => ({ fieldName: 'name', operator: { type: 'EQ', values: ['x'] } })) }, {}],
      [undefined, { sphere: 'PIPELINE' }],
      [undefined, { limit: 0 }],
      [undefined, { marker: 'junk' }],
    ] as const) {
      expect((await q(query, extra)).body.__type).toBe('InvalidRequestException');
    }
  });
});

it('every call is answered for the default caller too (TEST_CALLER is the account of the test key)', () => {
  expect(TEST_CALLER.accountId).toMatch(/^\d{12}$/);
});
