/**
 * QueryObjects: the ids of the objects of a sphere that match every selector, `limit` (default 100) a page, in
 * definition order, with an opaque marker. COMPONENT: the objects of the active definition, else the latest.
 * INSTANCE and ATTEMPT: the pipeline's instances and attempts, every run, in id order.
 */
import { cut } from '../model/text';
import { list, optional, required, SHAPES, structure } from '../model/shapes';
import type { Operation, OperationResult, RequestContext } from './operation';
import { decodeMarker, encodeMarker } from './markers';
import { invalidRequest, loadPipeline, readDefinition, shownVersion } from './pipeline-access';
import { runObjectsPage } from './run-reads';
import { advanceDueMarkers } from './schedule-progress';
import { conditionsOf, matches, Selector } from './selectors';

const SPHERES = ['COMPONENT', 'INSTANCE', 'ATTEMPT'] as const;
const DEFAULT_LIMIT = 100;
/** A page holds at most this many ids whatever `limit` asks (docs/behaviour.md, Limits): a larger limit gets pages of this size. */
const MAX_LIMIT = 1000;

const OPERATOR = structure({ type: optional(SHAPES.string), values: optional(list(SHAPES.string)) });
const SELECTOR = structure({ fieldName: optional(SHAPES.string), operator: optional(OPERATOR) });

const QUERY_OBJECTS_INPUT = structure({
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
    return { ok: false, error: invalidRequest(`Sphere '${cut(input.sphere, 32)}' is not valid: use ${SPHERES.join(', ')}.`) };
  }
  if (input.limit !== undefined && input.limit < 1) return { ok: false, error: invalidRequest(`limit must be at least 1; it is ${input.limit}.`) };
  const limit = Math.min(input.limit ?? DEFAULT_LIMIT, MAX_LIMIT);
  const conditions = conditionsOf(input.query?.selectors ?? []);
  if (typeof conditions === 'string') return { ok: false, error: invalidRequest(conditions) };
  const runtime = input.sphere !== 'COMPONENT';
  let position: { offset: number } | { after: string } | undefined;
  if (input.marker !== undefined && input.marker !== '') {
    const decoded = runtime
      ? decodeMarker<{ after: string }>(input.marker, (v) => typeof v.after === 'string' && v.after.startsWith('@'))
      : decodeMarker<{ offset: number }>(input.marker, (v) => Number.isSafeInteger(v.offset) && (v.offset as number) >= 0);
    if (decoded.error) return { ok: false, error: decoded.error };
    position = decoded.value;
  }
  const loaded = await loadPipeline(ctx, input.pipelineId);
  if (loaded.error) return { ok: false, error: loaded.error };
  if (runtime) return runtimePage(ctx, input, conditions, limit, position && 'after' in position ? position.after : undefined);
  const read = await readDefinition(ctx, loaded.pipeline, shownVersion);
  if ('error' in read) return { ok: false, error: read.error };
  const offset = position && 'offset' in position ? position.offset : 0;
  const ids = read.definition.pipelineObjects.filter((o) => matches(o, input.sphere, conditions)).map((o) => o.id);
  const page = ids.slice(offset, offset + limit);
  const more = offset + limit < ids.length;
  return {
    ok: true,
    output: { ids: page, ...(more && { marker: encodeMarker({ offset: offset + limit }) }), hasMoreResults: more },
    log: { count: page.length },
  };
};

/** How many engine pages one call reads at most, looking for `limit` matches (a page may hold few: selectors filter). */
const PAGES_PER_CALL = 4;

/**
 * Instances or attempts, in id order, a page at a time: the call reads what its page needs (at most
 * PAGES_PER_CALL engine pages of 2 x limit items), never the history; a page that found fewer than `limit`
 * matches still carries a marker while more may follow, as the SDK paginators expect.
 */
const runtimePage = async (
  ctx: RequestContext,
  input: Input,
  conditions: Exclude<ReturnType<typeof conditionsOf>, string>,
  limit: number,
  after: string | undefined,
): Promise<OperationResult> => {
  if (after === undefined) await advanceDueMarkers(ctx, input.pipelineId, ctx.caller.accountId); // the due periods, opened (§10)
  const ids: string[] = [];
  let cursor = after;
  for (let round = 0; round < PAGES_PER_CALL && ids.length < limit; round++) {
    const page = await runObjectsPage(ctx, input.pipelineId, cursor, Math.min(2 * limit, 1000));
    const sorted = page.objects.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    for (const o of sorted) {
      if (ids.length === limit) break;
      cursor = o.id;
      const sphere = o.fields.find((f) => f.key === '@sphere')?.stringValue;
      if (sphere === input.sphere && matches(o, input.sphere, conditions)) ids.push(o.id);
    }
    if (ids.length === limit) break;
    cursor = page.next;
    if (cursor === undefined) break;
  }
  const more = cursor !== undefined;
  return { ok: true, output: { ids, ...(more && { marker: encodeMarker({ after: cursor! }) }), hasMoreResults: more }, log: { count: ids.length } };
};

export const QueryObjects: Operation<Input> = {
  input: QUERY_OBJECTS_INPUT,
  infoKeys: (i) => ({ pipelineId: i.pipelineId, sphere: i.sphere, limit: i.limit }),
  run,
};
