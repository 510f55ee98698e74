/**
 * What the pipeline calls share: finding the caller's pipeline (another account's pipeline does not exist for
 * the caller), the modeled errors for missing and deleted pipelines, and reading a stored definition.
 */
import { Definition, EMPTY_DEFINITION } from '../definitions/definition';
import type { PipelineRecord, VersionRef } from '../store/pipeline-store';
import { PIPELINE_DELETED } from '../store/tables';
import { ModeledError, modeledError } from './errors';
import type { RequestContext } from './operation';

export const pipelineNotFound = (pipelineId: string) => modeledError('PipelineNotFoundException', `Pipeline ${pipelineId} was not found.`);
export const pipelineDeleted = (pipelineId: string) => modeledError('PipelineDeletedException', `Pipeline ${pipelineId} has been deleted.`);
export const invalidRequest = (message: string) => modeledError('InvalidRequestException', message);

export type Loaded = { readonly pipeline: PipelineRecord; readonly error?: undefined } | { readonly error: ModeledError };

/** The pipeline if it exists, belongs to the caller and is not deleted; else the error to answer. */
export const loadPipeline = async (ctx: RequestContext, pipelineId: string): Promise<Loaded> => {
  const pipeline = await ctx.stores.pipelines.get(pipelineId);
  if (!pipeline || pipeline.accountId !== ctx.caller.accountId) return { error: pipelineNotFound(pipelineId) };
  if (pipeline.state === PIPELINE_DELETED) return { error: pipelineDeleted(pipelineId) };
  return { pipeline };
};

/** Rereads a pipeline this many times when a newer definition replaces the one being read. */
const READ_ROUNDS = 3;

/**
 * The definition `pick` chooses of the pipeline (empty when it has none), rereading the pipeline when a
 * concurrent PutPipelineDefinition replaced it mid-read. Returns the error to answer if the pipeline went away.
 */
export const readDefinition = async (
  ctx: RequestContext,
  first: PipelineRecord,
  pick: (p: PipelineRecord) => VersionRef | undefined,
): Promise<{ definition: Definition; version?: VersionRef; pipeline: PipelineRecord } | { error: ModeledError }> => {
  let pipeline = first;
  for (let round = 0; round < READ_ROUNDS; round++) {
    const version = pick(pipeline);
    if (!version) return { definition: EMPTY_DEFINITION, pipeline };
    const definition = await ctx.stores.pipelines.readDefinition(pipeline.pipelineId, version);
    if (definition !== 'changed') return { definition, version, pipeline };
    const again = await loadPipeline(ctx, pipeline.pipelineId);
    if (again.error) return again;
    pipeline = again.pipeline;
  }
  throw new Error(`definition of ${first.pipelineId} kept changing while read`);
};

/** The definition DescribeObjects and QueryObjects show: the active one if any, else the latest. */
export const shownVersion = (p: PipelineRecord): VersionRef | undefined => p.active ?? p.latest;

/** The definition runs and expressions see: the parameter values given at activation, if any, in place of the definition's. */
export const withActivationValues = (definition: Definition, pipeline: PipelineRecord): Definition =>
  pipeline.activationValues ? { ...definition, parameterValues: pipeline.activationValues } : definition;
