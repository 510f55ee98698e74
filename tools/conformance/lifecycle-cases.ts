/**
 * docs/behaviour.md §7 (the pipeline calls) as black-box checks through the API alone: every case creates its
 * own pipelines, with fresh uniqueIds, so it can run against any endpoint (ours, moto, an emulator, a deployed
 * stack) with no access to its tables.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  ActivatePipelineCommand,
  AddTagsCommand,
  CreatePipelineCommand,
  DataPipelineClient,
  DeactivatePipelineCommand,
  DeletePipelineCommand,
  DescribeObjectsCommand,
  DescribePipelinesCommand,
  GetPipelineDefinitionCommand,
  InvalidRequestException,
  ListPipelinesCommand,
  PipelineDeletedException,
  PipelineNotFoundException,
  PutPipelineDefinitionCommand,
  QueryObjectsCommand,
  RemoveTagsCommand,
  ValidatePipelineDefinitionCommand,
} from '@aws-sdk/client-data-pipeline';
import { definitionFromFile, DefinitionFile } from '../definition-file';
import { Case, CaseContext, check, fails, Field, fresh, obj, out, WireObject } from './checks';
import { sendCommand } from './probe';

/** Definitions written for real accounts, shipped with the repository. */
const REAL_DEFINITIONS = join(__dirname, '..', '..', 'test', 'fixtures', 'definitions');

const ON_DEMAND = [
  obj('Default', { scheduleType: 'ondemand', workerGroup: 'conformance', failureAndRerunMode: 'CASCADE' }),
  obj('Hello', { type: 'ShellCommandActivity', command: 'echo hello' }, 'Say hello'),
  obj('Bye', { type: 'ShellCommandActivity', command: 'echo bye', parent: { ref: 'Hello' } }, 'Say bye'),
];

/** Every pipeline the cases created, with the client that owns it, so that the run can delete them at the end. */
const created: { sdk: DataPipelineClient; pipelineId: string }[] = [];

const run = async (sdk: DataPipelineClient, command: Parameters<typeof sendCommand>[1]) => {
  const answer = await sendCommand(sdk, command);
  if (command instanceof CreatePipelineCommand && typeof answer.output?.pipelineId === 'string') created.push({ sdk, pipelineId: answer.output.pipelineId });
  return answer;
};

/** Records a pipeline a case created some other way, to be deleted with the others. */
export const recordCreated = (sdk: DataPipelineClient, pipelineId: unknown): void => {
  if (typeof pipelineId === 'string') created.push({ sdk, pipelineId });
};

/** Deletes the pipelines the cases created (through the API); returns how many. */
export const deleteCreatedPipelines = async (): Promise<number> => {
  const all = created.splice(0);
  const unique = [...new Map(all.map((c) => [c.pipelineId, c])).values()];
  for (const { sdk, pipelineId } of unique) await sendCommand(sdk, new DeletePipelineCommand({ pipelineId }));
  return unique.length;
};
const create = async (ctx: CaseContext, name = 'conformance', sdk = ctx.sdk): Promise<string> =>
  out(await run(sdk, new CreatePipelineCommand({ name, uniqueId: fresh() }))).pipelineId;
const describe = async (ctx: CaseContext, pipelineId: string) =>
  out(await run(ctx.sdk, new DescribePipelinesCommand({ pipelineIds: [pipelineId] }))).pipelineDescriptionList[0];
const fieldsOf = (d: { fields: Field[] }) => Object.fromEntries(d.fields.map((f) => [f.key, f.stringValue]));
const stateOf = async (ctx: CaseContext, pipelineId: string) => fieldsOf(await describe(ctx, pipelineId))['@pipelineState'];
const getDefinition = async (ctx: CaseContext, pipelineId: string, version?: string) =>
  out(await run(ctx.sdk, new GetPipelineDefinitionCommand({ pipelineId, ...(version && { version }) })));
const put = async (ctx: CaseContext, pipelineId: string, pipelineObjects: WireObject[]) =>
  out(await run(ctx.sdk, new PutPipelineDefinitionCommand({ pipelineId, pipelineObjects })));
