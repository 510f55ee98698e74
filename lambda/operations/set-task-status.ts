/**
 * SetTaskStatus: validation and the state rules (docs/behaviour.md is the prose version).
 * No AWS SDK here: persistence goes through the TaskStore port.
 */
import { ModeledError, modeledError } from './errors';
import { checkString, formatViolations, Violation } from './validation';
import { FINAL_STATUSES } from '../store/task-store';
import type { Completion, FinalStatus, Task, TaskStore } from '../store/task-store';

/** Wire members and their JSON types; the protocol layer rejects other types before we get here. */
export const SET_TASK_STATUS_MEMBERS = {
  taskId: 'string',
  taskStatus: 'string',
  errorId: 'string',
  errorMessage: 'string',
  errorStackTrace: 'string',
} as const;

export type SetTaskStatusInput = { [K in keyof typeof SET_TASK_STATUS_MEMBERS]?: string };

/**
 * Bounds in Unicode code points. taskId and errorStackTrace are the API page's; errorId is the model's
 * `string` shape (the page gives none); errorMessage has none in either, so this one is ours: with it, a task
 * or attempt item stays under DynamoDB's 400 KB even when every field is at its bound in 4-byte characters.
 */
export const LIMITS = {
  taskId: 2048,
  errorId: 1024,
  errorStackTrace: 4095,
  errorMessage: 65536,
} as const;

export type SetTaskStatusOutcome = 'completed' | 'unchanged' | 'canceled';

export type SetTaskStatusResult =
  | { readonly ok: true; readonly outcome: SetTaskStatusOutcome; readonly pipelineId: string }
  | { readonly ok: false; readonly error: ModeledError; readonly pipelineId?: string };

export interface SetTaskStatusDeps {
  readonly store: TaskStore;
  readonly now: () => Date;
}

interface ValidRequest {
  readonly taskId: string;
  readonly status: FinalStatus;
  readonly errorId?: string;
  readonly errorMessage?: string;
  readonly errorStackTrace?: string;
}

export const validateSetTaskStatus = (input: SetTaskStatusInput): Violation[] => [
  ...checkString('taskId', input.taskId, { required: true, min: 1, max: LIMITS.taskId, modelPattern: true }),
  ...checkString('taskStatus', input.taskStatus, { required: true, enumValues: FINAL_STATUSES }),
  ...checkString('errorId', input.errorId, { max: LIMITS.errorId, modelPattern: true, forbiddenPrefix: 'Service_' }),
  ...checkString('errorMessage', input.errorMessage, { max: LIMITS.errorMessage, wellFormed: true }),
  ...checkString('errorStackTrace', input.errorStackTrace, { min: 0, max: LIMITS.errorStackTrace, modelPattern: true }),
];

const taskNotFound = () => modeledError('TaskNotFoundException', 'The specified task was not found.');

/** A task can be reread this many times when concurrent writers keep changing it (only an operator resetting tasks to RUNNING can cause more than one). */
const MAX_SETTLE_ROUNDS = 3;

export const setTaskStatus = async (input: SetTaskStatusInput, deps: SetTaskStatusDeps): Promise<SetTaskStatusResult> => {
  const violations = validateSetTaskStatus(input);
  if (violations.length > 0) {
    return { ok: false, error: modeledError('InvalidRequestException', formatViolations(violations)) };
  }
  const req: ValidRequest = {
    taskId: input.taskId as string,
    status: input.taskStatus as FinalStatus,
    errorId: input.errorId,
    errorMessage: input.errorMessage,
    errorStackTrace: input.errorStackTrace,
  };

  const task = await deps.store.getTask(req.taskId);
  if (!task) return { ok: false, error: taskNotFound() };

  const { pipelineId } = task;
  const pipeline = await deps.store.getPipeline(pipelineId);
  if (!pipeline) {
    return { ok: false, pipelineId, error: modeledError('PipelineNotFoundException', `Pipeline ${pipelineId} was not found.`) };
  }
  if (pipeline.deleted) {
    return { ok: false, pipelineId, error: modeledError('PipelineDeletedException', `Pipeline ${pipelineId} has been deleted.`) };
  }
  return settle(task, req, deps);
};

const settle = async (first: Task, req: ValidRequest, deps: SetTaskStatusDeps): Promise<SetTaskStatusResult> => {
  const { pipelineId } = first;
  let task: Task | undefined = first;
  for (let round = 0; round < MAX_SETTLE_ROUNDS; round++) {
    if (!task) return { ok: false, pipelineId, error: taskNotFound() };
    if (task.state === 'RUNNING') {
      const completion = completionOf(req, deps.now());
      const result = await deps.store.completeTask(task.taskId, completion);
      if (result.applied) {
        await deps.store.recordAttempt(task.attemptId, completion);
        return { ok: true, outcome: 'completed', pipelineId };
      }
      task = result.current; // another call won the task; judge ours against what it wrote
      continue;
    }
    if (task.state === 'CANCELED') return { ok: true, outcome: 'canceled', pipelineId };
    if (task.state === req.status) {
      // The call that won may have died before writing the attempt: finish its work (a no-op if it did not).
      if (task.completion) await deps.store.recordAttempt(task.attemptId, task.completion);
      return { ok: true, outcome: 'unchanged', pipelineId };
    }
    return {
      ok: false,
      pipelineId,
      error: modeledError('InvalidRequestException', `The task is already ${task.state}; it cannot be set to ${req.status}.`),
    };
  }
  throw new Error(`task did not settle after ${MAX_SETTLE_ROUNDS} conditional writes`);
};

const completionOf = (req: ValidRequest, now: Date): Completion => ({
  status: req.status,
  endTime: now.toISOString(),
  ...(req.errorId !== undefined && { errorId: req.errorId }),
  ...(req.errorMessage !== undefined && { errorMessage: req.errorMessage }),
  ...(req.errorStackTrace !== undefined && { errorStackTrace: req.errorStackTrace }),
});
