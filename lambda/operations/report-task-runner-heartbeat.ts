/**
 * ReportTaskRunnerHeartbeat: records the runner (id, worker group, hostname, time of the heartbeat) and answers
 * `terminate: false`: this backend launches no runner, so it never asks one to stop.
 */
import { optional, required, SHAPES, structure } from '../model/shapes';
import { TASKRUNNER_ID_MAX_BYTES, utf8Bytes } from '../definitions/limits';
import type { Operation, OperationResult, RequestContext } from './operation';
import { invalidRequest } from './pipeline-access';

interface Input {
  readonly taskrunnerId: string;
  readonly workerGroup?: string;
  readonly hostname?: string;
}

const run = async (input: Input, ctx: RequestContext): Promise<OperationResult> => {
  const idBytes = utf8Bytes(input.taskrunnerId);
  if (idBytes > TASKRUNNER_ID_MAX_BYTES) {
    return {
      ok: false,
      error: invalidRequest(`taskrunnerId takes ${idBytes} UTF-8 bytes; at most ${TASKRUNNER_ID_MAX_BYTES} are allowed (it is a DynamoDB key).`),
    };
  }
  await ctx.stores.runs.recordRunner(ctx.caller.accountId, {
    taskrunnerId: input.taskrunnerId,
    ...(input.workerGroup !== undefined && { workerGroup: input.workerGroup }),
    ...(input.hostname !== undefined && { hostname: input.hostname }),
    at: ctx.now().toISOString(),
  });
  return { ok: true, output: { terminate: false } };
};

export const ReportTaskRunnerHeartbeat: Operation<Input> = {
  input: structure({ taskrunnerId: required(SHAPES.id), workerGroup: optional(SHAPES.string), hostname: optional(SHAPES.id) }),
  infoKeys: (i) => ({ taskrunnerId: i.taskrunnerId, workerGroup: i.workerGroup }),
  run,
};
