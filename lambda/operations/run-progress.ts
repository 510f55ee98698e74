/**
 * What follows the end of an attempt, shared by SetTaskStatus (the runner reports it) and PollForTask (a lease
 * ran out): the state machine decides, the run store applies, each write by key and idempotent, so a retry of
 * the call that ended the attempt applies only what is still missing (docs/behaviour.md §8).
 */
import type { AttemptStatus, Instance } from '../runs/run-model';
import { attemptEnded, AttemptOutcome, dependenciesMet, Effects, guardedFailed } from '../runs/transitions';
import type { Candidate, StoredAttempt } from '../store/run-store';
import type { Completion, Task } from '../store/task-store';
import type { RequestContext } from './operation';

/** Past any live call's deadline (the function's timeout is 15 s), so that a poller never races the call itself. */
export const SETTLE_AFTER_MS = 30_000;

/** When pollers may settle an attempt that ended at `end`. */
export const settleFrom = (end: Date): string => new Date(end.getTime() + SETTLE_AFTER_MS).toISOString();

/** FALSE (a precondition not met yet) moves the run on as a failure does: a retry after retryDelay, while any is left. */
const OUTCOMES: Partial<Record<AttemptStatus, AttemptOutcome>> = { FINISHED: 'FINISHED', FAILED: 'FAILED', FALSE: 'FAILED', TIMEDOUT: 'TIMEDOUT' };

/** `@A_2026-11-29T10:00:00_Attempt=2` -> its instance and number. */
export const attemptParts = (attemptId: string): { instanceId: string; number: number } | undefined => {
  const m = /^(.*)_Attempt=(\d+)$/.exec(attemptId);
  return m ? { instanceId: m[1], number: Number(m[2]) } : undefined;
};

/** Applies an event's effects: the changes, then each dependent hears that a dependency finished (one conditional write each). */
export const applyEffects = async (ctx: RequestContext, pipelineId: string, accountId: string, effects: Effects): Promise<void> => {
  const now = ctx.now();
  const at = now.toISOString();
  const held = await ctx.stores.runs.apply(pipelineId, accountId, effects.changes, at);
  // Dependents hear of a finish only while the instance holds it: a stale repeat (a late SetTaskStatus of an
  // attempt replaced by a rerun) must not start them.
  if (effects.notify.length > 0 && !held[0]) return;
  for (const id of effects.notify) {
    const ready = await ctx.stores.runs.dependencyFinished(pipelineId, id, effects.finished!);
    if (ready) await ctx.stores.runs.apply(pipelineId, accountId, [dependenciesMet(ready, now)], at);
  }
  if (effects.failGuarded) {
    for (const guarded of await ctx.stores.runs.getInstances(pipelineId, effects.failGuarded))
      await ctx.stores.runs.apply(pipelineId, accountId, guardedFailed(guarded), at);
  }
};

/** The run moves on from the end of attempt `attemptId`: its instance as a task carries it, else read by key. */
const attemptOver = async (
  ctx: RequestContext,
  pipelineId: string,
  accountId: string,
  attemptId: string,
  outcome: AttemptOutcome,
  known?: Instance,
): Promise<void> => {
  const parts = attemptParts(attemptId);
  const instance = parts && (known?.instanceId === parts.instanceId ? known : await ctx.stores.runs.getInstance(pipelineId, parts.instanceId));
  // The head check of each change keeps an outcome from applying twice, or after a later attempt was made.
  if (!parts || !instance) return;
  await applyEffects(ctx, pipelineId, accountId, attemptEnded(instance, parts.number, outcome, ctx.now()));
};

/**
 * A task of a run ended (SetTaskStatus, or a poller finding the task final behind a passed lease): the run moves
 * on from its outcome, then the attempt records it and leaves the ready index, last, so that until the run has
 * moved on the attempt is still there for a poller to finish the work of a call that died (its lease passes).
 */
export const finishRunTask = async (ctx: RequestContext, task: Task, completion: Completion): Promise<void> => {
  const outcome = OUTCOMES[completion.status];
  if (outcome) await attemptOver(ctx, task.pipelineId, ctx.caller.accountId, task.attemptId, outcome, task.instance);
  await ctx.stores.runs.finishAttempt(task.pipelineId, task.attemptId, task.taskId, completion);
};

