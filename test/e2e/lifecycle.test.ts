/** The pipeline lifecycle through the real @aws-sdk/client-data-pipeline against the local endpoint. */
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
  paginateListPipelines,
} from '@aws-sdk/client-data-pipeline';
import { request } from 'node:http';
import { accountOfAccessKey, DEFAULT_ACCOUNT } from '../../lambda/identity';
import { ON_DEMAND } from '../support/pipelines';
import { RunningEndpoint, startEndpoint } from '../support/local-endpoint';

let endpoint: RunningEndpoint;
beforeAll(async () => {
  endpoint = await startEndpoint();
});
afterAll(() => endpoint.close());

const clientFor = (accessKeyId: string) =>
  new DataPipelineClient({ endpoint: endpoint.apiUrl, region: 'us-east-1', credentials: { accessKeyId, secretAccessKey: 'x' }, maxAttempts: 1 });

const fields = (d: { fields?: { key?: string; stringValue?: string }[] }) => Object.fromEntries((d.fields ?? []).map((f) => [f.key, f.stringValue]));

it('create, define, validate, activate, describe, list, tag, deactivate, delete: each answers as the SDK models it', async () => {
  const sdk = clientFor('AKIALIFECYCLE0000001');
  const { pipelineId } = await sdk.send(
    new CreatePipelineCommand({ name: 'walk', uniqueId: 'walk-1', description: 'through', tags: [{ key: 'env', value: 'test' }] }),
  );
  expect(pipelineId).toMatch(/^df-[A-Z0-9]{20}$/);
  expect((await sdk.send(new CreatePipelineCommand({ name: 'walk', uniqueId: 'walk-1' }))).pipelineId).toBe(pipelineId);

  const validated = await sdk.send(
    new ValidatePipelineDefinitionCommand({ pipelineId, pipelineObjects: [{ id: 'A', name: 'A', fields: [{ key: 'type', stringValue: 'Nope' }] }] }),
  );
  expect(validated).toMatchObject({ errored: true, validationErrors: [{ id: 'A', errors: ["INVALID_OBJECT_TYPE: 'Nope' is not a pipeline object type."] }] });

  const put = await sdk.send(new PutPipelineDefinitionCommand({ pipelineId, pipelineObjects: ON_DEMAND }));
  expect(put).toMatchObject({ errored: false, validationErrors: [], validationWarnings: [] });
  expect((await sdk.send(new GetPipelineDefinitionCommand({ pipelineId }))).pipelineObjects).toEqual(ON_DEMAND);

  await sdk.send(new ActivatePipelineCommand({ pipelineId, startTimestamp: new Date('2026-11-29T10:00:00Z') }));
  const [described] = (await sdk.send(new DescribePipelinesCommand({ pipelineIds: [pipelineId!] }))).pipelineDescriptionList!;
  expect(fields(described)).toMatchObject({
    '@pipelineState': 'SCHEDULED',
    '@accountId': accountOfAccessKey('AKIALIFECYCLE0000001'),
    '@userId': 'AKIALIFECYCLE0000001',
    pipelineCreator: 'AKIALIFECYCLE0000001',
    '@lastActivationTime': expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d$/),
  });
  expect(described.tags).toEqual([{ key: 'env', value: 'test' }]);
  expect((await sdk.send(new GetPipelineDefinitionCommand({ pipelineId, version: 'active' }))).pipelineObjects).toEqual(ON_DEMAND);

  const objects = await sdk.send(new DescribeObjectsCommand({ pipelineId, objectIds: ['Hello'] }));
  // Its fields as put, then its runtime fields (docs/behaviour.md §8): the run the activation opened.
  const [instanceId] = (await sdk.send(new QueryObjectsCommand({ pipelineId, sphere: 'INSTANCE' }))).ids!.filter((id) => id.startsWith('@Hello_'));
  expect(objects.pipelineObjects).toEqual([
    {
      ...ON_DEMAND[1],
      fields: [...ON_DEMAND[1].fields, { key: '@activeInstances', refValue: instanceId }, { key: '@latestRunTime', stringValue: instanceId.slice(-19) }],
    },
  ]);
  expect((await sdk.send(new QueryObjectsCommand({ pipelineId, sphere: 'COMPONENT', limit: 1 }))).ids).toEqual(['Default']);

  await sdk.send(new AddTagsCommand({ pipelineId, tags: [{ key: 'owner', value: 'me' }] }));
  await sdk.send(new RemoveTagsCommand({ pipelineId, tagKeys: ['env'] }));
  const [tagged] = (await sdk.send(new DescribePipelinesCommand({ pipelineIds: [pipelineId!] }))).pipelineDescriptionList!;
  expect(tagged.tags).toEqual([{ key: 'owner', value: 'me' }]);

  await sdk.send(new DeactivatePipelineCommand({ pipelineId }));
  const [inactive] = (await sdk.send(new DescribePipelinesCommand({ pipelineIds: [pipelineId!] }))).pipelineDescriptionList!;
  expect(fields(inactive)['@pipelineState']).toBe('INACTIVE');

  expect((await sdk.send(new ListPipelinesCommand({}))).pipelineIdList).toEqual([{ id: pipelineId, name: 'walk' }]);
  const deleted = await sdk.send(new DeletePipelineCommand({ pipelineId }));
  expect(deleted.$metadata.httpStatusCode).toBe(200);
  await sdk.send(new DeletePipelineCommand({ pipelineId })); // a retried delete
  await expect(sdk.send(new DescribePipelinesCommand({ pipelineIds: [pipelineId!] }))).rejects.toBeInstanceOf(PipelineDeletedException);
  await expect(sdk.send(new GetPipelineDefinitionCommand({ pipelineId }))).rejects.toBeInstanceOf(PipelineDeletedException);
  expect((await sdk.send(new ListPipelinesCommand({}))).pipelineIdList).toEqual([]);
  sdk.destroy();
});

