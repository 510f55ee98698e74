/**
 * DeactivatePipeline: an activated pipeline becomes INACTIVE (ActivatePipeline resumes it); one never activated
 * stays PENDING and the call answers 200. With `cancelActive` (default true) its running instances and their
 * attempts and tasks are CANCELED; waiting ones wait for the next activation.
 */
import { optional, required, SHAPES, structure } from '../model/shapes';
import { openInstances, park } from './parking';
import type { Operation, OperationResult, RequestContext } from './operation';
import { loadPipeline, pipelineDeleted } from './pipeline-access';
import { endLiveAttempt } from './run-progress';
import { cancel } from '../runs/transitions';

const DEACTIVATE_PIPELINE_INPUT = structure({ pipelineId: required(SHAPES.id), cancelActive: optional(SHAPES.boolean) });

interface Input {
  readonly pipelineId: string;
  readonly cancelActive?: boolean;
}

const run = async (input: Input, ctx: RequestContext): Promise<OperationResult> => {
  const loaded = await loadPipeline(ctx, input.pipelineId);
  if (loaded.error) return { ok: false, error: loaded.error };
  const cancelActive = input.cancelActive ?? true;
  const written = await ctx.stores.pipelines.deactivate(input.pipelineId, cancelActive, ctx.now().toISOString());
  if (written === 'gone') return { ok: false, error: pipelineDeleted(input.pipelineId) };
  // No attempt is handed out while the pipeline is inactive (PollForTask checks); the running ones are canceled
  // now, or left to finish with cancelActive false (the model's doc).
  let canceled = 0;
  if (written === 'ok') {
    const open = await openInstances(ctx, input.pipelineId);
    if (cancelActive) canceled = await cancelRunning(ctx, input.pipelineId, open);
    await park(ctx, input.pipelineId, open.heads); // out of the ready index while inactive
  }
  return { ok: true, output: {}, log: { outcome: written === 'ok' ? 'deactivated' : 'never activated', canceled } };
};

/**
 * The running instances (among the open ones of the run summary, read by key): CANCELED as TRY_CANCEL cancels
 * them, their task first (a runner whose SetTaskStatus already won keeps its outcome), and with cascade their
 * consumers CASCADE_FAILED, so that the run ends and the pipeline can be activated again.
 */
const cancelRunning = async (ctx: RequestContext, pipelineId: string, open: Awaited<ReturnType<typeof openInstances>>): Promise<number> => {
  const at = ctx.now().toISOString();
  const heads = new Map(open.heads.map((a) => [a.attemptId, a]));
  let canceled = 0;
  for (const i of open.instances.filter((x) => x.status === 'RUNNING')) {
    if ((await endLiveAttempt(ctx, pipelineId, i, at, i.headAttempt === undefined ? undefined : heads.get(i.headAttempt))) === 'runner') continue;
    await ctx.stores.runs.apply(pipelineId, ctx.caller.accountId, cancel(i), at);
    canceled++;
  }
  return canceled;
};

export const DeactivatePipeline: Operation<Input> = {
  input: DEACTIVATE_PIPELINE_INPUT,
  infoKeys: (i) => ({ pipelineId: i.pipelineId, cancelActive: i.cancelActive }),
  run,
};
