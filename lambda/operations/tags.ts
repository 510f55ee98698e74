/** Tag rules shared by CreatePipeline, AddTags and RemoveTags (the model's tagList: at most 10). */
import { cut } from '../model/text';
import type { Tag } from '../store/pipeline-store';
import type { OperationResult, RequestContext } from './operation';
import { invalidRequest, loadPipeline, pipelineDeleted } from './pipeline-access';

export const MAX_TAGS = 10;
const RESERVED_PREFIX = 'aws:';

/** The first reserved key in `tags`, if any (`aws:` in any case is AWS's own). */
export const reservedKeyIn = (keys: readonly string[]): string | undefined => keys.find((k) => k.toLowerCase().startsWith(RESERVED_PREFIX));

export const reservedKeyMessage = (key: string) => `Tag key '${cut(key, 128)}' is not allowed: keys starting with '${RESERVED_PREFIX}' are reserved for AWS.`;

/** `base` with `added` applied in order: a key already there takes the new value in its place; new keys go last. */
export const mergeTags = (base: readonly Tag[], added: readonly Tag[]): Tag[] => {
  const out = base.map((t) => ({ ...t }));
  for (const t of added) {
    const at = out.findIndex((x) => x.key === t.key);
    if (at >= 0) out[at] = { key: t.key, value: t.value };
    else out.push({ key: t.key, value: t.value });
  }
  return out;
};

export const tooManyTagsMessage = (count: number) => `A pipeline can have at most ${MAX_TAGS} tags; this would give it ${count}.`;

const ROUNDS = 5;

/** Applies `change` to the pipeline's current tags until the write lands, or answers the error `change` gives. */
export const changeTags = async (
  pipelineId: string,
  ctx: RequestContext,
  change: (tags: readonly Tag[]) => Tag[] | { error: string },
): Promise<OperationResult> => {
  for (let round = 0; round < ROUNDS; round++) {
    const loaded = await loadPipeline(ctx, pipelineId);
    if (loaded.error) return { ok: false, error: loaded.error };
    const after = change(loaded.pipeline.tags);
    if ('error' in after) return { ok: false, error: invalidRequest(after.error) };
    const written = await ctx.stores.pipelines.replaceTags(pipelineId, loaded.pipeline.tags, after);
    if (written === 'ok') return { ok: true, output: {}, log: { tags: after.length } };
    if (written === 'gone') return { ok: false, error: pipelineDeleted(pipelineId) };
  }
  throw new Error(`the tags of ${pipelineId} kept changing`);
};
