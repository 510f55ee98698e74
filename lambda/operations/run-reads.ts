/**
 * Instances and attempts as readers see them, read by key or a page at a time, never the whole history: a
 * RUNNING attempt whose lease has passed is given up first (as a poll would, while the request has time: see
 * expireLease), so a reader does not see an attempt RUNNING beyond its lease; an attempt comes with its instance
 * (for the period it shows).
 */
import type { PipelineObject } from '../definitions/definition';
import type { StoredAttempt, StoredInstance } from '../store/run-store';
import type { RequestContext } from './operation';
import { describeAttempt, describeInstance } from './run-objects';
import { attemptParts, expireLease } from './run-progress';

interface Read {
  readonly instances: readonly StoredInstance[];
  readonly attempts: readonly StoredAttempt[];
}

/**
 * Gives up the passed leases among `read`'s attempts, while the request has time for it (expireLease: those left
 * show RUNNING, past their lease, until the next poll or read); true when any was.
 */
const expirePassed = async (ctx: RequestContext, pipelineId: string, read: Read): Promise<boolean> => {
  const now = ctx.now().toISOString();
  const passed = read.attempts.filter((a) => a.status === 'RUNNING' && a.leaseUntil !== undefined && a.leaseUntil <= now);
  let any = false;
  for (const a of passed)
    if ((await expireLease(ctx, { pipelineId, attemptId: a.attemptId, availableAt: a.leaseUntil!, status: 'RUNNING' }, ctx.caller.accountId)) !== 'not now')
      any = true;
  return any;
};

/** The described objects of `read`, with the instances its attempts belong to read by key when not among them. */
const described = async (ctx: RequestContext, pipelineId: string, read: Read): Promise<PipelineObject[]> => {
  const instances = new Map(read.instances.map((i) => [i.instanceId, i]));
  const missing = [...new Set(read.attempts.map((a) => a.instanceId))].filter((id) => !instances.has(id));
  for (const i of missing.length > 0 ? await ctx.stores.runs.getInstances(pipelineId, missing) : []) instances.set(i.instanceId, i);
  return [...read.instances.map(describeInstance), ...read.attempts.map((a) => describeAttempt(a, instances.get(a.instanceId)))];
};

/** The instances and attempts with these ids (those that exist), described as they are now. */
export const runObjectsById = async (ctx: RequestContext, pipelineId: string, ids: readonly string[]): Promise<PipelineObject[]> => {
  const wanted = ids.filter((id) => id.startsWith('@'));
  if (wanted.length === 0) return [];
  let read: Read = await ctx.stores.runs.getObjects(pipelineId, wanted);
  if (await expirePassed(ctx, pipelineId, read)) read = await ctx.stores.runs.getObjects(pipelineId, wanted);
  return described(ctx, pipelineId, read);
};

/** The object an expression is evaluated on, with what its scope needs: an attempt's instance too. */
export const runObjectWithParent = async (ctx: RequestContext, pipelineId: string, id: string): Promise<PipelineObject[]> => {
  const parent = attemptParts(id)?.instanceId;
  return runObjectsById(ctx, pipelineId, parent === undefined ? [id] : [id, parent]);
};

/** A page of the pipeline's instances and attempts after `after` (id order), `limit` engine items at most. */
export const runObjectsPage = async (
  ctx: RequestContext,
  pipelineId: string,
  after: string | undefined,
  limit: number,
): Promise<{ objects: PipelineObject[]; next?: string }> => {
  let page = await ctx.stores.runs.pageObjects(pipelineId, after, limit);
  if (await expirePassed(ctx, pipelineId, page)) page = await ctx.stores.runs.pageObjects(pipelineId, after, limit);
  return { objects: await described(ctx, pipelineId, page), ...(page.next !== undefined && { next: page.next }) };
};
