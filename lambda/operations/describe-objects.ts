/**
 * DescribeObjects: the components (objects of the active definition, else the latest) with the ids asked for,
 * in the order asked, with their fields as put; and the instances and attempts asked for (docs/behaviour.md §8). Ids that name no object are left out. Up to 100 ids: the
 * model's doc says 25, but `aws datapipeline list-runs` sends 100 a call.
 */
import { list, optional, required, SHAPES, structure } from '../model/shapes';
import type { Definition, PipelineObject } from '../definitions/definition';
import { referrerOf } from '../definitions/activity-settings';
import { Evaluation } from '../expressions/evaluate';
import { decodeMarker, encodeMarker } from './markers';
import { payloadBytes } from '../protocol/aws-json';
import type { Operation, OperationResult, RequestContext } from './operation';
import { evaluatedObjects } from './object-expressions';
import { runObjectsById } from './run-reads';
import { componentRuntimeFields, runsAsTasks, withComponentFields } from './run-objects';
import { isOnDemand } from '../runs/plan-run';
import { Inheritance } from '../definitions/inheritance';
import { loadPipeline, readDefinition, shownVersion, withActivationValues } from './pipeline-access';

const MAX_DESCRIBED_OBJECTS = 100;

/**
 * The UTF-8 bytes of the objects one answer carries (docs/behaviour.md, Limits): past them the answer stops with
 * `hasMoreResults` and a marker, so that it stays under Lambda's 6 MB whatever the objects hold (a reported field
 * or error text can make an attempt 300 KB). An object that is over it alone is answered alone, unevaluated if
 * evaluation made it larger than the answer bound.
 */
export const DESCRIBE_PAGE_BYTES = 4 * 1024 * 1024;
const ALONE_BYTES = 5 * 1024 * 1024;

/** As the answer guard counts them: in API Gateway's proxy result, where quotes and backslashes count twice. */
const jsonBytes = (o: unknown): number => payloadBytes(JSON.stringify(o));

const DESCRIBE_OBJECTS_INPUT = structure({
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

/**
 * An object with its expressions evaluated in its own context. A precondition's instance or attempt also sees
 * `node`, the activity it guards, in its run's period, as its task object does (dp-pipeline-expressions: "node"
 * in preconditions), so `#{node.@scheduledStartTime}` shows as the runner got it.
 */
const evaluatedIn = (
  evaluation: Evaluation,
  definition: Definition,
  objects: Inheritance,
  o: PipelineObject,
  runtime: readonly PipelineObject[],
): PipelineObject => {
  const value = (key: string) => o.fields.find((f) => f.key === key);
  const componentId = value('@componentParent')?.refValue;
  const guarded = componentId === undefined ? undefined : referrerOf(objects, componentId, ['precondition']);
  if (!guarded) return evaluatedObjects(evaluation, definition, [o], runtime)[0];
  const period = ['@scheduledStartTime', '@scheduledEndTime'].flatMap((key) => value(key) ?? []);
  return evaluatedObjects(evaluation, definition, [o], runtime, period, guarded.id)[0];
};

const run = async (input: Input, ctx: RequestContext): Promise<OperationResult> => {
  const loaded = await loadPipeline(ctx, input.pipelineId);
  if (loaded.error) return { ok: false, error: loaded.error };
  const read = await readDefinition(ctx, loaded.pipeline, shownVersion);
  if ('error' in read) return { ok: false, error: read.error };
  const byId = new Map<string, PipelineObject>(read.definition.pipelineObjects.map((o) => [o.id, o]));
  // Instance and attempt ids start with @ (component ids cannot be looked up this way anyway).
  const objects = new Inheritance(read.definition.pipelineObjects);
  const runtime: PipelineObject[] = [];
  if (input.objectIds.some((id) => id.startsWith('@'))) {
    runtime.push(...(await runObjectsById(ctx, input.pipelineId, input.objectIds)).map((o) => withComponentFields(objects, o)));
    for (const o of runtime) byId.set(o.id, o);
  }
  // Components that run show their runtime fields, from the run summary (one read, by key).
  const components = [...new Set(input.objectIds)].filter((id) => !id.startsWith('@') && byId.has(id) && runsAsTasks(objects, byId.get(id)!));
  if (components.length > 0) {
    const summary = await ctx.stores.runs.summary(input.pipelineId);
    const onDemand = isOnDemand(read.definition);
    for (const id of components) {
      const o = byId.get(id)!;
      const runtimeFields = componentRuntimeFields(objects, o, summary, read.pipeline, onDemand);
      if (runtimeFields.length > 0) byId.set(id, { ...o, fields: [...o.fields, ...runtimeFields] });
    }
  }
  const found = [...new Set(input.objectIds)].flatMap((id) => {
    const o = byId.get(id);
    return o ? [{ id: o.id, name: o.name, fields: o.fields }] : [];
  });
  let offset = 0;
  if (input.marker !== undefined && input.marker !== '') {
    const decoded = decodeMarker<{ offset: number }>(input.marker, (v) => Number.isSafeInteger(v.offset) && (v.offset as number) >= 0);
    if (decoded.error) return { ok: false, error: decoded.error };
    offset = decoded.value.offset;
  }
  const evaluation = new Evaluation(ctx.deadline);
  const definition = withActivationValues(read.definition, read.pipeline);
  const pipelineObjects: PipelineObject[] = [];
  let bytes = 0;
  let next = offset;
  for (; next < found.length; next++) {
    const written = found[next];
    let shown = input.evaluateExpressions ? evaluatedIn(evaluation, definition, objects, written, runtime) : written;
    let size = jsonBytes(shown);
    if (pipelineObjects.length === 0 && size > ALONE_BYTES && shown !== written) {
      shown = written;
      size = jsonBytes(shown);
    }
    if (pipelineObjects.length > 0 && bytes + size > DESCRIBE_PAGE_BYTES) break;
    pipelineObjects.push(shown);
    bytes += size;
  }
  const more = next < found.length;
  return {
    ok: true,
    output: { pipelineObjects, hasMoreResults: more, ...(more && { marker: encodeMarker({ offset: next }) }) },
    log: { count: pipelineObjects.length },
  };
};

export const DescribeObjects: Operation<Input> = {
  input: DESCRIBE_OBJECTS_INPUT,
  infoKeys: (i) => ({ pipelineId: i.pipelineId, objectId: i.objectIds[0], count: i.objectIds.length }),
  run,
};
