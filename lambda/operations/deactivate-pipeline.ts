/**
 * DeactivatePipeline: an activated pipeline becomes INACTIVE (ActivatePipeline resumes it); one never activated
 * stays PENDING and the call answers 200. `cancelActive` (default true) is kept for the runs.
 */
import { optional, required, SHAPES, structure } from '../model/shapes';
import type { Operation, OperationResult, RequestContext } from './operation';
import { loadPipeline, pipelineDeleted } from './pipeline-access';

export const DEACTIVATE_PIPELINE_INPUT = structure({ pipelineId: required(SHAPES.id), cancelActive: optional(SHAPES.boolean) });

interface Input {
  readonly pipelineId: string;
  readonly cancelActive?: boolean;
}

const run = async (input: Input, ctx: RequestContext): Promise<OperationResult> => {
  const loaded = await loadPipeline(ctx, input.pipelineId);
  if (loaded.error) return { ok: false, error: loaded.error };
  const written = await ctx.stores.pipelines.deactivate(input.pipelineId, input.cancelActive ?? true);
  if (written === 'gone') return { ok: false, error: pipelineDeleted(input.pipelineId) };
  return { ok: true, output: {}, log: { outcome: written === 'ok' ? 'deactivated' : 'never activated' } };
};

export const DeactivatePipeline: Operation<Input> = {
  input: DEACTIVATE_PIPELINE_INPUT,
  infoKeys: (i) => ({ pipelineId: i.pipelineId, cancelActive: i.cancelActive }),
  run,
};
