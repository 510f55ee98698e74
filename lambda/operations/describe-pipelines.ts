/** DescribePipelines: up to 25 of the caller's pipelines, in the order asked, with the fields AWS shows. */
import { list, required, SHAPES, structure } from '../model/shapes';
import { HealthStatus, pipelineHealth } from '../runs/transitions';
import type { PipelineRecord } from '../store/pipeline-store';
import { PIPELINE_DELETED } from '../store/tables';
import type { Operation, OperationResult, RequestContext } from './operation';
import { pipelineDeleted, pipelineNotFound } from './pipeline-access';
import { advanceDueMarkers } from './schedule-progress';
import { finishPendingRun } from './on-demand-runs';
import { readDefinition } from './pipeline-access';
import type { RunSummary, ScheduleMarker } from '../store/run-store';

/** A scheduled pipeline whose schedules have no period left to open and whose instances are all final (dp-interpret-status: FINISHED). */
const scheduleFinished = (markers: readonly ScheduleMarker[], summary: RunSummary): boolean =>
  markers.length > 0 && markers.every((m) => m.availableAt === undefined) && Object.keys(summary.periods).length > 0 && summary.open.length === 0;

/** The API page: "You can retrieve the description of up to 25 pipelines in a single call"; the model has no bound. */
const MAX_DESCRIBED = 25;

const DESCRIBE_PIPELINES_INPUT = structure({ pipelineIds: required(list(SHAPES.id, { max: MAX_DESCRIBED })) });

interface Input {
  readonly pipelineIds: string[];
}

/** `YYYY-MM-DDTHH:MM:SS`, UTC: how the service writes times in fields. */
export const fieldTime = (iso: string): string => iso.slice(0, 19);

const str = (key: string, stringValue: string) => ({ key, stringValue });

/** The fields of a pipeline, in the order AWS's own examples list them; `@healthStatus` once a run has ended something. */
const describePipeline = (p: PipelineRecord, health?: HealthStatus, finished = false) => ({
  pipelineId: p.pipelineId,
  name: p.name,
  fields: [
    str('@pipelineState', finished ? 'FINISHED' : p.state),
    ...(p.description !== undefined ? [str('description', p.description)] : []),
    str('name', p.name),
    str('@creationTime', fieldTime(p.creationTime)),
    str('@id', p.pipelineId),
    str('pipelineCreator', p.userId),
    str('@sphere', 'PIPELINE'),
    str('@userId', p.userId),
    str('@accountId', p.accountId),
    str('uniqueId', p.uniqueId),
    ...(p.lastActivationTime !== undefined ? [str('@lastActivationTime', fieldTime(p.lastActivationTime))] : []),
    ...(health !== undefined ? [str('@healthStatus', health)] : []),
  ],
  ...(p.description !== undefined && { description: p.description }),
  tags: p.tags,
});

const run = async (input: Input, ctx: RequestContext): Promise<OperationResult> => {
  const ids = [...new Set(input.pipelineIds)];
  const found = new Map((await ctx.stores.pipelines.getMany(ids)).map((p) => [p.pipelineId, p]));
  for (const id of ids) {
    const p = found.get(id);
    if (!p || p.accountId !== ctx.caller.accountId) return { ok: false, log: { pipelineId: id }, error: pipelineNotFound(id) };
    if (p.state === PIPELINE_DELETED) return { ok: false, log: { pipelineId: id }, error: pipelineDeleted(id) };
  }
  // Health and FINISHED come from each pipeline's run summary (one read for all), as the runs are now: a run whose
  // activation was cut short is finished, the due periods of an active scheduled pipeline opened (its markers read).
  const activated = ids.filter((id) => found.get(id)!.lastActivationTime !== undefined);
  const summaries = activated.length > 0 ? await ctx.stores.runs.summaries(activated) : new Map<string, RunSummary>();
  const health = new Map<string, HealthStatus | undefined>();
  const finished = new Set<string>();
  for (const id of activated) {
    let summary = summaries.get(id)!;
    const p = found.get(id)!;
    if (p.state === 'SCHEDULED' && summary.pendingRun !== undefined) {
      const read = await readDefinition(ctx, p, (x) => x.active);
      if (!('error' in read)) await finishPendingRun(ctx, id, ctx.caller.accountId, read.definition, summary);
      summary = await ctx.stores.runs.summary(id);
    }
    if (p.state === 'SCHEDULED') {
      const { markers, advanced } = await advanceDueMarkers(ctx, id, ctx.caller.accountId);
      if (advanced) summary = await ctx.stores.runs.summary(id);
      if (scheduleFinished(markers, summary)) finished.add(id);
    }
    health.set(id, pipelineHealth(Object.values(summary.health)));
  }
  return {
    ok: true,
    output: { pipelineDescriptionList: ids.map((id) => describePipeline(found.get(id)!, health.get(id), finished.has(id))) },
    log: { count: ids.length },
  };
};

export const DescribePipelines: Operation<Input> = {
  input: DESCRIBE_PIPELINES_INPUT,
  infoKeys: (i) => ({ pipelineId: i.pipelineIds[0], count: i.pipelineIds.length }),
  run,
};
