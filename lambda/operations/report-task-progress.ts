/**
 * ReportTaskProgress: the runner acknowledges a task and renews its lease (until now + the activity's
 * reportProgressTimeout), and the fields it reports are kept on the attempt. `canceled: true` tells the runner
 * to stop: the attempt was canceled, or its lease had passed and it was given up (another attempt may run).
 */
import { FIELD_LIST, optional, required, SHAPES, structure } from '../model/shapes';
import type { Field } from '../definitions/definition';
import { RUN_DEFAULTS } from '../definitions/run-limits';
import { utf8Bytes } from '../definitions/limits';
import type { Operation, OperationResult, RequestContext } from './operation';
import { invalidRequest } from './pipeline-access';
import { loadTask } from './task-access';

interface Input {
  readonly taskId: string;
  readonly fields?: Field[];
}

/**
 * The UTF-8 bytes of the reported `fields` (as JSON) an attempt keeps: with the error fields SetTaskStatus may
 * add (285 KB at most, docs/behaviour.md §2), the attempt stays under DynamoDB's 400 KB item limit.
 */
export const MAX_REPORTED_FIELDS_BYTES = 96 * 1024;

const run = async (input: Input, ctx: RequestContext): Promise<OperationResult> => {
  const reportedBytes = input.fields === undefined ? 0 : utf8Bytes(JSON.stringify(input.fields));
  if (reportedBytes > MAX_REPORTED_FIELDS_BYTES) {
    return { ok: false, error: invalidRequest(`fields take ${reportedBytes} bytes as JSON; an attempt keeps at most ${MAX_REPORTED_FIELDS_BYTES}.`) };
  }
  const loaded = await loadTask(ctx, input.taskId);
  if (loaded.refused) return loaded.refused;
  const { task } = loaded;
  const { pipelineId } = task;
  if (task.state === 'CANCELED') return { ok: true, output: { canceled: true }, log: { pipelineId, outcome: 'canceled' } };
  // A task of a run carries its instance's settings; a seeded task's attempt belongs to no instance: the default applies.
  const timeoutMs = task.instance?.settings.reportProgressTimeoutMs ?? RUN_DEFAULTS.reportProgressTimeoutMs;
  const now = ctx.now();
  const leaseUntil = new Date(now.getTime() + timeoutMs).toISOString();
  const result = await ctx.stores.runs.reportProgress(pipelineId, task.attemptId, task.taskId, leaseUntil, input.fields ?? [], now.toISOString());
  return { ok: true, output: { canceled: result !== 'ok' }, log: { pipelineId, outcome: result } };
};

export const ReportTaskProgress: Operation<Input> = {
  input: structure({ taskId: required(SHAPES.taskId), fields: optional(FIELD_LIST) }),
  infoKeys: (i) => ({ taskId: i.taskId }),
  run,
};
