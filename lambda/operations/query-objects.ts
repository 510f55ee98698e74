/**
 * QueryObjects: the ids of the objects of a sphere that match every selector, `limit` (default 100) a page, in
 * definition order, with an opaque marker. COMPONENT: the objects of the active definition, else the latest.
 * INSTANCE and ATTEMPT: the pipeline's instances and attempts, every run, in id order.
 */
import { list, optional, required, SHAPES, structure } from '../model/shapes';
import type { PipelineObject } from '../definitions/definition';
import type { Operation, OperationResult, RequestContext } from './operation';
import { decodeMarker, encodeMarker } from './markers';
import { invalidRequest, loadPipeline, readDefinition, shownVersion } from './pipeline-access';
import { runObjects } from './run-objects';
import { runObjectsNow } from './run-progress';
import { conditionsOf, matches, Selector } from './selectors';

export const SPHERES = ['COMPONENT', 'INSTANCE', 'ATTEMPT'] as const;
export const DEFAULT_LIMIT = 100;
/** A page holds at most this many ids whatever `limit` asks (docs/behaviour.md, Limits): a larger limit gets pages of this size. */
export const MAX_LIMIT = 1000;

const OPERATOR = structure({ type: optional(SHAPES.string), values: optional(list(SHAPES.string)) });
const SELECTOR = structure({ fieldName: optional(SHAPES.string), operator: optional(OPERATOR) });

export const QUERY_OBJECTS_INPUT = structure({
  pipelineId: required(SHAPES.id),
  query: optional(structure({ selectors: optional(list(SELECTOR)) })),
  sphere: required(SHAPES.string),
  marker: optional(SHAPES.string),
  limit: optional(SHAPES.int),
});

interface Input {
  readonly pipelineId: string;
  readonly query?: { selectors?: Selector[] };
  readonly sphere: string;
  readonly marker?: string;
  readonly limit?: number;
}

const run = async (input: Input, ctx: RequestContext): Promise<OperationResult> => {
  if (!(SPHERES as readonly string[]).includes(input.sphere)) {
    return { ok: false, error: invalidRequest(`Sphere '${input.sphere.slice(0, 32)}' is not valid: use ${SPHERES.join(', ')}.`) };
  }
  if (input.limit !== undefined && input.limit < 1) return { ok: false, error: invalidRequest(`limit must be at least 1; it is ${input.limit}.`) };
  const limit = Math.min(input.limit ?? DEFAULT_LIMIT, MAX_LIMIT);
  const conditions = conditionsOf(input.query?.selectors ?? []);
  if (typeof conditions === 'string') return { ok: false, error: invalidRequest(conditions) };
  let offset = 0;
  if (input.marker !== undefined && input.marker !== '') {
    const decoded = decodeMarker<{ offset: number }>(input.marker, (v) => Number.isSafeInteger(v.offset) && (v.offset as number) >= 0);
    if (decoded.error) return { ok: false, error: decoded.error };
    offset = decoded.value.offset;
  }
  const loaded = await loadPipeline(ctx, input.pipelineId);
  if (loaded.error) return { ok: false, error: loaded.error };
  let candidates: readonly PipelineObject[] = [];
  if (input.sphere === 'COMPONENT') {
    const read = await readDefinition(ctx, loaded.pipeline, shownVersion);
    if ('error' in read) return { ok: false, error: read.error };
    candidates = read.definition.pipelineObjects;
  } else {
    candidates = runObjects(await runObjectsNow(ctx, input.pipelineId, ctx.caller.accountId), input.sphere as 'INSTANCE' | 'ATTEMPT');
  }
  const ids = candidates.filter((o) => matches(o, input.sphere, conditions)).map((o) => o.id);
  const page = ids.slice(offset, offset + limit);
  const more = offset + limit < ids.length;
  return {
    ok: true,
    output: { ids: page, ...(more && { marker: encodeMarker({ offset: offset + limit }) }), hasMoreResults: more },
    log: { count: page.length },
  };
};

export const QueryObjects: Operation<Input> = {
  input: QUERY_OBJECTS_INPUT,
  infoKeys: (i) => ({ pipelineId: i.pipelineId, sphere: i.sphere, limit: i.limit }),
  run,
};
