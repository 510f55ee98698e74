/**
 * DescribeObjects: the components (objects of the active definition, else the latest) with the ids asked for,
 * in the order asked, with their fields as put; and the instances and attempts asked for (docs/behaviour.md §8). Ids that name no object are left out. Up to 100 ids: the
 * model's doc says 25, but `aws datapipeline list-runs` sends 100 a call.
 */
import { list, optional, required, SHAPES, structure } from '../model/shapes';
import type { PipelineObject } from '../definitions/definition';
import type { Operation, OperationResult, RequestContext } from './operation';
import { evaluatedObjects } from './object-expressions';
import { allRunObjects } from './run-objects';
import { runObjectsNow } from './run-progress';
import { loadPipeline, readDefinition, shownVersion, withActivationValues } from './pipeline-access';

export const MAX_DESCRIBED_OBJECTS = 100;

export const DESCRIBE_OBJECTS_INPUT = structure({
  pipelineId: required(SHAPES.id),
  objectIds: required(list(SHAPES.id, { max: MAX_DESCRIBED_OBJECTS })),
  evaluateExpressions: optional(SHAPES.boolean),
  marker: optional(SHAPES.string),
});

interface Input {
  readonly pipelineId: string;
  readonly objectIds: string[];
  readonly evaluateExpressions?: boolean;
  readonly marker?: string;
}

const run = async (input: Input, ctx: RequestContext): Promise<OperationResult> => {
  const loaded = await loadPipeline(ctx, input.pipelineId);
  if (loaded.error) return { ok: false, error: loaded.error };
  const read = await readDefinition(ctx, loaded.pipeline, shownVersion);
  if ('error' in read) return { ok: false, error: read.error };
  const byId = new Map<string, PipelineObject>(read.definition.pipelineObjects.map((o) => [o.id, o]));
  // Instance and attempt ids start with @ (component ids cannot be looked up this way anyway).
  const runtime: PipelineObject[] = [];
  if (input.objectIds.some((id) => id.startsWith('@'))) {
    const objects = await runObjectsNow(ctx, input.pipelineId, ctx.caller.accountId);
    runtime.push(...allRunObjects(objects));
    for (const o of runtime) byId.set(o.id, o);
  }
  const found = [...new Set(input.objectIds)].flatMap((id) => {
    const o = byId.get(id);
    return o ? [{ id: o.id, name: o.name, fields: o.fields }] : [];
  });
  const pipelineObjects = input.evaluateExpressions ? evaluatedObjects(withActivationValues(read.definition, read.pipeline), found, runtime) : found;
  return { ok: true, output: { pipelineObjects, hasMoreResults: false }, log: { count: pipelineObjects.length } };
};

export const DescribeObjects: Operation<Input> = {
  input: DESCRIBE_OBJECTS_INPUT,
  infoKeys: (i) => ({ pipelineId: i.pipelineId, objectId: i.objectIds[0], count: i.objectIds.length }),
  run,
};
