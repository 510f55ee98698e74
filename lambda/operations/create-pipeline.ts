/**
 * CreatePipeline: idempotent on name + uniqueId within the caller's account. The pipeline id is derived from
 * (account, name, uniqueId, generation), so concurrent identical calls compute the same id and one conditional
 * write decides: every caller gets that pipeline's id. A deleted pipeline's combination starts the next generation.
 */
import { createHash } from 'node:crypto';
import { optional, required, SHAPES, structure, TAG_LIST } from '../model/shapes';
import type { Tag } from '../store/pipeline-store';
import { PIPELINE_DELETED } from '../store/tables';
import type { Operation, OperationResult, RequestContext } from './operation';
import { invalidRequest } from './pipeline-access';
import { MAX_TAGS, mergeTags, reservedKeyIn, reservedKeyMessage, tooManyTagsMessage } from './tags';

const CREATE_PIPELINE_INPUT = structure({
  name: required(SHAPES.id),
  uniqueId: required(SHAPES.id),
  description: optional(SHAPES.string),
  tags: optional(TAG_LIST),
});

interface Input {
  readonly name: string;
  readonly uniqueId: string;
  readonly description?: string;
  readonly tags?: Tag[];
}

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';

/** `df-` and 20 upper-case alphanumerics, like AWS's ids, derived from what makes a pipeline the same one. */
const pipelineIdFor = (accountId: string, name: string, uniqueId: string, generation: number): string => {
  const digest = createHash('sha256')
    .update([accountId, name, uniqueId, String(generation)].join('\u0000'))
    .digest();
  return `df-${Array.from(digest.subarray(0, 20), (b) => ALNUM[b % ALNUM.length]).join('')}`;
};

/** How many deleted pipelines of one name + uniqueId a CreatePipeline walks past before it gives up. */
const MAX_GENERATIONS = 1000;

const run = async (input: Input, ctx: RequestContext): Promise<OperationResult> => {
  const tags = mergeTags([], input.tags ?? []);
  const reserved = reservedKeyIn(tags.map((t) => t.key));
  if (reserved !== undefined) return { ok: false, error: invalidRequest(reservedKeyMessage(reserved)) };
  if (tags.length > MAX_TAGS) return { ok: false, error: invalidRequest(tooManyTagsMessage(tags.length)) };
  const { accountId, userId } = ctx.caller;
  const creationTime = ctx.now().toISOString();
  for (let generation = 0; generation < MAX_GENERATIONS; generation++) {
    const pipelineId = pipelineIdFor(accountId, input.name, input.uniqueId, generation);
    const result = await ctx.stores.pipelines.create({
      pipelineId,
      accountId,
      userId,
      name: input.name,
      uniqueId: input.uniqueId,
      ...(input.description !== undefined && { description: input.description }),
      tags,
      creationTime,
    });
    const done = (outcome: string): OperationResult => ({ ok: true, output: { pipelineId }, log: { pipelineId, outcome } });
    if (result.created) return done('created');
    const { existing } = result;
    const same = existing.accountId === accountId && existing.name === input.name && existing.uniqueId === input.uniqueId;
    if (same && existing.state !== PIPELINE_DELETED) return done('existing');
  }
  throw new Error(`more than ${MAX_GENERATIONS} deleted pipelines share this name and uniqueId`);
};

export const CreatePipeline: Operation<Input> = {
  input: CREATE_PIPELINE_INPUT,
  infoKeys: (i) => ({ name: i.name, uniqueId: i.uniqueId }),
  debugKeys: (i) => ({ description: i.description, tags: i.tags?.length }),
  run,
};
