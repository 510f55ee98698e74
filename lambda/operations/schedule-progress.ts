/**
 * Scheduled pipelines move on without a timer: each is represented in the ready index by a marker per worker
 * group, available when its next period is due. Whoever meets a due marker (a PollForTask of that worker group,
 * or any call that reads the pipeline's runs) opens the due periods, idempotently, then moves the marker on with
 * a conditional write; so the state a client reads is the state the schedule gives at that moment.
 */
import type { Definition } from '../definitions/definition';
import { Inheritance } from '../definitions/inheritance';
import { activitiesOf, settingsOf } from '../runs/plan-run';
import { periodsToOpen, schedulesOf } from '../runs/schedule';
import type { Candidate, RunObjects, ScheduleMarker } from '../store/run-store';
import { PIPELINE_DELETED } from '../store/tables';
import type { RequestContext } from './operation';
import { readDefinition } from './pipeline-access';

const contextOf = (markers: readonly ScheduleMarker[], now: Date) => {
  const first = markers.map((m) => m.firstActivation).filter((t) => t !== '').sort()[0];
  const resume = markers.map((m) => m.resumeFrom).filter((t): t is string => t !== undefined).sort()[0];
  return { firstActivation: new Date(first ?? now.toISOString()), ...(resume !== undefined && { resumeFrom: new Date(resume) }) };
};

/** The worker groups of a scheduled definition's activities: one marker each. */
export const workerGroupsOf = (definition: Definition, ctx: RequestContext): string[] => {
  const objects = new Inheritance(definition.pipelineObjects);
  return [...new Set(activitiesOf(objects).map((a) => settingsOf(objects, a, new Set(), ctx.limits).workerGroup))];
};

/** A refusal when a scheduled definition cannot run here (an activity without a schedule, a schedule without a start). */
export const scheduleRefusal = (definition: Definition, ctx: RequestContext): string | undefined => {
  const plan = schedulesOf(definition, { firstActivation: ctx.now() }, ctx.limits);
  return 'refusal' in plan ? plan.refusal : undefined;
};

/** A due marker: opens the due periods of its pipeline and moves it to the next time (out of the index when none). */
export const advanceMarker = async (ctx: RequestContext, marker: Candidate, accountId: string, objects?: RunObjects): Promise<void> => {
  const pipeline = await ctx.stores.pipelines.get(marker.pipelineId);
  if (!pipeline || pipeline.state === PIPELINE_DELETED || pipeline.state !== 'SCHEDULED' || !pipeline.active) {
    // Deleted, or deactivated: out of the index (ActivatePipeline puts it back).
    await ctx.stores.runs.advanceSchedule(marker, undefined);
    return;
  }
  const read = await readDefinition(ctx, pipeline, (p) => p.active);
  if ('error' in read) return;
  const now = ctx.now();
  const current = objects ?? (await ctx.stores.runs.objectsOf(marker.pipelineId));
  const plan = periodsToOpen(read.definition, contextOf(current.markers, now), current.instances, now, ctx.limits);
  if ('refusal' in plan) {
    await ctx.stores.runs.advanceSchedule(marker, undefined);
    return;
  }
  for (const { runId, run } of plan.runs) await ctx.stores.runs.startRun(marker.pipelineId, accountId, runId, run.instances, run.attempts, now.toISOString());
  await ctx.stores.runs.advanceSchedule(marker, plan.next?.toISOString());
};

/** Opens the due periods of the pipeline (its markers whose time has come); true when any marker was due. */
export const advanceDueMarkers = async (ctx: RequestContext, objects: RunObjects, accountId: string): Promise<boolean> => {
  const now = ctx.now().toISOString();
  const due = objects.markers.filter((m) => m.availableAt !== undefined && m.availableAt <= now);
  // The first marker plans from the objects read; each later one rereads them (the first may have opened periods).
  for (const [i, m] of due.entries()) {
    await advanceMarker(ctx, { pipelineId: m.pipelineId, attemptId: m.markerId, availableAt: m.availableAt!, status: 'SCHEDULE' }, accountId, i === 0 ? objects : undefined);
  }
  return due.length > 0;
};
