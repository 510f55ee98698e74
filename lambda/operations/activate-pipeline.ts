/**
 * ActivatePipeline: refuses a definition with validation errors; otherwise the pipeline is SCHEDULED, the
 * latest definition becomes the active one, and `startTimestamp` and `parameterValues` are kept for the runs.
 * An on-demand pipeline starts a run; a scheduled one opens its due periods.
 * A pipeline without a definition may be activated (it does nothing), as moto does; AWS documents nothing else.
 */
import { inDateRange } from '../expressions/datetime';
import { validateDefinition } from '../definitions/validate';
import type { Definition } from '../definitions/definition';
import { isOnDemand, planRun } from '../runs/plan-run';
import { runObjectsNow } from './run-progress';
import { scheduleRefusal, workerGroupsOf } from './schedule-progress';
import { FINAL_INSTANCE_STATUSES } from '../runs/run-model';
import { list, optional, PARAMETER_VALUE, required, SHAPES, structure } from '../model/shapes';
import type { ParameterValue } from '../definitions/definition';
import { reportSummary } from './definition-report';
import type { Operation, OperationResult, RequestContext } from './operation';
import { invalidRequest, loadPipeline, pipelineDeleted, readDefinition } from './pipeline-access';

export const ACTIVATE_PIPELINE_INPUT = structure({
  pipelineId: required(SHAPES.id),
  parameterValues: optional(list(PARAMETER_VALUE)),
  startTimestamp: optional(SHAPES.timestamp),
});

interface Input {
  readonly pipelineId: string;
  readonly parameterValues?: ParameterValue[];
  readonly startTimestamp?: number;
}

/** Activation reads, validates, then writes on condition that the latest definition is still the one it read. */
const ROUNDS = 3;


/** Activation values are kept on the pipeline's item, which DynamoDB caps at 400 KB: ours, not AWS's, limit. */
export const MAX_ACTIVATION_VALUES_BYTES = 256 * 1024;

const run = async (input: Input, ctx: RequestContext): Promise<OperationResult> => {
  const start = input.startTimestamp === undefined ? undefined : input.startTimestamp * 1000;
  if (start !== undefined && !inDateRange(start)) {
    return { ok: false, error: invalidRequest('startTimestamp must be a time from 0001-01-01T00:00:00 to 9999-12-31T23:59:59 (UTC).') };
  }
  if (input.parameterValues && Buffer.byteLength(JSON.stringify(input.parameterValues)) > MAX_ACTIVATION_VALUES_BYTES) {
    return { ok: false, error: invalidRequest(`parameterValues take more than ${MAX_ACTIVATION_VALUES_BYTES} bytes; put them in the definition instead.`) };
  }
  const loaded = await loadPipeline(ctx, input.pipelineId);
  if (loaded.error) return { ok: false, error: loaded.error };
  let pipeline = loaded.pipeline;
  for (let round = 0; round < ROUNDS; round++) {
    const read = await readDefinition(ctx, pipeline, (p) => p.latest);
    if ('error' in read) return { ok: false, error: read.error };
    if (read.version) {
      // Values given at activation stand in for those saved with the definition.
      const definition = input.parameterValues ? { ...read.definition, parameterValues: input.parameterValues } : read.definition;
      const validated = validateDefinition(definition, ctx.limits);
      const errors = validated.refusal ?? (validated.report.errors.length > 0 ? reportSummary(validated.report) : undefined);
      if (errors !== undefined) {
        return { ok: false, error: invalidRequest(`The pipeline definition has validation errors and cannot be activated: ${errors}`) };
      }
      const refusal = isOnDemand(read.definition) ? undefined : scheduleRefusal(read.definition, ctx);
      if (refusal !== undefined) return { ok: false, error: invalidRequest(refusal) };
    }
    const written = await ctx.stores.pipelines.activate(input.pipelineId, read.version, {
      at: ctx.now().toISOString(),
      ...(start !== undefined && { startTime: new Date(start).toISOString() }),
      ...(input.parameterValues !== undefined && { parameterValues: input.parameterValues }),
    });
    if (written === 'ok') {
      const run = !read.version
        ? 'no definition'
        : isOnDemand(read.definition)
          ? await startOrResumeRun(ctx, input.pipelineId, read.definition)
          : await armSchedules(ctx, input.pipelineId, read.definition, start);
      return { ok: true, output: {}, log: { version: read.version?.id ?? 'none', run } };
    }
    if (written === 'gone') return { ok: false, error: pipelineDeleted(input.pipelineId) };
    const again = await loadPipeline(ctx, input.pipelineId); // a new definition was put meanwhile: activate that one
    if (again.error) return { ok: false, error: again.error };
    pipeline = again.pipeline;
  }
  throw new Error(`the definition of ${input.pipelineId} kept changing during activation`);
};

/**
 * Each activation of an on-demand pipeline starts a run, unless a run is still in progress: then it finishes
 * writing that run (a retried or crashed activation) and starts none, so an SDK retry never starts two runs.
 */
const startOrResumeRun = async (ctx: RequestContext, pipelineId: string, definition: Definition): Promise<string> => {
  const { instances } = await ctx.stores.runs.objectsOf(pipelineId);
  const latest = instances.reduce<string | undefined>((max, i) => (max === undefined || i.runId > max ? i.runId : max), undefined);
  const inProgress = latest !== undefined && instances.some((i) => i.runId === latest && !FINAL_INSTANCE_STATUSES.includes(i.status));
  const at = inProgress ? new Date(latest) : ctx.now();
  const plan = planRun(definition, at, ctx.limits);
  if (plan.refusal !== undefined) return 'none';
  await ctx.stores.runs.startRun(pipelineId, ctx.caller.accountId, at.toISOString(), plan.run.instances, plan.run.attempts);
  return inProgress ? `resumed ${latest}` : `started ${at.toISOString()}`;
};

/**
 * A scheduled pipeline: its markers (one per worker group) go into the ready index, due now, and the periods
 * due are opened at once; later ones open when their time comes (schedule-progress.ts). Activating again
 * resumes after the last period opened, or from `startTimestamp`.
 */
const armSchedules = async (ctx: RequestContext, pipelineId: string, definition: Definition, start: number | undefined): Promise<string> => {
  const now = ctx.now().toISOString();
  const resumeFrom = start === undefined ? undefined : new Date(start).toISOString();
  for (const wg of workerGroupsOf(definition, ctx)) await ctx.stores.runs.armSchedule(pipelineId, ctx.caller.accountId, wg, now, now, resumeFrom);
  const objects = await runObjectsNow(ctx, pipelineId, ctx.caller.accountId);
  return `scheduled: ${objects.instances.length} instances`;
};

export const ActivatePipeline: Operation<Input> = {
  input: ACTIVATE_PIPELINE_INPUT,
  infoKeys: (i) => ({ pipelineId: i.pipelineId }),
  run,
};
