/**
 * What follows the end of an attempt, shared by SetTaskStatus (the runner reports it) and PollForTask (a lease
 * ran out): the run's state machine decides, the run store applies. Idempotent: a retry of the call that ended
 * the attempt applies only what is still missing. An ended attempt stays in the ready index until its
 * consequences are applied, offered to pollers from SETTLE_AFTER_MS after its end: if the call that ended it
 * died in between and is never retried, the next poll of its worker group moves the run on.
 */
import type { AttemptStatus } from '../runs/run-model';
import type { RunObjects, StoredAttempt } from '../store/run-store';
import { advanceDueMarkers } from './schedule-progress';
import { attemptEnded, AttemptOutcome } from '../runs/transitions';
import type { Candidate } from '../store/run-store';
import type { RequestContext } from './operation';

/** Past any live call's deadline (the function's timeout is 15 s), so that a poller never races the call itself. */
export const SETTLE_AFTER_MS = 30_000;

/** When pollers may settle an attempt that ended at `end`. */
export const settleFrom = (end: Date): string => new Date(end.getTime() + SETTLE_AFTER_MS).toISOString();

/** FALSE (a precondition not met yet) moves the run on as a failure does: a retry after retryDelay, while any is left. */
const OUTCOMES: Partial<Record<AttemptStatus, AttemptOutcome>> = { FINISHED: 'FINISHED', FAILED: 'FAILED', FALSE: 'FAILED', TIMEDOUT: 'TIMEDOUT' };

const attemptOver = async (ctx: RequestContext, pipelineId: string, accountId: string, attempt: StoredAttempt, outcome: AttemptOutcome): Promise<void> => {
  const { instances } = await ctx.stores.runs.objectsOf(pipelineId);
  const instance = instances.find((i) => i.instanceId === attempt.instanceId);
  // A later attempt exists: this one's consequences were applied (by the call this one retries).
  if (!instance || instance.attemptCount > attempt.number) return;
  const run = instances.filter((i) => i.runId === instance.runId);
  const now = ctx.now();
  await ctx.stores.runs.apply(pipelineId, accountId, attemptEnded(run, instance, attempt.number, outcome, now), now.toISOString());
};

/**
 * The consequences of an ended attempt, each idempotent: a timed-out attempt's task CANCELED (so a late
 * SetTaskStatus changes nothing), the run moved on; then the attempt leaves the ready index.
 */
export const settleAttempt = async (ctx: RequestContext, accountId: string, attempt: StoredAttempt): Promise<void> => {
  const outcome = OUTCOMES[attempt.status];
  if (!outcome) return;
  if (outcome === 'TIMEDOUT' && attempt.taskId) await ctx.stores.tasks.cancelTask(attempt.taskId);
  await attemptOver(ctx, attempt.pipelineId, accountId, attempt, outcome);
  await ctx.stores.runs.settled(attempt.pipelineId, attempt.attemptId);
};

/** An ended attempt the ready index still offers: the call that ended it died before settling it. */
export const settleCandidate = async (ctx: RequestContext, candidate: Candidate, accountId: string): Promise<void> => {
  const attempt = await ctx.stores.runs.getAttempt(candidate.pipelineId, candidate.attemptId);
  if (attempt) await settleAttempt(ctx, accountId, attempt);
};

/**
 * A RUNNING attempt whose lease has passed is given up: TIMEDOUT (the arbiter: one caller wins), then settled:
 * a retry or a failure as the state machine says.
 */
export const expireLease = async (ctx: RequestContext, candidate: Candidate, accountId: string): Promise<void> => {
  const now = ctx.now();
  if (!(await ctx.stores.runs.expire(candidate, now.toISOString(), settleFrom(now)))) return;
  await settleCandidate(ctx, candidate, accountId);
};

/**
 * The pipeline's instances and attempts as they are now: a RUNNING attempt whose lease has passed is given up
 * first (as a poll would), so that no reader sees an attempt RUNNING beyond its lease, and the periods of its
 * schedules that are due are opened.
 */
export const runObjectsNow = async (ctx: RequestContext, pipelineId: string, accountId: string): Promise<RunObjects> => {
  let objects = await ctx.stores.runs.objectsOf(pipelineId);
  const now = ctx.now().toISOString();
  const passed = objects.attempts.filter((a) => a.status === 'RUNNING' && a.leaseUntil !== undefined && a.leaseUntil <= now);
  for (const a of passed) await expireLease(ctx, { pipelineId, attemptId: a.attemptId, availableAt: a.leaseUntil!, status: 'RUNNING' }, accountId);
  if (passed.length > 0) objects = await ctx.stores.runs.objectsOf(pipelineId);
  // The periods of a schedule that are due are opened too (schedule-progress.ts).
  if (await advanceDueMarkers(ctx, objects, accountId)) objects = await ctx.stores.runs.objectsOf(pipelineId);
  return objects;
};
