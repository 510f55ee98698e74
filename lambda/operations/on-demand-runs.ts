/**
 * On-demand runs (dp-concepts-schedules, On-Demand): each activation starts a run, while fewer than Default's
 * `maxActiveInstances` (default 1, at most 5) are in progress; another is refused with a 400, never a silent 200.
 * Runs start at least a second apart, so their instance ids (`@A_<start to the second>`) are unique per activation.
 *
 * Crash-safe without a retry: the run is reserved on the pipeline's run summary (`pendingRun`) before any
 * instance is written, and each worker group's marker is put in the ready index, due a little later; the
 * writing ends by clearing `pendingRun` and taking the markers out. A crash in between leaves the reservation,
 * and whoever meets it next (a poll of a worker group meeting its marker, DescribePipelines, another activation)
 * finishes writing that run, idempotently.
 */
import type { Definition } from '../definitions/definition';
import { DEFAULT_OBJECT_ID } from '../definitions/definition';
import { Inheritance } from '../definitions/inheritance';
import { planRun, workerGroupsOf } from '../runs/plan-run';
import { runStartOfInstance } from '../runs/run-model';
import type { RunSummary } from '../store/run-store';
import type { RequestContext } from './operation';
import { SETTLE_AFTER_MS } from './run-progress';

/** dp-concepts-schedules: "The default value for this slot is 1 for on-demand pipelines and can have a maximum value of 5". */
const ON_DEMAND_MAX_ACTIVE = { default: 1, maximum: 5 } as const;

/**
 * Activations that race each other for the next run: each round rereads the summary, and each round one of them
 * wins, so a caller is through (started, or refused at maxActiveInstances) within as many rounds as there are
 * callers ahead of it; the request's deadline bounds the rest.
 */
const ROUNDS = 64;

export const maxActiveRuns = (definition: Definition): number => {
  const value = new Inheritance(definition.pipelineObjects).get(DEFAULT_OBJECT_ID)?.fields.find((f) => f.key === 'maxActiveInstances')?.stringValue;
  const n = Number.parseInt(value ?? '', 10);
  return Number.isNaN(n) ? ON_DEMAND_MAX_ACTIVE.default : Math.min(ON_DEMAND_MAX_ACTIVE.maximum, Math.max(1, n));
};

/**
 * The runs in progress: the distinct runs of the instances not final (an instance id ends with its run's time),
 * and a run being written (it is open as soon as its writer ends, possibly before this caller reserves the next).
 */
export const activeRuns = (summary: RunSummary): number => {
  const runs = new Set(summary.open.map(runStartOfInstance));
  if (summary.pendingRun !== undefined) runs.add(summary.pendingRun.slice(0, 19));
  return runs.size;
};

/** The next run's start: now to the second, or a second after the latest run if that is not earlier. */
const nextStart = (now: Date, last: string | undefined): string => {
  const second = Math.floor(now.getTime() / 1000) * 1000;
  const after = last === undefined ? second : Math.max(second, new Date(last).getTime() + 1000);
  return new Date(after).toISOString();
};

/** Writes the run reserved as `pendingRun` (each write put-if-absent), then clears the reservation. */
export const finishPendingRun = async (
  ctx: RequestContext,
  pipelineId: string,
  accountId: string,
  definition: Definition,
  known?: RunSummary,
): Promise<void> => {
  const summary = known ?? (await ctx.stores.runs.summary(pipelineId));
  const start = summary.pendingRun;
  if (start === undefined) return;
  const plan = planRun(definition, new Date(start), ctx.limits, ctx.now());
  if (plan.refusal !== undefined) return;
  await ctx.stores.runs.startRun(pipelineId, accountId, start, plan.run.instances, plan.run.attempts);
  await ctx.stores.runs.instancesOpened(
    pipelineId,
    plan.run.instances.map((i) => i.instanceId),
    start,
  );
};

export type RunStart = { readonly started: string } | { readonly refusal: string };

/** Starts the next on-demand run, unless `maxActiveInstances` runs are in progress. */
export const startOnDemandRun = async (ctx: RequestContext, pipelineId: string, definition: Definition): Promise<RunStart> => {
  const { accountId } = ctx.caller;
  const max = maxActiveRuns(definition);
  for (let round = 0; round < ROUNDS; round++) {
    let summary = await ctx.stores.runs.summary(pipelineId);
    if (summary.pendingRun !== undefined) {
      // A run whose writing was cut short (or is under way in a concurrent call): finish it first; it counts.
      await finishPendingRun(ctx, pipelineId, accountId, definition, summary);
      summary = await ctx.stores.runs.summary(pipelineId);
    }
    const active = activeRuns(summary);
    if (active >= max) {
      return {
        refusal: `${active} run${active === 1 ? ' is' : 's are'} in progress and Default's maxActiveInstances is ${max}: activate again when a run has ended, or set maxActiveInstances (at most ${ON_DEMAND_MAX_ACTIVE.maximum}) to run more at once.`,
      };
    }
    const now = ctx.now();
    const start = nextStart(now, summary.lastRunStart);
    // The markers first: if this call dies after reserving, a poll of each worker group finishes the run.
    const repairAt = new Date(now.getTime() + SETTLE_AFTER_MS).toISOString();
    const groups = workerGroupsOf(definition, ctx.limits);
    for (const wg of groups) await ctx.stores.runs.armSchedule(pipelineId, accountId, wg, repairAt, now.toISOString(), undefined, 'ondemand');
    if (!(await ctx.stores.runs.reserveRun(pipelineId, start, summary.lastRunStart))) continue; // a concurrent activation took it
    await finishPendingRun(ctx, pipelineId, accountId, definition, { ...summary, pendingRun: start });
    for (const wg of groups) await ctx.stores.runs.disarmSchedule(pipelineId, wg, repairAt, 'ondemand');
    return { started: start };
  }
  throw new Error(`activations of ${pipelineId} kept racing for the next run`);
};
