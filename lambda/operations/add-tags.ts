/** AddTags: adds tags, or gives existing keys new values; at most 10 tags in all, no `aws:` keys. */
import { required, SHAPES, structure, TAG_LIST } from '../model/shapes';
import type { Tag } from '../store/pipeline-store';
import type { Operation } from './operation';
import { invalidRequest } from './pipeline-access';
import { changeTags, MAX_TAGS, mergeTags, reservedKeyIn, reservedKeyMessage, tooManyTagsMessage } from './tags';

interface AddInput {
  readonly pipelineId: string;
  readonly tags: Tag[];
}

export const AddTags: Operation<AddInput> = {
  input: structure({ pipelineId: required(SHAPES.id), tags: required(TAG_LIST) }),
  infoKeys: (i) => ({ pipelineId: i.pipelineId, added: i.tags.length }),
  run: (input, ctx) => {
    const reserved = reservedKeyIn(input.tags.map((t) => t.key));
    if (reserved !== undefined) return Promise.resolve({ ok: false, error: invalidRequest(reservedKeyMessage(reserved)) });
    return changeTags(input.pipelineId, ctx, (tags) => {
      const after = mergeTags(tags, input.tags);
      return after.length > MAX_TAGS ? { error: tooManyTagsMessage(after.length) } : after;
    });
  },
};
