/**
 * SetStatus: PAUSE and RESUME on components (a paused component's attempts are not handed out); TRY_CANCEL,
 * RERUN and MARK_FINISHED on instances, as the run's state machine says (lambda/runs/transitions.ts). The ids
 * are all components or all instances, never a mix (the model's doc); an unknown id is refused.
 */
import { cut } from '../model/text';
import { list, required, SHAPES, structure } from '../model/shapes';

/**
 * Ids a SetStatus call takes (docs/behaviour.md §11): each instance is a few reads and writes by key, so a
 * thousand stay well within the request's deadline; the model sets no bound.
 */
export const MAX_SET_STATUS_IDS = 1000;
import { cancel, markFinished, rerun, sibling } from '../runs/transitions';
import type { StoredInstance } from '../store/run-store';
import type { Operation, OperationResult, RequestContext } from './operation';
import { invalidRequest, loadPipeline, pipelineDeleted, readDefinition, shownVersion } from './pipeline-access';
import { applyEffects } from './run-progress';
import { parkWaiting, unparkWaiting } from './parking';

export const COMPONENT_STATUSES = ['PAUSE', 'RESUME'] as const;
export const INSTANCE_STATUSES = ['TRY_CANCEL', 'RERUN', 'MARK_FINISHED'] as const;

interface Input {
  readonly pipelineId: string;
  readonly objectIds: string[];
  readonly status: string;
}

const run = async (input: Input, ctx: RequestContext): Promise<OperationResult> => {
  const forComponents = (COMPONENT_STATUSES as readonly string[]).includes(input.status);
  if (!forComponents && !(INSTANCE_STATUSES as readonly string[]).includes(input.status)) {
    return { ok: false, error: invalidRequest(`Status '${cut(input.status, 32)}' is not valid: use PAUSE or RESUME for components, TRY_CANCEL, RERUN or MARK_FINISHED for instances.`) };
  }
  if (input.objectIds.length === 0) return { ok: false, error: invalidRequest('objectIds must name at least one object.') };
  const loaded = await loadPipeline(ctx, input.pipelineId);
  if (loaded.error) return { ok: false, error: loaded.error };
  const { pipelineId } = input;
  const ids = [...new Set(input.objectIds)];
  if (forComponents) {
    const read = await readDefinition(ctx, loaded.pipeline, shownVersion);
    if ('error' in read) return { ok: false, error: read.error };
    const components = new Set(read.definition.pipelineObjects.map((o) => o.id));
    const unknown = ids.filter((id) => !components.has(id));
    if (unknown.length > 0) return { ok: false, error: invalidRequest(refusalFor(unknown, 'components', input.status)) };
    const pausing = input.status === 'PAUSE';
    // Out of the ready index after the pause is written; back into it before the resume is (parking.ts).
    if (!pausing) await unparkWaiting(ctx, pipelineId, new Set(ids));
    const written = await ctx.stores.pipelines.setPaused(pipelineId, ids, pausing);
    if (written === 'gone') return { ok: false, error: pipelineDeleted(pipelineId) };
    // Pausing, park them; resuming, put back those a poller parked again before the resume was written.
    if (pausing) await parkWaiting(ctx, pipelineId, new Set(ids));
    else await unparkWaiting(ctx, pipelineId, new Set(ids));
    return { ok: true, output: {}, log: { count: ids.length } };
  }
  // Instances are read by key: what a call costs is what it names, never the pipeline's history.
  const known = new Set((await ctx.stores.runs.getInstances(pipelineId, ids.filter((id) => id.startsWith('@')))).map((i) => i.instanceId));
  const unknown = ids.filter((id) => !known.has(id));
  if (unknown.length > 0) return { ok: false, error: invalidRequest(refusalFor(unknown, 'instances', input.status)) };
  for (const id of ids) {
    const instance = await ctx.stores.runs.getInstance(pipelineId, id); // each change sees the ones before it
    if (!instance) continue;
    const refusal = await change(ctx, pipelineId, instance, input.status);
    if (refusal !== undefined) return { ok: false, error: invalidRequest(refusal) };
  }
  return { ok: true, output: {}, log: { count: ids.length } };
};

/** One instance's change; a refusal when the state machine refuses it (a rerun blocked by a failed dependency). */
const change = async (ctx: RequestContext, pipelineId: string, instance: StoredInstance, status: string): Promise<string | undefined> => {
  const now = ctx.now();
  const { accountId } = ctx.caller;
  if (status === 'RERUN') {
    // Its dependencies and its downstream, read by key in its run.
    const related = await ctx.stores.runs.getInstances(pipelineId, [...instance.settings.dependsOn, ...(instance.settings.downstream ?? [])].map((c) => sibling(instance, c)));
    const byComponent = new Map(related.map((i) => [i.componentId, i]));
    const changes = rerun(instance, (c) => byComponent.get(c)?.status, (c) => byComponent.get(c)?.settings.dependsOn ?? [], now);
    if ('refusal' in changes) return changes.refusal;
    await ctx.stores.runs.apply(pipelineId, accountId, changes, now.toISOString());
    return undefined;
  }
  await endLiveAttempt(ctx, pipelineId, instance, now.toISOString());
  if (status === 'MARK_FINISHED') await applyEffects(ctx, pipelineId, accountId, markFinished(instance));
  else await ctx.stores.runs.apply(pipelineId, accountId, cancel(instance), now.toISOString());
  return undefined;
};

/**
 * The attempt still waiting or running of an instance that is canceled or marked finished: CANCELED, and its task.
 * The task first (the arbiter with SetTaskStatus): if the runner's outcome is already there, the attempt keeps it.
 */
const endLiveAttempt = async (ctx: RequestContext, pipelineId: string, instance: StoredInstance, at: string) => {
  if (instance.headAttempt === undefined) return;
  const attempt = await ctx.stores.runs.getAttempt(pipelineId, instance.headAttempt);
  if (!attempt || (attempt.status !== 'WAITING_FOR_RUNNER' && attempt.status !== 'RUNNING')) return;
  if (attempt.taskId) {
    const task = await ctx.stores.tasks.cancelTask(attempt.taskId);
    if (task && task.state !== 'CANCELED') return; // the runner's SetTaskStatus won: its call records the attempt
  }
  await ctx.stores.runs.cancelAttempt(pipelineId, attempt.attemptId, at);
};

const refusalFor = (unknown: readonly string[], expected: string, status: string): string => {
  // Instance and attempt ids start with @; component ids as put (a component id starting with @ is refused by neither).
  const mixed = expected === 'components' ? unknown.some((id) => id.startsWith('@')) : unknown.some((id) => !id.startsWith('@'));
  const shown = unknown.slice(0, 5).map((id) => cut(id, 128)).join(', ');
  return mixed
    ? `${status} acts on ${expected} only, and the ids may not mix components and instances: ${shown}.`
    : `No such ${expected === 'components' ? 'component' : 'instance'} in the pipeline: ${shown}.`;
};

export const SetStatus: Operation<Input> = {
  input: structure({ pipelineId: required(SHAPES.id), objectIds: required(list(SHAPES.id, { max: MAX_SET_STATUS_IDS })), status: required(SHAPES.string) }),
  infoKeys: (i) => ({ pipelineId: i.pipelineId, status: i.status, count: i.objectIds.length }),
  run,
};
