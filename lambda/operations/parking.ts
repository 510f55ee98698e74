/**
 * The ready index holds only what a poller can claim (docs/behaviour.md §8): the waiting attempts of an inactive
 * pipeline, or of a paused component, are parked out of it, and put back on activation or RESUME. The open
 * instances of the run summary name them, read by key.
 *
 * Crash-safe by order, race-free by a re-read. Deactivation and PAUSE change the pipeline first and park after (an
 * attempt a crash left in the index is parked by the poller that claims it); activation and RESUME put attempts
 * back first and change the pipeline after (a crash leaves the pipeline as it was), then once more. Every parker
 * (these calls, and a poller that claimed an attempt it cannot hand out) reads the pipeline again after parking,
 * and puts back what it finds claimable: so whichever order an activation's (or RESUME's) write and a parker's
 * read take, one of them puts the attempt back. The one window left: a crash between a park and its re-read while
 * a contrary call writes in that gap; the next deactivation and activation (or PAUSE and RESUME) mend it.
 */
import type { PipelineRecord } from '../store/pipeline-store';
import { componentOfInstance } from '../runs/run-model';
import type { StoredAttempt, StoredInstance } from '../store/run-store';
import type { RequestContext } from './operation';

/** The pipeline's open instances (of these components, if given) and their head attempts: three reads, by key. */
export const openInstances = async (
  ctx: RequestContext,
  pipelineId: string,
  components?: ReadonlySet<string>,
): Promise<{ instances: StoredInstance[]; heads: StoredAttempt[] }> => {
  const { open } = await ctx.stores.runs.summary(pipelineId);
  const instances = await ctx.stores.runs.getInstances(pipelineId, components ? open.filter((id) => components.has(componentOfInstance(id))) : open);
  const ids = instances.flatMap((i) => (i.headAttempt === undefined ? [] : [i.headAttempt]));
  return { instances, heads: ids.length === 0 ? [] : (await ctx.stores.runs.getObjects(pipelineId, ids)).attempts };
};

/** Whether a poller may hand out the component's attempts: the pipeline active, the component not paused. */
export const claimable = (pipeline: PipelineRecord | undefined, componentId: string): boolean =>
  pipeline !== undefined && pipeline.state === 'SCHEDULED' && pipeline.active !== undefined && !pipeline.paused.includes(componentId);

/**
 * After parking `attempts`: the pipeline read again, and those now claimable put back (an activation or RESUME
 * wrote after this call read the pipeline, and may have made its own pass before these were parked).
 */
export const recheckParked = async (
  ctx: RequestContext,
  pipelineId: string,
  attempts: readonly { attemptId: string; componentId: string }[],
): Promise<void> => {
  if (attempts.length === 0) return;
  const pipeline = await ctx.stores.pipelines.get(pipelineId);
  for (const a of attempts) if (claimable(pipeline, a.componentId)) await ctx.stores.runs.unpark(pipelineId, a.attemptId);
};

/** Parks the waiting attempts among `heads`, then re-reads the pipeline (recheckParked); how many stay parked. */
export const park = async (ctx: RequestContext, pipelineId: string, heads: readonly StoredAttempt[]): Promise<number> => {
  const parked: { attemptId: string; componentId: string }[] = [];
  for (const a of heads) if (a.status === 'WAITING_FOR_RUNNER' && (await ctx.stores.runs.park(pipelineId, a.attemptId))) parked.push(a);
  await recheckParked(ctx, pipelineId, parked);
  return parked.length;
};

/** Parks the waiting attempts (of these components); how many. */
export const parkWaiting = async (ctx: RequestContext, pipelineId: string, components?: ReadonlySet<string>): Promise<number> =>
  park(ctx, pipelineId, (await openInstances(ctx, pipelineId, components)).heads);

/**
 * Puts the parked attempts (of these components, but not of those `paused`: a RESUME puts them back) in the
 * ready index; how many.
 */
export const unparkWaiting = async (
  ctx: RequestContext,
  pipelineId: string,
  components?: ReadonlySet<string>,
  paused: readonly string[] = [],
): Promise<number> => {
  let back = 0;
  for (const a of (await openInstances(ctx, pipelineId, components)).heads) {
    if (a.status === 'WAITING_FOR_RUNNER' && !paused.includes(a.componentId) && (await ctx.stores.runs.unpark(pipelineId, a.attemptId))) back++;
  }
  return back;
};
