/**
 * ListTaskRunners: not an AWS call. An extension under its own target, `DataPipelineLocal.ListTaskRunners`, so
 * that `DataPipeline.ListTaskRunners` stays an unknown operation as on AWS. It answers the task runners of the
 * caller's account that sent ReportTaskRunnerHeartbeat in the last hour (the console's runners view reads it):
 * the latest heartbeat of each, newest first. Heartbeats are kept by the hour they came in (run-store.ts), so the
 * call reads this hour's and the last hour's, at most RUNNERS_READ_PER_HOUR of each (the first by id: past that,
 * `truncated` says some were left out): two Queries, whatever the account's history.
 */
import { structure } from '../model/shapes';
import { hourOf, RunnerRecord } from '../store/run-store';
import type { Operation, OperationResult, RequestContext } from './operation';

export const LIST_TASK_RUNNERS_TARGET = 'DataPipelineLocal.ListTaskRunners';

/** At most this many heartbeats are read of each hour (docs/behaviour.md §11). */
const RUNNERS_READ_PER_HOUR = 200;

const HOUR_MS = 3600_000;

const run = async (_input: object, ctx: RequestContext): Promise<OperationResult> => {
  const now = ctx.now();
  const since = new Date(now.getTime() - HOUR_MS).toISOString();
  const seen = await ctx.stores.runs.runnersSeen(ctx.caller.accountId, [hourOf(since), hourOf(now.toISOString())], RUNNERS_READ_PER_HOUR);
  const latest = new Map<string, RunnerRecord>();
  for (const r of seen.runners) {
    if (r.at < since) continue;
    const known = latest.get(r.taskrunnerId);
    if (known === undefined || known.at < r.at) latest.set(r.taskrunnerId, r);
  }
  const taskRunners = [...latest.values()]
    .sort((a, b) => (a.at < b.at ? 1 : a.at > b.at ? -1 : 0))
    .map((r) => ({
      taskrunnerId: r.taskrunnerId,
      ...(r.workerGroup !== undefined && { workerGroup: r.workerGroup }),
      ...(r.hostname !== undefined && { hostname: r.hostname }),
      lastHeartbeat: r.at,
    }));
  return { ok: true, output: { taskRunners, truncated: seen.truncated } };
};

export const ListTaskRunners: Operation<object> = {
  input: structure({}),
  infoKeys: () => ({}),
  run,
};
