/**
 * What the task calls (SetTaskStatus, ReportTaskProgress) check first, in this order: the task exists and is
 * the caller's (another account's task does not exist for it; a pipeline written without an owner is anyone's),
 * then its pipeline exists and is not deleted (docs/behaviour.md §3, rules 1 to 3).
 */
import type { Task } from '../store/task-store';
import { modeledError } from './errors';
import type { OperationResult, RequestContext } from './operation';
import { pipelineDeleted, pipelineNotFound } from './pipeline-access';

export const taskNotFound = () => modeledError('TaskNotFoundException', 'The specified task was not found.');

/** The caller's task whose pipeline is live, or the answer to give instead. */
export const loadTask = async (ctx: RequestContext, taskId: string): Promise<{ task: Task; refused?: undefined } | { refused: OperationResult }> => {
  const { task, pipeline } = await ctx.stores.tasks.getTaskAndPipeline(taskId);
  if (!task) return { refused: { ok: false, error: taskNotFound() } };
  const { pipelineId } = task;
  if (pipeline?.accountId !== undefined && pipeline.accountId !== ctx.caller.accountId) return { refused: { ok: false, error: taskNotFound() } };
  if (!pipeline) return { refused: { ok: false, log: { pipelineId }, error: pipelineNotFound(pipelineId) } };
  if (pipeline.deleted) return { refused: { ok: false, log: { pipelineId }, error: pipelineDeleted(pipelineId) } };
  return { task };
};
