/**
 * What follows the end of an attempt, shared by SetTaskStatus (the runner reports it) and PollForTask (a lease
 * ran out): the run's state machine decides, the run store applies. Idempotent: a retry of the call that ended
 * the attempt applies only what is still missing.
 */
import type { StoredAttempt } from '../store/run-store';
import { attemptEnded, AttemptOutcome } from '../runs/transitions';
import type { Candidate } from '../store/run-store';
import type { RequestContext } from './operation';

export const attemptOver = async (ctx: RequestContext, pipelineId: string, accountId: string, attempt: StoredAttempt, outcome: AttemptOutcome): Promise<void> => {
  const { instances } = await ctx.stores.runs.objectsOf(pipelineId);
  const instance = instances.find((i) => i.instanceId === attempt.instanceId);
  // A later attempt exists: this one's consequences were applied (by the call this one retries).
  if (!instance || instance.attemptCount > attempt.number) return;
  const run = instances.filter((i) => i.runId === instance.runId);
  const now = ctx.now();
  await ctx.stores.runs.apply(pipelineId, accountId, attemptEnded(run, instance, attempt.number, outcome, now), now.toISOString());
};

/**
 * A RUNNING attempt whose lease has passed is given up: TIMEDOUT (the arbiter: one caller wins), its task
 * CANCELED (so a late SetTaskStatus changes nothing), then a retry or a failure as the state machine says.
 */
export const expireLease = async (ctx: RequestContext, candidate: Candidate, accountId: string): Promise<void> => {
  const at = ctx.now().toISOString();
  if (!(await ctx.stores.runs.expire(candidate, at))) return;
  const attempt = await ctx.stores.runs.getAttempt(candidate.pipelineId, candidate.attemptId);
  if (!attempt) return;
  if (attempt.taskId) await ctx.stores.tasks.cancelTask(attempt.taskId);
  await attemptOver(ctx, candidate.pipelineId, accountId, attempt, 'TIMEDOUT');
};

/**
 * The pipeline's instances and attempts as they are now: a RUNNING attempt whose lease has passed is given up
 * first (as a poll would), so that no reader sees an attempt RUNNING beyond its lease.
 */
export const runObjectsNow = async (ctx: RequestContext, pipelineId: string, accountId: string) => {
  const objects = await ctx.stores.runs.objectsOf(pipelineId);
  const now = ctx.now().toISOString();
  const passed = objects.attempts.filter((a) => a.status === 'RUNNING' && a.leaseUntil !== undefined && a.leaseUntil <= now);
  if (passed.length === 0) return objects;
  for (const a of passed) await expireLease(ctx, { pipelineId, attemptId: a.attemptId, availableAt: a.leaseUntil!, status: 'RUNNING' }, accountId);
  return ctx.stores.runs.objectsOf(pipelineId);
};
