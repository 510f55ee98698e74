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
import { RUN_DEFAULTS } from '../definitions/run-limits';
import type { StoredInstance } from '../store/run-store';
import { utf8Bytes, WORKER_GROUP_MAX_BYTES } from '../definitions/limits';
import { expireLease, settleCandidate } from './run-progress';
import { advanceMarker } from './schedule-progress';
import { claimable, recheckParked } from './parking';
import { buildTaskObject } from './task-object';
import { FINAL_INSTANCE_STATUSES } from '../runs/run-model';

const POLL_FOR_TASK_INPUT = structure({
  workerGroup: required(SHAPES.string),
  hostname: optional(SHAPES.id),
  instanceIdentity: optional(structure({ document: optional(SHAPES.string), signature: optional(SHAPES.string) })),
});

interface Input {
  readonly workerGroup: string;
  readonly hostname?: string;
}

/** How long a poll waits for work at most (the model allows 90 s; API Gateway ends a request at 29 s). */
const POLL_WAIT_MS = 20_000;
/** How often a waiting poll looks again: an attempt made ready is handed out within about this. */
const POLL_INTERVAL_MS = 1000;
/** With relaxed limits, the lease a claim takes until the activity's own acknowledgement window is set. */
const RELAXED_CLAIM_LEASE_MS = 10_000;

/** Candidates read a round. */
const BATCH = 10;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Claims a waiting attempt, then checks what the claim cannot: the pipeline (deleted: the attempt is CANCELED;
 * inactive, or its component paused: the attempt is parked out of the ready index until activation or RESUME,
 * so that no poller meets it again). Anything that fails after the claim puts the attempt back (release), so a
 * claim is never followed by an attempt nobody holds. The claim's answer is the attempt with its instance's
 * settings and period: the poll reads no attempt or instance item, and the definition from a cache of versions.
 */
const takeAttempt = async (
  input: Input,
  ctx: RequestContext,
  evaluation: Evaluation,
  c: Candidate,
  parked: Parked[],
): Promise<OperationResult | 'moved' | undefined> => {
  const now = ctx.now();
  const taskId = newTaskId(c.pipelineId);
  // The claim takes the acknowledgement window before the activity's settings are known: the limits' 2 minutes, or
  // with relaxed limits a short one; an activity whose window differs (relaxed limits only) has it set right after.
  const claimLeaseMs = ctx.limits.relaxed ? RELAXED_CLAIM_LEASE_MS : RUN_DEFAULTS.acknowledgeTimeoutMs;
  const claimed = await ctx.stores.runs.claim(c, {
    taskId,
    ...(input.hostname !== undefined && { hostname: input.hostname }),
    at: now.toISOString(),
    leaseUntil: new Date(now.getTime() + claimLeaseMs).toISOString(),
  });
  if (!claimed) return undefined; // another poller took it
  try {
    const settings =
      claimed.run.settings.acknowledgeTimeoutMs === undefined
        ? (await ctx.stores.runs.getInstance(c.pipelineId, claimed.instanceId))?.settings
        : claimed.run.settings;
    if (!settings) {
      await ctx.stores.runs.release(c, taskId);
      return undefined;
    }
    if (settings.acknowledgeTimeoutMs !== claimLeaseMs)
      await ctx.stores.runs.setLease(c.pipelineId, c.attemptId, taskId, new Date(now.getTime() + settings.acknowledgeTimeoutMs).toISOString());
    // Checked after the claim: a DeletePipeline that returned before it is seen here, and nothing is handed out.
    const pipeline = await ctx.stores.pipelines.get(c.pipelineId);
    if (!pipeline || pipeline.state === PIPELINE_DELETED) {
      await ctx.stores.runs.cancelAttempt(c.pipelineId, c.attemptId, now.toISOString());
      return 'moved';
    }
    if (!claimable(pipeline, claimed.componentId)) {
      await ctx.stores.runs.parkClaimed(c, taskId);
      parked.push({ pipelineId: c.pipelineId, attemptId: c.attemptId, componentId: claimed.componentId }); // re-read after the batch (takeOne)
      return 'moved';
    }
    const read = await readDefinition(ctx, pipeline, (p) => p.active);
    if ('error' in read) {
      await ctx.stores.runs.release(c, taskId);
      return undefined;
    }
    const instance: StoredInstance = {
      pipelineId: c.pipelineId,
      runId: claimed.run.scheduledStartTime,
      instanceId: claimed.instanceId,
      componentId: claimed.componentId,
      status: 'RUNNING',
      settings,
      scheduledStartTime: claimed.run.scheduledStartTime,
      scheduledEndTime: claimed.run.scheduledEndTime,
      attemptCount: claimed.number,
      headAttempt: claimed.attemptId,
      ...(claimed.run.openedAt !== undefined && { actualStartTime: claimed.run.openedAt }),
    };
    const taskObject = buildTaskObject(evaluation, withActivationValues(read.definition, read.pipeline), instance, claimed, taskId);
    if (!(await ctx.stores.runs.instanceStarted(c.pipelineId, claimed.instanceId, claimed.attemptId)) && (await outlived(ctx, c.pipelineId, claimed))) {
      await ctx.stores.runs.cancelAttempt(c.pipelineId, c.attemptId, now.toISOString());
      return 'moved';
    }
    await ctx.stores.tasks.putTask({ taskId, pipelineId: c.pipelineId, attemptId: claimed.attemptId, state: 'RUNNING', instance });
    return { ok: true, output: { taskObject }, log: { pipelineId: c.pipelineId, attemptId: claimed.attemptId } };
  } catch (err) {
    await ctx.stores.runs.release(c, taskId).catch(() => undefined); // best effort: its lease passes otherwise
    throw err;
  }
};

