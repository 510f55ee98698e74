/**
 * DeletePipeline: the pipeline is marked deleted (it leaves ListPipelines at once, no attempt of it is handed
 * out, and every later call that names it, or one of its tasks, gets PipelineDeletedException), then its stored
 * definitions and its run history (instances and attempts) are deleted. Repeating the call (an SDK
 * retry, or a retry after a crash between the two steps) answers 200 and finishes the clean-up.
 */
import { required, SHAPES, structure } from '../model/shapes';
import { PIPELINE_DELETED } from '../store/tables';
import type { Operation, OperationResult, RequestContext } from './operation';
import { pipelineNotFound } from './pipeline-access';

const DELETE_PIPELINE_INPUT = structure({ pipelineId: required(SHAPES.id) });

interface Input {
  readonly pipelineId: string;
}

const run = async ({ pipelineId }: Input, ctx: RequestContext): Promise<OperationResult> => {
  const pipeline = await ctx.stores.pipelines.get(pipelineId);
  // The model lists only PipelineNotFoundException for this call.
  if (!pipeline || pipeline.accountId !== ctx.caller.accountId) return { ok: false, error: pipelineNotFound(pipelineId) };
  const repeat = pipeline.state === PIPELINE_DELETED;
  if (!repeat) await ctx.stores.pipelines.markDeleted(pipelineId);
  await ctx.stores.pipelines.purgeDefinitions(pipelineId);
  await ctx.stores.runs.purgeRuns(pipelineId);
  return { ok: true, output: {}, log: { outcome: repeat ? 'already deleted' : 'deleted' } };
};

export const DeletePipeline: Operation<Input> = {
  input: DELETE_PIPELINE_INPUT,
  infoKeys: (i) => ({ pipelineId: i.pipelineId }),
  run,
};
