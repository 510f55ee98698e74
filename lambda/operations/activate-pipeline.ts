/**
 * ActivatePipeline: refuses a definition with validation errors; otherwise the pipeline is SCHEDULED, the
 * latest definition becomes the active one, and `startTimestamp` and `parameterValues` are kept for the runs.
 * An on-demand pipeline starts a run; a scheduled one opens its due periods.
 * A pipeline without a definition may be activated (it does nothing), as moto does; AWS documents nothing else.
 */
import { inDateRange } from '../expressions/datetime';
import { validateDefinition } from '../definitions/validate';
import type { Definition } from '../definitions/definition';
import { isOnDemand, workerGroupsOf } from '../runs/plan-run';
import { activeRuns, maxActiveRuns, startOnDemandRun } from './on-demand-runs';
import { unparkWaiting } from './parking';
import { advanceDueMarkers, scheduleRefusal } from './schedule-progress';
import { list, optional, PARAMETER_VALUE, required, SHAPES, structure } from '../model/shapes';
import type { ParameterValue } from '../definitions/definition';
import { reportSummary } from './definition-report';
import type { Operation, OperationResult, RequestContext } from './operation';
import { invalidRequest, loadPipeline, pipelineDeleted, readDefinition } from './pipeline-access';

const ACTIVATE_PIPELINE_INPUT = structure({
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
const MAX_ACTIVATION_VALUES_BYTES = 256 * 1024;

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
      const validated = validateDefinition(definition, ctx.limits, 'activate');
      const errors = validated.refusal ?? (validated.report.errors.length > 0 ? reportSummary(validated.report) : undefined);
      if (errors !== undefined) {
        return { ok: false, error: invalidRequest(`The pipeline definition has validation errors and cannot be activated: ${errors}`) };
      }
      const refusal = isOnDemand(read.definition)
        ? await runsRefusal(ctx, pipeline.state, input.pipelineId, read.definition)
        : scheduleRefusal(read.definition, ctx);
      if (refusal !== undefined) return { ok: false, error: invalidRequest(refusal) };
    }
    // A deactivated pipeline's parked attempts go back into the ready index before it is active again (parking.ts).
    if (pipeline.state === 'INACTIVE') await unparkWaiting(ctx, input.pipelineId, undefined, pipeline.paused);
    const written = await ctx.stores.pipelines.activate(input.pipelineId, read.version, {
      at: ctx.now().toISOString(),
      ...(start !== undefined && { startTime: new Date(start).toISOString() }),
      ...(input.parameterValues !== undefined && { parameterValues: input.parameterValues }),
    });
    if (written === 'ok') {
      // Put back whatever a deactivation or a poller parked after this call read the pipeline (parking.ts): even
      // when it read the pipeline active, a deactivation may have come between that read and this write.
      await unparkWaiting(ctx, input.pipelineId, undefined, pipeline.paused);
      const run = !read.version
        ? 'no definition'
        : isOnDemand(read.definition)
          ? await startOrResumeRun(ctx, input.pipelineId, pipeline.state, read.definition)
          : await armSchedules(ctx, input.pipelineId, read.definition, start);
      if (typeof run !== 'string') return { ok: false, error: invalidRequest(run.refusal) };
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
 * An on-demand pipeline already active with `maxActiveInstances` runs in progress refuses another activation
 * before anything is written. (A deactivated one with a run in progress resumes it instead: no new run.)
 */
const runsRefusal = async (ctx: RequestContext, state: string, pipelineId: string, definition: Definition): Promise<string | undefined> => {
  if (state !== 'SCHEDULED') return undefined;
  const active = activeRuns(await ctx.stores.runs.summary(pipelineId));
  const max = maxActiveRuns(definition);
  return active >= max
    ? `${active} run${active === 1 ? ' is' : 's are'} in progress and Default's maxActiveInstances is ${max}: activate again when a run has ended, or set maxActiveInstances (at most 5) to run more at once.`
    : undefined;
};

/**
 * Each activation of an on-demand pipeline starts a run (on-demand-runs.ts); reactivating a deactivated pipeline
 * whose run is still in progress resumes that run instead.
 */
const startOrResumeRun = async (ctx: RequestContext, pipelineId: string, state: string, definition: Definition): Promise<string | { refusal: string }> => {
  if (state === 'INACTIVE' && activeRuns(await ctx.stores.runs.summary(pipelineId)) > 0) return 'resumed';
  const started = await startOnDemandRun(ctx, pipelineId, definition);
  return 'started' in started ? `started ${started.started}` : started;
};

/**
 * A scheduled pipeline: its markers (one per worker group) go into the ready index, due now, and the periods
 * due are opened at once; later ones open when their time comes (schedule-progress.ts). Activating again
 * resumes after the last period opened, or from `startTimestamp`.
 */
const armSchedules = async (ctx: RequestContext, pipelineId: string, definition: Definition, start: number | undefined): Promise<string> => {
  const now = ctx.now().toISOString();
  const resumeFrom = start === undefined ? undefined : new Date(start).toISOString();
  for (const wg of workerGroupsOf(definition, ctx.limits)) await ctx.stores.runs.armSchedule(pipelineId, ctx.caller.accountId, wg, now, now, resumeFrom);
  await advanceDueMarkers(ctx, pipelineId, ctx.caller.accountId);
  return 'scheduled';
};

export const ActivatePipeline: Operation<Input> = {
  input: ACTIVATE_PIPELINE_INPUT,
  infoKeys: (i) => ({ pipelineId: i.pipelineId }),
  run,
};
