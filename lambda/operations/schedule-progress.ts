/**
 * Runs open without a timer: a pipeline with work to open has a marker per worker group of its activities in
 * the ready index, available when that work is due. Whoever meets a due marker (a PollForTask of that worker
 * group, or a call that reads the pipeline's runs) opens it, idempotently, then moves the marker on with a
 * conditional write; so the state a client reads is the state the schedule gives at that moment. A scheduled
 * pipeline's markers open its periods; an on-demand pipeline's marker finishes a run whose activation a crash
 * cut short (docs/behaviour.md §8, §10). What is open so far comes from the pipeline's run summary, not its history.
 */
import type { Definition } from '../definitions/definition';
import { isOnDemand } from '../runs/plan-run';
import { componentOfInstance } from '../runs/run-model';
import { OpenedSoFar, periodsToOpen, schedulesOf } from '../runs/schedule';
import type { Candidate, RunSummary, ScheduleMarker } from '../store/run-store';
import { PIPELINE_DELETED } from '../store/tables';
import { finishPendingRun } from './on-demand-runs';
import type { RequestContext } from './operation';
import { readDefinition } from './pipeline-access';

const contextOf = (markers: readonly ScheduleMarker[], now: Date) => {
  const first = markers
    .map((m) => m.firstActivation)
    .filter((t) => t !== '')
    .sort()[0];
  const resume = markers
    .map((m) => m.resumeFrom)
    .filter((t): t is string => t !== undefined)
    .sort()[0];
  return { firstActivation: new Date(first ?? now.toISOString()), ...(resume !== undefined && { resumeFrom: new Date(resume) }) };
};

/** What the summary says is open: instances not final per component (their ids start `@<component>_`), latest period per schedule. */
const openedSoFar = (summary: RunSummary): OpenedSoFar => {
  const counts = new Map<string, number>();
  for (const id of summary.open) {
    const component = componentOfInstance(id);
    counts.set(component, (counts.get(component) ?? 0) + 1);
  }
  return { openOf: (c) => counts.get(c) ?? 0, latestOf: (s) => summary.periods[s] };
};

/** A refusal when a scheduled definition cannot run here (an activity without a schedule, a schedule without a start). */
export const scheduleRefusal = (definition: Definition, ctx: RequestContext): string | undefined => {
  const plan = schedulesOf(definition, { firstActivation: ctx.now() }, ctx.limits);
  return 'refusal' in plan ? plan.refusal : undefined;
};

/** Opens the due periods of a scheduled definition, each write idempotent; when to look again (undefined: never). */
const openDuePeriods = async (ctx: RequestContext, pipelineId: string, accountId: string, definition: Definition): Promise<string | undefined> => {
  const now = ctx.now();
  const [summary, markers] = await Promise.all([ctx.stores.runs.summary(pipelineId), ctx.stores.runs.markersOf(pipelineId)]);
  const plan = periodsToOpen(definition, contextOf(markers, now), openedSoFar(summary), now, ctx.limits);
  if ('refusal' in plan) return undefined;
  for (const { runId, run, scheduleId } of plan.runs) {
    await ctx.stores.runs.startRun(pipelineId, accountId, runId, run.instances, run.attempts, now.toISOString());
    await ctx.stores.runs.instancesOpened(
      pipelineId,
      run.instances.map((i) => i.instanceId),
    );
    await ctx.stores.runs.periodOpened(pipelineId, scheduleId, runId);
  }
  return plan.next?.toISOString();
};

/** A due marker: opens what is due on its pipeline and moves it to the next time (out of the index when none). */
export const advanceMarker = async (ctx: RequestContext, marker: Candidate, accountId: string): Promise<void> => {
  const pipeline = await ctx.stores.pipelines.get(marker.pipelineId);
  if (!pipeline || pipeline.state === PIPELINE_DELETED || pipeline.state !== 'SCHEDULED' || !pipeline.active) {
    // Deleted, or deactivated: out of the index (ActivatePipeline puts it back).
    await ctx.stores.runs.advanceSchedule(marker, undefined);
    return;
  }
  const read = await readDefinition(ctx, pipeline, (p) => p.active);
  if ('error' in read) return;
  if (isOnDemand(read.definition)) {
    await finishPendingRun(ctx, marker.pipelineId, accountId, read.definition);
    await ctx.stores.runs.advanceSchedule(marker, undefined);
    return;
  }
  await ctx.stores.runs.advanceSchedule(marker, await openDuePeriods(ctx, marker.pipelineId, accountId, read.definition));
};

/** Opens what is due on the pipeline (its markers whose time has come); its markers after that, and whether any was due. */
export const advanceDueMarkers = async (
  ctx: RequestContext,
  pipelineId: string,
  accountId: string,
): Promise<{ markers: ScheduleMarker[]; advanced: boolean }> => {
  const now = ctx.now().toISOString();
  const markers = await ctx.stores.runs.markersOf(pipelineId);
  const due = markers.filter((m) => m.availableAt !== undefined && m.availableAt <= now);
  for (const m of due)
    await advanceMarker(ctx, { pipelineId: m.pipelineId, attemptId: m.markerId, availableAt: m.availableAt!, status: 'SCHEDULE' }, accountId);
  return due.length > 0 ? { markers: await ctx.stores.runs.markersOf(pipelineId), advanced: true } : { markers, advanced: false };
};