/**
 * An ended attempt the ready index still offers (a lease given up whose consequences a call did not finish): they
 * are applied, then it leaves. A lease given up (TIMEDOUT) asks its task first (the arbiter with SetTaskStatus):
 * canceled now, the run moves on from the timeout; already final, the runner's SetTaskStatus won, and its outcome
 * is applied instead (the attempt records it).
 */
const settleAttempt = async (ctx: RequestContext, accountId: string, attempt: StoredAttempt): Promise<void> => {
  if (attempt.status === 'TIMEDOUT' && attempt.taskId !== undefined) {
    const task = await ctx.stores.tasks.cancelTask(attempt.taskId);
    if (task !== undefined && task.state !== 'CANCELED' && task.completion) {
      await finishRunTask({ ...ctx, caller: { ...ctx.caller, accountId } }, task, task.completion);
      return;
    }
  }
  const outcome = OUTCOMES[attempt.status];
  if (outcome) await attemptOver(ctx, attempt.pipelineId, accountId, attempt.attemptId, outcome);
  await ctx.stores.runs.settled(attempt.pipelineId, attempt.attemptId);
};

/**
 * The live (waiting or running) head attempt of an instance an operator ends (TRY_CANCEL, MARK_FINISHED,
 * DeactivatePipeline's cancelActive): its task first (the arbiter with SetTaskStatus), then the attempt CANCELED.
 * 'runner' when the runner's SetTaskStatus had already won the task: its call records the attempt and moves the run.
 * `read`: the head attempt, when the caller has just read it (its writes are conditional: a stale one changes nothing).
 */
export const endLiveAttempt = async (
  ctx: RequestContext,
  pipelineId: string,
  instance: Pick<Instance, 'headAttempt'>,
  at: string,
  read?: StoredAttempt,
): Promise<'ended' | 'runner'> => {
  if (instance.headAttempt === undefined) return 'ended';
  const attempt = read?.attemptId === instance.headAttempt ? read : await ctx.stores.runs.getAttempt(pipelineId, instance.headAttempt);
  if (!attempt || (attempt.status !== 'WAITING_FOR_RUNNER' && attempt.status !== 'RUNNING')) return 'ended';
  if (attempt.taskId) {
    const task = await ctx.stores.tasks.cancelTask(attempt.taskId);
    if (task && task.state !== 'CANCELED') return 'runner';
  }
  await ctx.stores.runs.cancelAttempt(pipelineId, attempt.attemptId, at);
  return 'ended';
};

/** An ended attempt the ready index still offers: the call that ended it died before settling it. */
export const settleCandidate = async (ctx: RequestContext, candidate: Candidate, accountId: string): Promise<void> => {
  const attempt = await ctx.stores.runs.getAttempt(candidate.pipelineId, candidate.attemptId);
  if (attempt) await settleAttempt(ctx, accountId, attempt);
};

/**
 * A RUNNING attempt whose lease has passed. The attempt decides first: its write (TIMEDOUT, on condition that
 * the lease is still the one read) and ReportTaskProgress's renewal (on condition that it is still RUNNING) are
 * one item's conditional writes, so exactly one of them wins, and a runner told to go on is never given up.
 * Then it is settled: its task canceled, or its SetTaskStatus applied if that won the task (settleAttempt). A
 * crash in between leaves it in the ready index, due in SETTLE_AFTER_MS, for a poller to settle.
 */
export const expireLease = async (ctx: RequestContext, candidate: Candidate, accountId: string): Promise<'expired' | 'not now' | 'moved on'> => {
  // What follows a timeout (a retry, or a failure and its cascade over the run) is bounded by the definition (100
  // objects), not by the request: none is started in the last LEASE_RESERVE_MS of a request, so it answers in time
  // (docs/behaviour.md §11); the next poll or read gives the lease up.
  if (Date.now() > ctx.deadline - LEASE_RESERVE_MS) return 'not now';
  const attempt = await ctx.stores.runs.getAttempt(candidate.pipelineId, candidate.attemptId);
  if (!attempt || attempt.status !== 'RUNNING' || attempt.availableAt !== candidate.availableAt) return 'moved on'; // renewed or ended meanwhile
  const now = ctx.now();
  if (!(await ctx.stores.runs.expire(candidate, now.toISOString(), settleFrom(now)))) return 'moved on';
  await settleAttempt(ctx, accountId, { ...attempt, status: 'TIMEDOUT' });
  return 'expired';
};

/** The time a request keeps for itself after giving up a lease, at most (a timeout's consequences take well under it). */
const LEASE_RESERVE_MS = 1500;
