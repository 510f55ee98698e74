/**
 * SetStatus: PAUSE and RESUME on components (a paused component's attempts are not handed out); TRY_CANCEL,
 * RERUN and MARK_FINISHED on instances, as the run's state machine says (lambda/runs/transitions.ts). The ids
 * are all components or all instances, never a mix (the model's doc); an unknown id is refused.
 */
import { ID_LIST, required, SHAPES, structure } from '../model/shapes';
import { cancel, InstanceChange, markFinished, rerun } from '../runs/transitions';
import type { StoredInstance } from '../store/run-store';
import type { Operation, OperationResult, RequestContext } from './operation';
import { invalidRequest, loadPipeline, pipelineDeleted, readDefinition, shownVersion } from './pipeline-access';

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
    return { ok: false, error: invalidRequest(`Status '${input.status.slice(0, 32)}' is not valid: use PAUSE or RESUME for components, TRY_CANCEL, RERUN or MARK_FINISHED for instances.`) };
  }
  if (input.objectIds.length === 0) return { ok: false, error: invalidRequest('objectIds must name at least one object.') };
  const loaded = await loadPipeline(ctx, input.pipelineId);
  if (loaded.error) return { ok: false, error: loaded.error };
  const { pipelineId } = input;
  const objects = await ctx.stores.runs.objectsOf(pipelineId);
  const instances = new Map(objects.instances.map((i) => [i.instanceId, i]));
  if (forComponents) {
    const read = await readDefinition(ctx, loaded.pipeline, shownVersion);
    if ('error' in read) return { ok: false, error: read.error };
    const components = new Set(read.definition.pipelineObjects.map((o) => o.id));
    const unknown = input.objectIds.filter((id) => !components.has(id));
    if (unknown.length > 0) return { ok: false, error: invalidRequest(refusalFor(unknown, instances, 'components', input.status)) };
    const written = await ctx.stores.pipelines.setPaused(pipelineId, input.objectIds, input.status === 'PAUSE');
    return written === 'gone' ? { ok: false, error: pipelineDeleted(pipelineId) } : { ok: true, output: {}, log: { count: input.objectIds.length } };
  }
  const unknown = input.objectIds.filter((id) => !instances.has(id));
  if (unknown.length > 0) return { ok: false, error: invalidRequest(refusalFor(unknown, instances, 'instances', input.status)) };
  for (const id of new Set(input.objectIds)) {
    const current = await ctx.stores.runs.objectsOf(pipelineId); // each change sees the ones before it
    const instance = current.instances.find((i) => i.instanceId === id)!;
    const runOf = current.instances.filter((i) => i.runId === instance.runId);
    const now = ctx.now();
    const changes: InstanceChange[] | { refusal: string } =
      input.status === 'RERUN' ? rerun(runOf, instance, now) : input.status === 'MARK_FINISHED' ? markFinished(runOf, instance, now) : cancel(runOf, instance);
    if ('refusal' in changes) return { ok: false, error: invalidRequest(changes.refusal) };
    if (input.status !== 'RERUN') await endLiveAttempts(ctx, pipelineId, instance, current.attempts, now.toISOString());
    await ctx.stores.runs.apply(pipelineId, ctx.caller.accountId, changes, now.toISOString());
  }
  return { ok: true, output: {}, log: { count: input.objectIds.length } };
};

/** The attempt still waiting or running of an instance that is canceled or marked finished: CANCELED, and its task. */
const endLiveAttempts = async (ctx: RequestContext, pipelineId: string, instance: StoredInstance, attempts: readonly { attemptId: string; instanceId: string; status: string; taskId?: string }[], at: string) => {
  for (const a of attempts.filter((x) => x.instanceId === instance.instanceId && (x.status === 'WAITING_FOR_RUNNER' || x.status === 'RUNNING'))) {
    await ctx.stores.runs.cancelAttempt(pipelineId, a.attemptId, at);
    if (a.taskId) await ctx.stores.tasks.cancelTask(a.taskId);
  }
};

const refusalFor = (unknown: readonly string[], instances: ReadonlyMap<string, unknown>, expected: string, status: string): string => {
  const mixed = expected === 'components' ? unknown.some((id) => instances.has(id)) : unknown.some((id) => !id.startsWith('@'));
  const shown = unknown.slice(0, 5).map((id) => id.slice(0, 128)).join(', ');
  return mixed
    ? `${status} acts on ${expected} only, and the ids may not mix components and instances: ${shown}.`
    : `No such ${expected === 'components' ? 'component' : 'instance'} in the pipeline: ${shown}.`;
};

export const SetStatus: Operation<Input> = {
  input: structure({ pipelineId: required(SHAPES.id), objectIds: required(ID_LIST), status: required(SHAPES.string) }),
  infoKeys: (i) => ({ pipelineId: i.pipelineId, status: i.status, count: i.objectIds.length }),
  run,
};
