/**
 * DeactivatePipeline: an activated pipeline becomes INACTIVE (ActivatePipeline resumes it); one never activated
 * stays PENDING and the call answers 200. With `cancelActive` (default true) its running instances and their
 * attempts and tasks are CANCELED; waiting ones wait for the next activation.
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
  const cancelActive = input.cancelActive ?? true;
  const written = await ctx.stores.pipelines.deactivate(input.pipelineId, cancelActive);
  if (written === 'gone') return { ok: false, error: pipelineDeleted(input.pipelineId) };
  // No attempt is handed out while the pipeline is inactive (PollForTask checks); the running ones are canceled
  // now, or left to finish with cancelActive false (the model's doc).
  const canceled = written === 'ok' && cancelActive ? await cancelRunning(ctx, input.pipelineId) : 0;
  return { ok: true, output: {}, log: { outcome: written === 'ok' ? 'deactivated' : 'never activated', canceled } };
};

const cancelRunning = async (ctx: RequestContext, pipelineId: string): Promise<number> => {
  const { instances, attempts } = await ctx.stores.runs.objectsOf(pipelineId);
  const at = ctx.now().toISOString();
  let canceled = 0;
  for (const a of attempts.filter((x) => x.status === 'RUNNING')) {
    await ctx.stores.runs.cancelAttempt(pipelineId, a.attemptId, at);
    if (a.taskId) await ctx.stores.tasks.cancelTask(a.taskId);
  }
  for (const i of instances.filter((x) => x.status === 'RUNNING')) {
    if (await ctx.stores.runs.setInstanceStatus(pipelineId, i.instanceId, ['RUNNING'], 'CANCELED')) canceled++;
  }
  return canceled;
};

export const DeactivatePipeline: Operation<Input> = {
  input: DEACTIVATE_PIPELINE_INPUT,
  infoKeys: (i) => ({ pipelineId: i.pipelineId, cancelActive: i.cancelActive }),
  run,
};
