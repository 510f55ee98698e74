/**
 * The ready index holds only what a poller can claim (docs/behaviour.md §8): the waiting attempts of an inactive
 * pipeline, or of a paused component, are parked out of it, and put back on activation or RESUME. The open
 * instances of the run summary name them, read by key. Crash-safe by order: deactivation and PAUSE change the
 * pipeline first and park after (an attempt a crash left in the index is parked by the poller that claims it);
 * activation and RESUME put attempts back first and change the pipeline after (a crash leaves the pipeline as
 * it was, its attempts parked again by pollers), then once more: a poller that claimed one in between, while the
 * pipeline was still inactive, parked it again. (A crash after the change and before that second pass, with such a
 * poll in between, leaves that attempt parked until the next deactivation and activation: the one window left.)
 */
import type { StoredAttempt, StoredInstance } from '../store/run-store';
import type { RequestContext } from './operation';

/** The pipeline's open instances (of these components, if given) and their head attempts: three reads, by key. */
export const openInstances = async (ctx: RequestContext, pipelineId: string, components?: ReadonlySet<string>): Promise<{ instances: StoredInstance[]; heads: StoredAttempt[] }> => {
  const { open } = await ctx.stores.runs.summary(pipelineId);
  const instances = await ctx.stores.runs.getInstances(pipelineId, components ? open.filter((id) => components.has(id.slice(1, -20))) : open);
  const ids = instances.flatMap((i) => (i.headAttempt === undefined ? [] : [i.headAttempt]));
  return { instances, heads: ids.length === 0 ? [] : (await ctx.stores.runs.getObjects(pipelineId, ids)).attempts };
};

const headAttempts = async (ctx: RequestContext, pipelineId: string, components?: ReadonlySet<string>): Promise<StoredAttempt[]> => (await openInstances(ctx, pipelineId, components)).heads;

/** Parks the waiting attempts among `heads`; how many. */
export const park = async (ctx: RequestContext, pipelineId: string, heads: readonly StoredAttempt[]): Promise<number> => {
  let parked = 0;
  for (const a of heads) if (a.status === 'WAITING_FOR_RUNNER' && (await ctx.stores.runs.park(pipelineId, a.attemptId))) parked++;
  return parked;
};

/** Parks the waiting attempts (of these components); how many. */
export const parkWaiting = async (ctx: RequestContext, pipelineId: string, components?: ReadonlySet<string>): Promise<number> => park(ctx, pipelineId, await headAttempts(ctx, pipelineId, components));

/** Puts the parked attempts (of these components) back in the ready index; how many. */
export const unparkWaiting = async (ctx: RequestContext, pipelineId: string, components?: ReadonlySet<string>): Promise<number> => {
  let back = 0;
  for (const a of await headAttempts(ctx, pipelineId, components)) if (a.status === 'WAITING_FOR_RUNNER' && (await ctx.stores.runs.unpark(pipelineId, a.attemptId))) back++;
  return back;
};
