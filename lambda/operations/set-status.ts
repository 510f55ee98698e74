/**
 * SetStatus: PAUSE and RESUME on components (a paused component's attempts are not handed out); TRY_CANCEL,
 * RERUN and MARK_FINISHED on instances, as the run's state machine says (lambda/runs/transitions.ts). The ids
 * are all components or all instances, never a mix (the model's doc); an unknown id is refused.
 */
import { cut } from '../model/text';
import { list, required, SHAPES, structure } from '../model/shapes';

/**
 * Ids a SetStatus call takes (docs/behaviour.md §11): canceling an instance is about 7 requests by key (its attempt,
 * task, instance, the run summary, a re-read), so 100 stay within the request's deadline deployed too (~5 ms a
 * request); the model sets no bound.
 */
const MAX_SET_STATUS_IDS = 100;
/**
 * Instances one SetStatus call may change (docs/behaviour.md §11): those it names and, through their runs' edges,
 * their consumers and dependents. A definition of 100 activities each consumed by many makes each cancel reach
 * the whole run, so the ids alone do not bound the work: this does, each a few requests by key.
 */
const MAX_SET_STATUS_CHANGES = 500;
import { cancel, markFinished, rerun, sibling } from '../runs/transitions';
import type { StoredInstance } from '../store/run-store';
import type { Operation, OperationResult, RequestContext } from './operation';
import { invalidRequest, loadPipeline, pipelineDeleted, readDefinition, shownVersion } from './pipeline-access';
import { applyEffects, endLiveAttempt } from './run-progress';
import { FINAL_INSTANCE_STATUSES } from '../runs/run-model';
import { parkWaiting, unparkWaiting } from './parking';

const COMPONENT_STATUSES = ['PAUSE', 'RESUME'] as const;
const INSTANCE_STATUSES = ['TRY_CANCEL', 'RERUN', 'MARK_FINISHED'] as const;

interface Input {
  readonly pipelineId: string;
  readonly objectIds: string[];
  readonly status: string;
}

const run = async (input: Input, ctx: RequestContext): Promise<OperationResult> => {
  const forComponents = (COMPONENT_STATUSES as readonly string[]).includes(input.status);
  if (!forComponents && !(INSTANCE_STATUSES as readonly string[]).includes(input.status)) {
    return {
      ok: false,
      error: invalidRequest(
        `Status '${cut(input.status, 32)}' is not valid: use PAUSE or RESUME for components, TRY_CANCEL, RERUN or MARK_FINISHED for instances.`,
      ),
    };
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
  const named = await ctx.stores.runs.getInstances(
    pipelineId,
    ids.filter((id) => id.startsWith('@')),
  );
  const known = new Set(named.map((i) => i.instanceId));
  const unknown = ids.filter((id) => !known.has(id));
  if (unknown.length > 0) return { ok: false, error: invalidRequest(refusalFor(unknown, 'instances', input.status)) };
  // The instances the call may change: those named and, through the run's edges, their downstream and dependents.
  const touched = new Set(
    named.flatMap((i) => [i.instanceId, ...[...(i.settings.downstream ?? []), ...(i.settings.dependents ?? [])].map((c) => sibling(i, c))]),
  );
  if (touched.size > MAX_SET_STATUS_CHANGES) {
    return {
      ok: false,
      error: invalidRequest(
        `${input.status} of these ${ids.length} instances may change ${touched.size} instances (their consumers and dependents); a call changes at most ${MAX_SET_STATUS_CHANGES}: name fewer instances at once.`,
      ),
    };
  }
  const cascaded = new Set<string>(); // consumers this call made CASCADE_FAILED already: each is written once
  for (const id of ids) {
    const instance = await ctx.stores.runs.getInstance(pipelineId, id); // each change sees the ones before it
    if (!instance) continue;
    const refusal = await change(ctx, pipelineId, instance, input.status, cascaded);
    if (refusal !== undefined) return { ok: false, error: invalidRequest(refusal) };
  }
  return { ok: true, output: {}, log: { count: ids.length } };
};

/** One instance's change; a refusal when the state machine refuses it (a rerun blocked by a failed dependency). */
const change = async (
  ctx: RequestContext,
  pipelineId: string,
  instance: StoredInstance,
  status: string,
  cascaded: Set<string>,
): Promise<string | undefined> => {
  const now = ctx.now();
  const { accountId } = ctx.caller;
  if (status === 'RERUN') {
    // Its dependencies and its downstream, read by key in its run.
    const related = await ctx.stores.runs.getInstances(
      pipelineId,
      [...instance.settings.dependsOn, ...(instance.settings.downstream ?? [])].map((c) => sibling(instance, c)),
    );
    const byComponent = new Map(related.map((i) => [i.componentId, i]));
    const changes = rerun(
      instance,
      (c) => byComponent.get(c)?.status,
      (c) => byComponent.get(c)?.settings.dependsOn ?? [],
      now,
    );
    if ('refusal' in changes) return changes.refusal;
    await ctx.stores.runs.apply(pipelineId, accountId, changes, now.toISOString());
    return undefined;
  }
  const at = now.toISOString();
  // The attempt's task first: a runner whose SetTaskStatus already won keeps that outcome on its attempt; the
  // instance is then canceled (or finished) only if still live (a FINISHED one stays so).
  await endLiveAttempt(ctx, pipelineId, instance, at);
  if (status === 'MARK_FINISHED') await applyEffects(ctx, pipelineId, accountId, markFinished(instance));
  else {
    const changes = cancel(instance).filter((c) => c.to !== 'CASCADE_FAILED' || !cascaded.has(c.instanceId));
    await ctx.stores.runs.apply(pipelineId, accountId, changes, at);
    for (const c of changes) if (c.to === 'CASCADE_FAILED') cascaded.add(c.instanceId);
  }
  // A retry may have made the instance's next attempt between the read and the change: that one ends too.
  const after = await ctx.stores.runs.getInstance(pipelineId, instance.instanceId);
  if (after && after.headAttempt !== instance.headAttempt && FINAL_INSTANCE_STATUSES.includes(after.status)) await endLiveAttempt(ctx, pipelineId, after, at);
  return undefined;
};

const refusalFor = (unknown: readonly string[], expected: string, status: string): string => {
  // Instance and attempt ids start with @; component ids as put (a component id starting with @ is refused by neither).
  const mixed = expected === 'components' ? unknown.some((id) => id.startsWith('@')) : unknown.some((id) => !id.startsWith('@'));
  const shown = unknown
    .slice(0, 5)
    .map((id) => cut(id, 128))
    .join(', ');
  return mixed
    ? `${status} acts on ${expected} only, and the ids may not mix components and instances: ${shown}.`
    : `No such ${expected === 'components' ? 'component' : 'instance'} in the pipeline: ${shown}.`;
};

export const SetStatus: Operation<Input> = {
  input: structure({ pipelineId: required(SHAPES.id), objectIds: required(list(SHAPES.id, { max: MAX_SET_STATUS_IDS })), status: required(SHAPES.string) }),
  infoKeys: (i) => ({ pipelineId: i.pipelineId, status: i.status, count: i.objectIds.length }),
  run,
};
