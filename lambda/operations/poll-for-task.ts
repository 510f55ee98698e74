/**
 * PollForTask: hands one attempt of the caller's account and worker group to exactly one caller, oldest first.
 * The claim is one conditional write on the attempt (the arbiter); then the pipeline is checked (a pipeline
 * deleted or deactivated before the claim hands nothing out), the instance marked RUNNING, the task written.
 * With nothing ready it long-polls: it looks again every second until an attempt is ready or its wait ends,
 * and answers `{}`. Leases that have passed, met on the way, are given up (retry or failure), and ended attempts
 * whose run never moved on (their call died) are settled, and the due periods of scheduled pipelines opened.
 */
import { Evaluation } from '../expressions/evaluate';
import { optional, required, SHAPES, structure } from '../model/shapes';
import { PIPELINE_DELETED } from '../store/tables';
import { newTaskId } from '../store/task-store';
import type { Candidate } from '../store/run-store';
import type { Operation, OperationResult, RequestContext } from './operation';
import { invalidRequest, readDefinition, withActivationValues } from './pipeline-access';
import { utf8Bytes, WORKER_GROUP_MAX_BYTES } from '../definitions/limits';
import { expireLease, settleCandidate } from './run-progress';
import { advanceMarker } from './schedule-progress';
import { buildTaskObject } from './task-object';

export const POLL_FOR_TASK_INPUT = structure({
  workerGroup: required(SHAPES.string),
  hostname: optional(SHAPES.id),
  instanceIdentity: optional(structure({ document: optional(SHAPES.string), signature: optional(SHAPES.string) })),
});

interface Input {
  readonly workerGroup: string;
  readonly hostname?: string;
}

/** How long a poll waits for work at most (the model allows 90 s; API Gateway ends a request at 29 s). */
export const POLL_WAIT_MS = 20_000;
/** How often a waiting poll looks again: an attempt made ready is handed out within about this. */
export const POLL_INTERVAL_MS = 1000;
/** Candidates read a round. */
const BATCH = 10;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Tries the candidates in order; the task object of the first one this caller wins, 'opened' when it opened due periods (look again at once), or undefined. */
const takeOne = async (input: Input, ctx: RequestContext, evaluation: Evaluation, candidates: readonly Candidate[]): Promise<OperationResult | 'opened' | undefined> => {
  const { accountId } = ctx.caller;
  let opened = false;
  for (const c of candidates) {
    if (c.status === 'SCHEDULE') {
      await advanceMarker(ctx, c, accountId); // a scheduled pipeline's next periods are due
      opened = true;
      continue;
    }
    if (c.status === 'RUNNING') {
      await expireLease(ctx, c, accountId); // its lease has passed
      continue;
    }
    if (c.status !== 'WAITING_FOR_RUNNER') {
      await settleCandidate(ctx, c, accountId); // it ended, and the call that ended it died before the run moved on
      continue;
    }
    const now = ctx.now();
    const pipeline = await ctx.stores.pipelines.get(c.pipelineId);
    if (!pipeline || pipeline.state === PIPELINE_DELETED) {
      await ctx.stores.runs.cancelAttempt(c.pipelineId, c.attemptId, now.toISOString());
      continue;
    }
    if (pipeline.state !== 'SCHEDULED' || !pipeline.active) continue; // deactivated: its work waits
    const attempt = await ctx.stores.runs.getAttempt(c.pipelineId, c.attemptId);
    if (!attempt || pipeline.paused.includes(attempt.componentId)) continue; // paused: its work waits
    const taskId = newTaskId();
    const instance = await ctx.stores.runs.getInstance(c.pipelineId, attempt.instanceId);
    if (!instance) continue;
    // The task object is made before the claim: nothing after the claim can fail for what the definition holds
    // (a field that cannot be evaluated, or is over the request's budget, is handed out as written).
    const read = await readDefinition(ctx, pipeline, (p) => p.active);
    if ('error' in read) continue;
    const held = { ...attempt, status: 'RUNNING' as const, taskId, actualStartTime: now.toISOString(), ...(input.hostname !== undefined && { hostname: input.hostname }) };
    const taskObject = buildTaskObject(evaluation, withActivationValues(read.definition, read.pipeline), instance, held, taskId);
    const leaseUntil = new Date(now.getTime() + instance.settings.acknowledgeTimeoutMs).toISOString();
    const claimed = await ctx.stores.runs.claim(c, { taskId, ...(input.hostname !== undefined && { hostname: input.hostname }), at: now.toISOString(), leaseUntil });
    if (!claimed) continue; // another poller took it
    // Checked after the claim: a DeletePipeline that returned before it is seen here, and nothing is handed out.
    const after = await ctx.stores.pipelines.get(c.pipelineId);
    if (!after || after.state === PIPELINE_DELETED) {
      await ctx.stores.runs.cancelAttempt(c.pipelineId, c.attemptId, now.toISOString());
      continue;
    }
    await ctx.stores.runs.instanceStarted(c.pipelineId, instance.instanceId, attempt.attemptId);
    await ctx.stores.tasks.putTask({ taskId, pipelineId: c.pipelineId, attemptId: attempt.attemptId, state: 'RUNNING' });
    return { ok: true, output: { taskObject }, log: { pipelineId: c.pipelineId, attemptId: attempt.attemptId } };
  }
  return opened ? 'opened' : undefined;
};

const run = async (input: Input, ctx: RequestContext): Promise<OperationResult> => {
  const groupBytes = utf8Bytes(input.workerGroup);
  if (groupBytes > WORKER_GROUP_MAX_BYTES) {
    return { ok: false, error: invalidRequest(`workerGroup takes ${groupBytes} UTF-8 bytes; a worker group is at most ${WORKER_GROUP_MAX_BYTES} (it is part of DynamoDB keys).`) };
  }
  const waitUntil = Math.min(Date.now() + POLL_WAIT_MS, ctx.deadline - POLL_INTERVAL_MS);
  const evaluation = new Evaluation(ctx.deadline);
  for (;;) {
    const candidates = await ctx.stores.runs.candidates(ctx.caller.accountId, input.workerGroup, ctx.now().toISOString(), BATCH);
    const taken = await takeOne(input, ctx, evaluation, candidates);
    if (taken !== undefined && taken !== 'opened') return taken;
    if (Date.now() + POLL_INTERVAL_MS > waitUntil) return { ok: true, output: {}, log: { outcome: 'nothing ready' } };
    if (taken !== 'opened') await sleep(POLL_INTERVAL_MS); // periods just opened: look again at once
  }
};

export const PollForTask: Operation<Input> = {
  input: POLL_FOR_TASK_INPUT,
  infoKeys: (i) => ({ workerGroup: i.workerGroup, hostname: i.hostname }),
  run,
};