it('keeps accounts apart: another access key is another account, which gets PipelineNotFoundException', async () => {
  const alice = clientFor('AKIAALICE00000000001');
  const bob = clientFor('AKIABOB0000000000001');
  const { pipelineId } = await alice.send(new CreatePipelineCommand({ name: 'alices', uniqueId: 'a' }));
  await expect(bob.send(new DescribePipelinesCommand({ pipelineIds: [pipelineId!] }))).rejects.toBeInstanceOf(PipelineNotFoundException);
  await expect(bob.send(new DeletePipelineCommand({ pipelineId }))).rejects.toBeInstanceOf(PipelineNotFoundException);
  expect((await bob.send(new ListPipelinesCommand({}))).pipelineIdList).toEqual([]);
  expect((await alice.send(new ListPipelinesCommand({}))).pipelineIdList).toEqual([{ id: pipelineId, name: 'alices' }]);
  alice.destroy();
  bob.destroy();
});

it('pages with the SDK paginator, and refuses bad input with typed, documented errors', async () => {
  const sdk = clientFor('AKIAPAGER00000000001');
  const ids = new Set<string>();
  for (let i = 0; i < 60; i++) ids.add((await sdk.send(new CreatePipelineCommand({ name: `p${i}`, uniqueId: `u${i}` }))).pipelineId!);
  const pages: number[] = [];
  const seen: string[] = [];
  for await (const page of paginateListPipelines({ client: sdk }, {})) {
    pages.push(page.pipelineIdList!.length);
    seen.push(...page.pipelineIdList!.map((p) => p.id!));
  }
  expect(pages).toEqual([50, 10]);
  expect(new Set(seen)).toEqual(ids);
  await expect(sdk.send(new CreatePipelineCommand({ name: 'x', uniqueId: 'y', tags: [{ key: 'aws:x', value: '' }] }))).rejects.toBeInstanceOf(
    InvalidRequestException,
  );
  await expect(sdk.send(new GetPipelineDefinitionCommand({ pipelineId: 'df-NONE' }))).rejects.toBeInstanceOf(PipelineNotFoundException);
  sdk.destroy();
});

it('gives unsigned calls the default account', async () => {
  const body = JSON.stringify({ name: 'unsigned', uniqueId: 'u' });
  const created = await new Promise<{ pipelineId: string }>((resolve, reject) => {
    const req = request(endpoint.apiUrl, { method: 'POST', headers: { 'X-Amz-Target': 'DataPipeline.CreatePipeline' } }, (res) => {
      let text = '';
      res.on('data', (c) => (text += c));
      res.on('end', () => resolve(JSON.parse(text)));
    });
    req.on('error', reject);
    req.end(body);
  });
  const sdk = clientFor('AKIASOMEONEELSE00001');
  await expect(sdk.send(new DescribePipelinesCommand({ pipelineIds: [created.pipelineId] }))).rejects.toBeInstanceOf(PipelineNotFoundException);
  sdk.destroy();
  const zero = clientFor(DEFAULT_ACCOUNT); // a 12-digit key is that account
  const [d] = (await zero.send(new DescribePipelinesCommand({ pipelineIds: [created.pipelineId] }))).pipelineDescriptionList!;
  expect(fields(d)['@accountId']).toBe('000000000000');
  zero.destroy();
});