/**
 * Whether a claimed attempt outlived its instance: the instance ended (canceled, marked finished, failed) or has a
 * later attempt, so no runner must get it. An attempt is written before its instance's change (the store's
 * order), and an operator's change can land between a retry's two writes: such an attempt is left in the ready
 * index. (An instance still RUNNING from the attempt before, whose change to this one has not landed yet, is not
 * outlived: the attempt is handed out.)
 */
const outlived = async (ctx: RequestContext, pipelineId: string, claimed: { instanceId: string; number: number }): Promise<boolean> => {
  const instance = await ctx.stores.runs.getInstance(pipelineId, claimed.instanceId);
  if (!instance || FINAL_INSTANCE_STATUSES.includes(instance.status)) return true;
  return instance.attemptCount > claimed.number;
};

/**
 * Tries the candidates in order: the task object of the first one this caller wins; 'again' when it moved some
 * out of the way (opened due periods, gave up a lease, settled, parked or canceled an attempt it could not hand
 * out), so the poll looks again at once: no number of such items ahead of a claimable one can starve it.
 */
const takeOne = async (
  input: Input,
  ctx: RequestContext,
  evaluation: Evaluation,
  candidates: readonly Candidate[],
): Promise<OperationResult | 'again' | undefined> => {
  const parked: Parked[] = [];
  try {
    return await tryCandidates(input, ctx, evaluation, candidates, parked);
  } finally {
    // What this batch parked: each pipeline read again once, and what an activation or RESUME made claimable
    // meanwhile put back (parking.ts).
    for (const pipelineId of new Set(parked.map((p) => p.pipelineId)))
      await recheckParked(
        ctx,
        pipelineId,
        parked.filter((p) => p.pipelineId === pipelineId),
      );
  }
};

/** An attempt a poll parked: its pipeline and component. */
interface Parked {
  readonly pipelineId: string;
  readonly attemptId: string;
  readonly componentId: string;
}

/** takeOne's loop: the attempts it parks are noted in `parked`, for the re-read after it. */
const tryCandidates = async (
  input: Input,
  ctx: RequestContext,
  evaluation: Evaluation,
  candidates: readonly Candidate[],
  parked: Parked[],
): Promise<OperationResult | 'again' | undefined> => {
  const { accountId } = ctx.caller;
  let again = false;
  for (const c of candidates) {
    if (c.status === 'SCHEDULE') {
      await advanceMarker(ctx, c, accountId); // a pipeline's marker is due: its next periods, or a run cut short
      again = true;
      continue;
    }
    if (c.status === 'RUNNING') {
      // Its lease has passed: given up, unless the request is near its end (then the next poll does it).
      if ((await expireLease(ctx, c, accountId)) !== 'not now') again = true;
      continue;
    }
    if (c.status !== 'WAITING_FOR_RUNNER') {
      await settleCandidate(ctx, c, accountId); // it ended, and the call that ended it died before the run moved on
      again = true;
      continue;
    }
    const taken = await takeAttempt(input, ctx, evaluation, c, parked);
    if (taken === 'moved') again = true;
    else if (taken) return taken;
  }
  return again ? 'again' : undefined;
};

const run = async (input: Input, ctx: RequestContext): Promise<OperationResult> => {
  const groupBytes = utf8Bytes(input.workerGroup);
  if (groupBytes > WORKER_GROUP_MAX_BYTES) {
    return {
      ok: false,
      error: invalidRequest(`workerGroup takes ${groupBytes} UTF-8 bytes; a worker group is at most ${WORKER_GROUP_MAX_BYTES} (it is part of DynamoDB keys).`),
    };
  }
  const waitUntil = Math.min(Date.now() + POLL_WAIT_MS, ctx.deadline - POLL_INTERVAL_MS);
  const evaluation = new Evaluation(ctx.deadline);
  for (;;) {
    const candidates = await ctx.stores.runs.candidates(ctx.caller.accountId, input.workerGroup, ctx.now().toISOString(), BATCH);
    const taken = await takeOne(input, ctx, evaluation, candidates);
    if (taken !== undefined && taken !== 'again') return taken;
    if (Date.now() + POLL_INTERVAL_MS > waitUntil) return { ok: true, output: {}, log: { outcome: 'nothing ready' } };
    if (taken !== 'again') await sleep(POLL_INTERVAL_MS); // something moved out of the way: look again at once
  }
};

export const PollForTask: Operation<Input> = {
  input: POLL_FOR_TASK_INPUT,
  infoKeys: (i) => ({ workerGroup: i.workerGroup, hostname: i.hostname }),
  run,
};
