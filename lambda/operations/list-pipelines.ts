/**
 * ListPipelines: the caller's pipelines that are not deleted, 50 a page, in pipeline id order. The marker
 * names the last id of the page, so paging never repeats or skips a pipeline that exists throughout.
 */
import { optional, SHAPES, structure } from '../model/shapes';
import type { Operation, OperationResult, RequestContext } from './operation';
import { decodeMarker, encodeMarker } from './markers';

const LIST_PAGE_SIZE = 50;

const LIST_PIPELINES_INPUT = structure({ marker: optional(SHAPES.string) });

interface Input {
  readonly marker?: string;
}

const run = async (input: Input, ctx: RequestContext): Promise<OperationResult> => {
  let after: string | undefined;
  if (input.marker !== undefined && input.marker !== '') {
    const decoded = decodeMarker<{ after: string }>(input.marker, (v) => typeof v.after === 'string');
    if (decoded.error) return { ok: false, error: decoded.error };
    after = decoded.value.after;
  }
  const page = await ctx.stores.pipelines.listPage(ctx.caller.accountId, after, LIST_PAGE_SIZE);
  return {
    ok: true,
    output: {
      pipelineIdList: page.pipelines.map((p) => ({ id: p.id, name: p.name })),
      ...(page.next !== undefined && { marker: encodeMarker({ after: page.next }) }),
      hasMoreResults: page.next !== undefined,
    },
    log: { count: page.pipelines.length },
  };
};

export const ListPipelines: Operation<Input> = {
  input: LIST_PIPELINES_INPUT,
  infoKeys: (i) => ({ marker: i.marker }),
  run,
};
