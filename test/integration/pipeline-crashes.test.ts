/**
 * A crash between any two DynamoDB requests of the multi-item calls (PutPipelineDefinition, DeletePipeline)
 * leaves nothing a later call would report wrongly, and a retry of the call completes it. The crash is a
 * client that dies just before its N-th request is sent, for every N the call makes.
 */
import { QueryCommand } from '@aws-sdk/client-dynamodb';
import { countRequests, dispatcherFor, startTestEngine, TestEngine } from '../support/engine';
import { createPipeline, object, ON_DEMAND, op } from '../support/pipelines';
import { ATTR } from '../../lambda/store/tables';
import { dynamoDbClient } from '../../local/dynamodb';

let engine: TestEngine;
beforeAll(async () => {
  engine = await startTestEngine();
});
afterAll(() => engine.close());

/** A client whose process "dies" just before its n-th request (1-based) goes out, and stays dead. */
const dyingClient = (n: number) => {
  const client = dynamoDbClient(engine.endpoint);
  let sent = 0;
  client.middlewareStack.add(
    (next) => async (args) => {
      if (++sent >= n) throw new Error(`simulated crash before request ${n}`);
      return next(args);
    },
    { step: 'finalizeRequest', name: 'dieBeforeRequest' },
  );
  return client;
};

/** How many requests a call makes, counted on a healthy client. */
const requestsOf = async (call: (dispatch: ReturnType<typeof dispatcherFor>) => Promise<unknown>) => {
  const client = dynamoDbClient(engine.endpoint);
  const counter = countRequests(client);
  await call(dispatcherFor(engine, { client }));
  client.destroy();
  return counter.names.length;
};

/** The versions stored for a pipeline, from the chunk keys. */
const storedVersions = async (pipelineId: string) => {
  const res = await engine.client.send(
    new QueryCommand({
      TableName: engine.names.definitions,
      KeyConditionExpression: '#p = :p',
      ExpressionAttributeNames: { '#p': ATTR.pipelineId },
      ExpressionAttributeValues: { ':p': { S: pipelineId } },
      ConsistentRead: true,
    }),
  );
  return new Set((res.Items ?? []).map((i) => i[ATTR.chunk].S!.split('#')[0]));
};

const healthy = () => dispatcherFor(engine);
const OLD = ON_DEMAND;
// Big enough to take two chunks, so that a crash can fall between the chunk writes too.
const NEW = [...ON_DEMAND, ...Array.from({ length: 20 }, (_, i) => object(`Big${i}`, { type: 'Exists', myText: 'é'.repeat(5000) }))];

describe('PutPipelineDefinition', () => {
  it('after a crash before any of its requests, the pipeline shows the old definition or the new one, whole; a retry makes it the new one and collects the rest', async () => {
    const setUp = async () => {
      const id = await createPipeline(healthy());
      await op(healthy(), 'PutPipelineDefinition', { pipelineId: id, pipelineObjects: OLD });
      await op(healthy(), 'ActivatePipeline', { pipelineId: id });
      await op(healthy(), 'PutPipelineDefinition', { pipelineId: id, pipelineObjects: OLD }); // a latest that is not the active one
      return id;
    };
    const probe = await setUp();
    // GetItem, BatchWriteItem (the chunks), UpdateItem (the pointer), Query (the chunk keys), BatchWriteItem (the stale ones)
    const total = await requestsOf((d) => op(d, 'PutPipelineDefinition', { pipelineId: probe, pipelineObjects: NEW }));
    expect(total).toBe(5);
    for (let n = 1; n <= total; n++) {
      const id = await setUp();
      const client = dyingClient(n);
      const crashed = await op(dispatcherFor(engine, { client }), 'PutPipelineDefinition', { pipelineId: id, pipelineObjects: NEW });
      client.destroy();
      expect([n, crashed.body.__type]).toEqual([n, 'InternalServiceError']);
      const latest = (await op(healthy(), 'GetPipelineDefinition', { pipelineId: id })).body.pipelineObjects;
      expect([n, latest.length === OLD.length ? 'old' : latest.length === NEW.length ? 'new' : 'partial']).not.toEqual([n, 'partial']);
      expect((await op(healthy(), 'GetPipelineDefinition', { pipelineId: id, version: 'active' })).body.pipelineObjects).toEqual(OLD);
      const retry = await op(healthy(), 'PutPipelineDefinition', { pipelineId: id, pipelineObjects: NEW });
      expect(retry.status).toBe(200);
      expect((await op(healthy(), 'GetPipelineDefinition', { pipelineId: id })).body.pipelineObjects).toEqual(NEW);
      expect((await op(healthy(), 'GetPipelineDefinition', { pipelineId: id, version: 'active' })).body.pipelineObjects).toEqual(OLD);
      expect([n, (await storedVersions(id)).size]).toEqual([n, 2]); // the latest and the active one, nothing else
    }
  });
});

describe('DeletePipeline', () => {
  it('after a crash before any of its requests, the pipeline is whole or deleted; a retry answers 200 and leaves no definition behind', async () => {
    const setUp = async () => {
      const id = await createPipeline(healthy());
      await op(healthy(), 'PutPipelineDefinition', { pipelineId: id, pipelineObjects: NEW });
      await op(healthy(), 'ActivatePipeline', { pipelineId: id });
      return id;
    };
    const probe = await setUp();
    const total = await requestsOf((d) => op(d, 'DeletePipeline', { pipelineId: probe }));
    expect(total).toBeGreaterThanOrEqual(4);
    for (let n = 1; n <= total; n++) {
      const id = await setUp();
      const client = dyingClient(n);
      expect((await op(dispatcherFor(engine, { client }), 'DeletePipeline', { pipelineId: id })).body.__type).toBe('InternalServiceError');
      client.destroy();
      const described = await op(healthy(), 'DescribePipelines', { pipelineIds: [id] });
      if (described.status === 200) {
        expect((await op(healthy(), 'GetPipelineDefinition', { pipelineId: id })).body.pipelineObjects).toEqual(NEW);
      } else {
        expect(described.body.__type).toBe('PipelineDeletedException');
        expect((await op(healthy(), 'ListPipelines', {})).body.pipelineIdList.map((p: { id: string }) => p.id)).not.toContain(id);
      }
      expect(await op(healthy(), 'DeletePipeline', { pipelineId: id })).toEqual({ status: 200, body: {} });
      expect([n, (await storedVersions(id)).size]).toEqual([n, 0]);
    }
  });
});
