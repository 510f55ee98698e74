/**
 * SetTaskStatus: the state rules (docs/behaviour.md §3 is the prose version); validation is its input shape.
 * No AWS SDK here: persistence goes through the TaskStore port.
 */
import { modeledError } from './errors';
import { finishRunTask, settleFrom } from './run-progress';
import { loadTask, taskNotFound } from './task-access';
import type { Operation, OperationResult, RequestContext } from './operation';
import { optional, required, SHAPES, structure } from '../model/shapes';
import { FINAL_STATUSES } from '../store/task-store';
import type { Completion, FinalStatus, Task } from '../store/task-store';

/**
 * Bounds in Unicode code points. taskId and errorStackTrace are the API page's (the model says 1024 for the
 * stack trace; the page 4095); errorId is the model's `string` shape (the page gives none); errorMessage has
 * none in either, so this one is ours: with it, a task or attempt item stays under DynamoDB's 400 KB even
 * when every field is at its bound in 4-byte characters.
 */
export const LIMITS = {
  taskId: 2048,
  errorId: 1024,
  errorStackTrace: 4095,
  errorMessage: 65536,
} as const;

export const SET_TASK_STATUS_INPUT = structure({
  taskId: required(SHAPES.taskId),
  taskStatus: required({ kind: 'string', enumValues: FINAL_STATUSES }),
  errorId: optional({ ...SHAPES.string, max: LIMITS.errorId, forbiddenPrefix: 'Service_' }),
  errorMessage: optional({ kind: 'string', max: LIMITS.errorMessage, wellFormed: true }),
  errorStackTrace: optional({ ...SHAPES.string, max: LIMITS.errorStackTrace }),
});

export interface SetTaskStatusInput {
  readonly taskId: string;
  readonly taskStatus: FinalStatus;
  readonly errorId?: string;
  readonly errorMessage?: string;
  readonly errorStackTrace?: string;
}

/** A task can be reread this many times when concurrent writers keep changing it (only an operator resetting tasks to RUNNING can cause more than one). */
const MAX_SETTLE_ROUNDS = 3;

const run = async (req: SetTaskStatusInput, ctx: RequestContext): Promise<OperationResult> => {
  const loaded = await loadTask(ctx, req.taskId);
  return loaded.refused ?? settle(loaded.task, req, ctx);
};

const settle = async (first: Task, req: SetTaskStatusInput, ctx: RequestContext): Promise<OperationResult> => {
  const { tasks } = ctx.stores;
  const { pipelineId } = first;
  const done = (outcome: string): OperationResult => ({ ok: true, output: {}, log: { pipelineId, outcome } });
  let task: Task | undefined = first;
  for (let round = 0; round < MAX_SETTLE_ROUNDS; round++) {
    if (!task) return { ok: false, log: { pipelineId }, error: taskNotFound() };
    if (task.state === 'RUNNING') {
      const completion = completionOf(req, ctx.now());
      const result = await tasks.completeTask(task.taskId, completion);
      if (result.applied) {
        await recordOutcome(ctx, task, completion);
        return done('completed');
      }
      task = result.current; // another call won the task; judge ours against what it wrote
      continue;
    }
    if (task.state === 'CANCELED') return done('canceled');
    if (task.state === req.taskStatus) {
      // The call that won may have died before writing the attempt: finish its work (a no-op if it did not).
      if (task.completion) await recordOutcome(ctx, task, task.completion);
      return done('unchanged');
    }
    return {
      ok: false,
      log: { pipelineId },
      error: modeledError('InvalidRequestException', `The task is already ${task.state}; it cannot be set to ${req.taskStatus}.`),
    };
  }
  throw new Error(`task did not settle after ${MAX_SETTLE_ROUNDS} conditional writes`);
};

/**
 * The task's outcome onto its attempt. A task of a run moves the run on first (next attempt, dependents,
 * cascade), then its attempt records the outcome and leaves the ready index; a seeded task's attempt (if any)
 * records it. Also on a repeat: a crash may have come anywhere after the task's own write.
 */
const recordOutcome = async (ctx: RequestContext, task: Task, completion: Completion): Promise<void> => {
  if (task.fromRun) await finishRunTask(ctx, task, completion);
  else await ctx.stores.tasks.recordAttempt(task.pipelineId, task.attemptId, completion, settleFrom(ctx.now()));
};

const completionOf = (req: SetTaskStatusInput, now: Date): Completion => ({
  status: req.taskStatus,
  endTime: now.toISOString(),
  ...(req.errorId !== undefined && { errorId: req.errorId }),
  ...(req.errorMessage !== undefined && { errorMessage: req.errorMessage }),
  ...(req.errorStackTrace !== undefined && { errorStackTrace: req.errorStackTrace }),
});

export const SetTaskStatus: Operation<SetTaskStatusInput> = {
  input: SET_TASK_STATUS_INPUT,
  infoKeys: (req) => ({ taskId: req.taskId, taskStatus: req.taskStatus, errorId: req.errorId }),
  debugKeys: (req) => ({ errorMessage: req.errorMessage, errorStackTrace: req.errorStackTrace }),
  run,
};
