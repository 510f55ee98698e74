/** RemoveTags: removes the tags with these keys; keys the pipeline does not have are ignored. */
import { required, SHAPES, structure, STRING_LIST } from '../model/shapes';
import type { Operation } from './operation';
import { changeTags } from './tags';

interface RemoveInput {
  readonly pipelineId: string;
  readonly tagKeys: string[];
}

export const RemoveTags: Operation<RemoveInput> = {
  input: structure({ pipelineId: required(SHAPES.id), tagKeys: required(STRING_LIST) }),
  infoKeys: (i) => ({ pipelineId: i.pipelineId, removed: i.tagKeys.length }),
  run: (input, ctx) => changeTags(input.pipelineId, ctx, (tags) => tags.filter((t) => !input.tagKeys.includes(t.key))),
};