const listAll = async (sdk: DataPipelineClient) => {
  const pages: { id: string; name: string }[][] = [];
  let marker: string | undefined;
  for (let i = 0; i < 1000; i++) {
    const page = out(await run(sdk, new ListPipelinesCommand(marker ? { marker } : {})));
    pages.push(page.pipelineIdList);
    check(Boolean(page.hasMoreResults) === Boolean(page.marker), `hasMoreResults ${page.hasMoreResults} with marker ${page.marker}`);
    if (!page.hasMoreResults) return pages;
    marker = page.marker;
  }
  throw new Error('ListPipelines never ended');
};
const eq = (a: unknown, b: unknown, what: string) =>
  check(JSON.stringify(a) === JSON.stringify(b), `${what}: expected ${JSON.stringify(b)?.slice(0, 300)}, got ${JSON.stringify(a)?.slice(0, 300)}`);

export const LIFECYCLE_CASES: readonly Case[] = [
  {
    id: 'lifecycle-create-id',
    rule: "CreatePipeline answers an id shaped like AWS's: df- and upper-case letters and digits",
    run: async (ctx) => check(/^df-[A-Z0-9]{10,30}$/.test(await create(ctx)), 'id shape'),
  },
  {
    id: 'lifecycle-create-idempotent',
    rule: 'CreatePipeline with the same name and uniqueId answers the same id',
    run: async (ctx) => {
      const uniqueId = fresh();
      const a = out(await run(ctx.sdk, new CreatePipelineCommand({ name: 'same', uniqueId }))).pipelineId;
      const b = out(await run(ctx.sdk, new CreatePipelineCommand({ name: 'same', uniqueId }))).pipelineId;
      eq(b, a, 'second id');
    },
  },
  {
    id: 'lifecycle-create-concurrent',
    rule: '20 concurrent identical CreatePipeline calls give one pipeline: one id for all',
    run: async (ctx) => {
      const uniqueId = fresh();
      const ids = await Promise.all(
        Array.from({ length: 20 }, async () => out(await run(ctx.sdk, new CreatePipelineCommand({ name: 'race', uniqueId }))).pipelineId),
      );
      check(new Set(ids).size === 1, `${new Set(ids).size} different ids`);
    },
  },
  {
    id: 'lifecycle-create-other-name',
    rule: 'the same uniqueId with another name is another pipeline',
    run: async (ctx) => {
      const uniqueId = fresh();
      const a = out(await run(ctx.sdk, new CreatePipelineCommand({ name: 'one', uniqueId }))).pipelineId;
      const b = out(await run(ctx.sdk, new CreatePipelineCommand({ name: 'two', uniqueId }))).pipelineId;
      check(a !== b, 'same id for another name');
    },
  },
  {
    id: 'lifecycle-create-after-delete',
    rule: 'the name and uniqueId of a deleted pipeline make a new pipeline',
    run: async (ctx) => {
      const uniqueId = fresh();
      const a = out(await run(ctx.sdk, new CreatePipelineCommand({ name: 'again', uniqueId }))).pipelineId;
      out(await run(ctx.sdk, new DeletePipelineCommand({ pipelineId: a })));
      const b = out(await run(ctx.sdk, new CreatePipelineCommand({ name: 'again', uniqueId }))).pipelineId;
      check(a !== b, "the deleted pipeline's id came back");
    },
  },
  {
    id: 'lifecycle-create-validation',
    rule: 'CreatePipeline without a name, or with an aws: tag, is InvalidRequestException',
    run: async (ctx) => {
      fails(await run(ctx.sdk, new CreatePipelineCommand({ uniqueId: fresh() } as never)), 'InvalidRequestException', { typed: InvalidRequestException });
      fails(await run(ctx.sdk, new CreatePipelineCommand({ name: 'x', uniqueId: fresh(), tags: [{ key: 'aws:x', value: 'v' }] })), 'InvalidRequestException');
    },
  },
  {
    id: 'lifecycle-describe-fields',
    rule: 'DescribePipelines shows name, pipelineId, tags and the fields @pipelineState PENDING, name, uniqueId, @creationTime, @id, @sphere, pipelineCreator, @accountId, @userId',
    run: async (ctx) => {
      const uniqueId = fresh();
      const pipelineId = out(await run(ctx.sdk, new CreatePipelineCommand({ name: 'described', uniqueId, tags: [{ key: 'k', value: 'v' }] }))).pipelineId;
      const d = await describe(ctx, pipelineId);
      eq([d.pipelineId, d.name, d.tags], [pipelineId, 'described', [{ key: 'k', value: 'v' }]], 'description');
      const f = fieldsOf(d);
      eq([f['@pipelineState'], f.name, f.uniqueId, f['@id'], f['@sphere']], ['PENDING', 'described', uniqueId, pipelineId, 'PIPELINE'], 'fields');
      check(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d$/.test(f['@creationTime'] ?? ''), `@creationTime ${f['@creationTime']}`);
      for (const k of ['pipelineCreator', '@accountId', '@userId']) check(f[k], `no ${k}`);
    },
  },
  {
    id: 'lifecycle-describe-errors',
    rule: 'DescribePipelines of a missing pipeline is PipelineNotFoundException; of more than 25 ids, InvalidRequestException',
    run: async (ctx) => {
      fails(await run(ctx.sdk, new DescribePipelinesCommand({ pipelineIds: ['df-CONFORMANCE0NONE0000'] })), 'PipelineNotFoundException', {
        typed: PipelineNotFoundException,
      });
      const id = await create(ctx);
      fails(await run(ctx.sdk, new DescribePipelinesCommand({ pipelineIds: Array.from({ length: 26 }, () => id) })), 'InvalidRequestException');
    },
  },
  {
    id: 'lifecycle-list',
    rule: 'ListPipelines pages of at most 50 ({id, name}) with a marker list each pipeline once, new ones included',
    run: async (ctx) => {
      const ids = await Promise.all(Array.from({ length: 55 }, () => create(ctx, 'listed')));
      const pages = await listAll(ctx.sdk);
      const seen = pages.flat();
      check(
        pages.every((p) => p.length <= 50),
        `page sizes ${pages.map((p) => p.length)}`,
      );
      check(new Set(seen.map((p) => p.id)).size === seen.length, 'a pipeline was listed twice');
      for (const id of ids)
        check(
          seen.some((p) => p.id === id && p.name === 'listed'),
          `${id} not listed`,
        );
    },
  },
  {
    id: 'lifecycle-list-marker',
    rule: 'ListPipelines refuses a marker it did not make with InvalidRequestException',
    run: async (ctx) => fails(await run(ctx.sdk, new ListPipelinesCommand({ marker: 'not-a-marker' })), 'InvalidRequestException'),
  },
  {
    id: 'lifecycle-delete',
    rule: 'DeletePipeline answers 200, again when repeated; the pipeline leaves ListPipelines and is PipelineDeletedException after',
    run: async (ctx) => {
      const id = await create(ctx);
      out(await run(ctx.sdk, new DeletePipelineCommand({ pipelineId: id })));
      out(await run(ctx.sdk, new DeletePipelineCommand({ pipelineId: id })));
      check(!(await listAll(ctx.sdk)).flat().some((p) => p.id === id), 'still listed');
      fails(await run(ctx.sdk, new DescribePipelinesCommand({ pipelineIds: [id] })), 'PipelineDeletedException', { typed: PipelineDeletedException });
    },
  },
  {
    id: 'lifecycle-deleted-everywhere',
    rule: 'every call that names a deleted pipeline gets PipelineDeletedException',
    run: async (ctx) => {
      const pipelineId = await create(ctx);
      await put(ctx, pipelineId, ON_DEMAND);
      out(await run(ctx.sdk, new DeletePipelineCommand({ pipelineId })));
      const calls = [
        new PutPipelineDefinitionCommand({ pipelineId, pipelineObjects: ON_DEMAND }),
        new GetPipelineDefinitionCommand({ pipelineId }),
        new ValidatePipelineDefinitionCommand({ pipelineId, pipelineObjects: ON_DEMAND }),
        new ActivatePipelineCommand({ pipelineId }),
        new DeactivatePipelineCommand({ pipelineId }),
        new AddTagsCommand({ pipelineId, tags: [{ key: 'k', value: 'v' }] }),
        new RemoveTagsCommand({ pipelineId, tagKeys: ['k'] }),
        new DescribeObjectsCommand({ pipelineId, objectIds: ['Hello'] }),
        new QueryObjectsCommand({ pipelineId, sphere: 'COMPONENT' }),
      ];
      for (const c of calls) fails(await run(ctx.sdk, c), 'PipelineDeletedException');
    },
  },
  {
    id: 'lifecycle-delete-missing',
    rule: 'DeletePipeline of a pipeline that never existed is PipelineNotFoundException',
    run: async (ctx) => fails(await run(ctx.sdk, new DeletePipelineCommand({ pipelineId: 'df-CONFORMANCE0NONE0000' })), 'PipelineNotFoundException'),
  },
  {
    id: 'lifecycle-definition-round-trip',
    rule: 'GetPipelineDefinition returns what PutPipelineDefinition put: objects, fields, parameters and values, in the order put',
    run: async (ctx) => {
      const pipelineId = await create(ctx);
      const definition = {
        pipelineObjects: [...ON_DEMAND].reverse(),
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
      const saved = out(await run(ctx.sdk, new PutPipelineDefinitionCommand({ pipelineId, ...definition })));
      eq(saved.errored, false, 'errored');
      const got = await getDefinition(ctx, pipelineId);
      eq(
        [got.pipelineObjects, got.parameterObjects, got.parameterValues],
        [definition.pipelineObjects, definition.parameterObjects, definition.parameterValues],
        'definition',
      );
    },
  },
  {
    id: 'lifecycle-definition-versions',
    rule: 'version latest is the last put, version active the one last activated',
    run: async (ctx) => {
      const pipelineId = await create(ctx);
      await put(ctx, pipelineId, ON_DEMAND);
      out(await run(ctx.sdk, new ActivatePipelineCommand({ pipelineId })));
      const next = ON_DEMAND.slice(0, 2);
      await put(ctx, pipelineId, next);
      eq((await getDefinition(ctx, pipelineId, 'latest')).pipelineObjects, next, 'latest');
      eq((await getDefinition(ctx, pipelineId, 'active')).pipelineObjects, ON_DEMAND, 'active');
    },
  },
  {
    id: 'lifecycle-definition-errors',
    rule: 'a definition with errors is saved and reported per object (errored); ValidatePipelineDefinition saves nothing',
    run: async (ctx) => {
      const pipelineId = await create(ctx);
      const bad = [obj('A', { type: 'ShellCommandActivity', dependsOn: { ref: 'Nowhere' } })];
      const validated = out(await run(ctx.sdk, new ValidatePipelineDefinitionCommand({ pipelineId, pipelineObjects: bad })));
      check(validated.errored === true && validated.validationErrors?.[0]?.id === 'A', `validate: ${JSON.stringify(validated)}`);
      eq((await getDefinition(ctx, pipelineId)).pipelineObjects ?? [], [], 'saved by validate');
      const saved = await put(ctx, pipelineId, bad);
      check(saved.errored === true && saved.validationErrors?.[0]?.errors?.length >= 2, `put: ${JSON.stringify(saved)}`);
      eq((await getDefinition(ctx, pipelineId)).pipelineObjects, bad, 'saved');
    },
  },
  {
    id: 'lifecycle-definition-refusal',
    rule: 'more than 100 objects is InvalidRequestException and saves nothing',
    run: async (ctx) => {
      const pipelineId = await create(ctx);
      await put(ctx, pipelineId, ON_DEMAND);
      const many = Array.from({ length: 101 }, (_, i) => obj(`O${i}`, { type: 'Exists' }));
      fails(await run(ctx.sdk, new PutPipelineDefinitionCommand({ pipelineId, pipelineObjects: many })), 'InvalidRequestException');
      eq((await getDefinition(ctx, pipelineId)).pipelineObjects, ON_DEMAND, 'after the refusal');
    },
  },
  {
    id: 'lifecycle-definition-limits',
    rule: 'a definition at the limits (100 objects, 50 fields, 15,360 bytes per object) stores and round-trips exactly; one byte more per field value is a validation error',
    run: async (ctx) => {
      const pipelineId = await create(ctx);
      const objects = Array.from({ length: 100 }, (_, i) => {
        const fields: Field[] = [{ key: 'type', stringValue: 'Exists' }];
        for (let f = 0; f < 47; f++) fields.push({ key: `myF${f}`, stringValue: 'é' });
        fields.push({ key: 'myBig', stringValue: 'b'.repeat(10240) });
        const used = fields.reduce((n, x) => n + Buffer.byteLength(x.key) + Buffer.byteLength(x.stringValue!), 0);
        fields.push({ key: 'myRest', stringValue: 'r'.repeat(15360 - used - 'myRest'.length) });
        return { id: `Object${i}`, name: `Object ${i}`, fields };
      });
      eq((await put(ctx, pipelineId, objects)).errored, false, 'errored at the limits');
      eq((await getDefinition(ctx, pipelineId)).pipelineObjects, objects, 'round trip');
      const past = await put(ctx, pipelineId, [obj('Past', { type: 'Exists', myA: 'é'.repeat(5121) })]);
      check(past.errored === true && past.validationErrors?.[0]?.id === 'Past', `one past: ${JSON.stringify(past).slice(0, 300)}`);
    },
  },
  {
    id: 'lifecycle-real-definitions',
    rule: 'definitions written for real accounts (test/fixtures/definitions) are saved without validation errors',
    run: async (ctx) => {
      const files = readdirSync(REAL_DEFINITIONS).filter((f) => f.endsWith('.json'));
      const read = (f: string) => JSON.parse(readFileSync(join(REAL_DEFINITIONS, f), 'utf8'));
      for (const file of files.filter((f) => 'objects' in read(f))) {
        const parameters = `${file.split('--')[0]}--parameters.json`;
        const d = definitionFromFile({ ...read(file), ...(files.includes(parameters) ? read(parameters) : {}) } as DefinitionFile);
        const pipelineId = await create(ctx, file);
        const input = { pipelineId, ...d } as unknown as ConstructorParameters<typeof PutPipelineDefinitionCommand>[0];
        const saved = out(await run(ctx.sdk, new PutPipelineDefinitionCommand(input)));
        check(saved.errored === false, `${file}: ${JSON.stringify(saved.validationErrors).slice(0, 300)}`);
      }
    },
  },
  {
    id: 'lifecycle-activation',
    rule: 'PENDING until ActivatePipeline, SCHEDULED once active (with @lastActivationTime), INACTIVE after DeactivatePipeline, SCHEDULED again',
    run: async (ctx) => {
      const pipelineId = await create(ctx);
      await put(ctx, pipelineId, ON_DEMAND);
      eq(await stateOf(ctx, pipelineId), 'PENDING', 'state');
      out(await run(ctx.sdk, new ActivatePipelineCommand({ pipelineId })));
      const active = fieldsOf(await describe(ctx, pipelineId));
      eq(active['@pipelineState'], 'SCHEDULED', 'state after activation');
      check(active['@lastActivationTime'], 'no @lastActivationTime');
      out(await run(ctx.sdk, new DeactivatePipelineCommand({ pipelineId })));
      eq(await stateOf(ctx, pipelineId), 'INACTIVE', 'state after deactivation');
      out(await run(ctx.sdk, new ActivatePipelineCommand({ pipelineId })));
      eq(await stateOf(ctx, pipelineId), 'SCHEDULED', 'state after activating again');
    },
  },
  {
    id: 'lifecycle-activation-errors',
    rule: 'ActivatePipeline refuses a definition with errors (InvalidRequestException); a pipeline with no definition activates',
    run: async (ctx) => {
      const pipelineId = await create(ctx);
      await put(ctx, pipelineId, [obj('A', { type: 'ShellCommandActivity' })]);
      fails(await run(ctx.sdk, new ActivatePipelineCommand({ pipelineId })), 'InvalidRequestException', { typed: InvalidRequestException });
      eq(await stateOf(ctx, pipelineId), 'PENDING', 'state after the refusal');
      out(await run(ctx.sdk, new ActivatePipelineCommand({ pipelineId: await create(ctx) })));
    },
  },
  {
    id: 'lifecycle-tags',
    rule: 'AddTags adds or replaces values, RemoveTags removes; more than 10 tags or an aws: key is InvalidRequestException',
    run: async (ctx) => {
      const pipelineId = await create(ctx);
      out(
        await run(
          ctx.sdk,
          new AddTagsCommand({
            pipelineId,
            tags: [
              { key: 'a', value: '1' },
              { key: 'b', value: '2' },
            ],
          }),
        ),
      );
      out(await run(ctx.sdk, new AddTagsCommand({ pipelineId, tags: [{ key: 'a', value: '3' }] })));
      out(await run(ctx.sdk, new RemoveTagsCommand({ pipelineId, tagKeys: ['b'] })));
      eq((await describe(ctx, pipelineId)).tags, [{ key: 'a', value: '3' }], 'tags');
      const ten = Array.from({ length: 10 }, (_, i) => ({ key: `k${i}`, value: '' }));
      fails(await run(ctx.sdk, new AddTagsCommand({ pipelineId, tags: ten })), 'InvalidRequestException');
      fails(await run(ctx.sdk, new AddTagsCommand({ pipelineId, tags: [{ key: 'aws:k', value: '' }] })), 'InvalidRequestException');
    },
  },
  {
    id: 'lifecycle-describe-objects',
    rule: 'DescribeObjects returns the components asked for with their fields as put',
    run: async (ctx) => {
      const pipelineId = await create(ctx);
      await put(ctx, pipelineId, ON_DEMAND);
      const got = out(await run(ctx.sdk, new DescribeObjectsCommand({ pipelineId, objectIds: ['Bye', 'Default'] })));
      eq(got.pipelineObjects, [ON_DEMAND[2], ON_DEMAND[0]], 'objects');
    },
  },
  {
    id: 'lifecycle-query-objects',
    rule: 'QueryObjects on COMPONENT selects by name (EQ) and parent (REF_EQ), and pages with limit and marker',
    run: async (ctx) => {
      const pipelineId = await create(ctx);
      await put(ctx, pipelineId, ON_DEMAND);
      const q = async (selectors: unknown[], extra: Record<string, unknown> = {}) =>
        out(await run(ctx.sdk, new QueryObjectsCommand({ pipelineId, sphere: 'COMPONENT', query: { selectors: selectors as never }, ...extra })));
      eq((await q([{ fieldName: 'name', operator: { type: 'EQ', values: ['Say bye'] } }])).ids, ['Bye'], 'EQ on name');
      eq((await q([{ fieldName: 'parent', operator: { type: 'REF_EQ', values: ['Hello'] } }])).ids, ['Bye'], 'REF_EQ on parent');
      const first = await q([], { limit: 2 });
      check(first.ids?.length === 2 && first.hasMoreResults === true && first.marker, `first page ${JSON.stringify(first)}`);
      const second = await q([], { limit: 2, marker: first.marker });
      eq([...first.ids, ...second.ids].sort(), ['Bye', 'Default', 'Hello'], 'pages');
    },
  },
  {
    id: 'lifecycle-accounts',
    rule: 'another account never sees, lists or deletes a pipeline: for it the pipeline is PipelineNotFoundException',
    run: async (ctx) => {
      if (!ctx.otherAccount) return { skip: 'needs a second account: local endpoints and emulators only (another access key)' };
      const pipelineId = await create(ctx);
      fails(await run(ctx.otherAccount, new DescribePipelinesCommand({ pipelineIds: [pipelineId] })), 'PipelineNotFoundException');
      fails(await run(ctx.otherAccount, new DeletePipelineCommand({ pipelineId })), 'PipelineNotFoundException');
      check(!(await listAll(ctx.otherAccount)).flat().some((p) => p.id === pipelineId), 'listed for another account');
      eq(await stateOf(ctx, pipelineId), 'PENDING', "the owner's pipeline");
      return undefined;
    },
  },
];
