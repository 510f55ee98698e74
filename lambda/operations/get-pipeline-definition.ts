/** GetPipelineDefinition: the latest definition (default) or the active one, exactly as it was put. */
import { cut } from '../model/text';
import { optional, required, SHAPES, structure } from '../model/shapes';
import type { Operation, OperationResult, RequestContext } from './operation';
import { invalidRequest, loadPipeline, readDefinition } from './pipeline-access';

const VERSIONS = ['latest', 'active'] as const;

const GET_PIPELINE_DEFINITION_INPUT = structure({ pipelineId: required(SHAPES.id), version: optional(SHAPES.string) });

interface Input {
  readonly pipelineId: string;
  readonly version?: string;
}

const run = async (input: Input, ctx: RequestContext): Promise<OperationResult> => {
  const which = input.version ?? 'latest';
  if (!(VERSIONS as readonly string[]).includes(which)) {
    return { ok: false, error: invalidRequest(`Version '${cut(which, 64)}' is not valid: use latest or active.`) };
  }
  const loaded = await loadPipeline(ctx, input.pipelineId);
  if (loaded.error) return { ok: false, error: loaded.error };
  const read = await readDefinition(ctx, loaded.pipeline, (p) => (which === 'active' ? p.active : p.latest));
  if ('error' in read) return { ok: false, error: read.error };
  const { pipelineObjects, parameterObjects, parameterValues } = read.definition;
  return { ok: true, output: { pipelineObjects, parameterObjects, parameterValues }, log: { version: read.version?.id ?? 'none' } };
};

export const GetPipelineDefinition: Operation<Input> = {
  input: GET_PIPELINE_DEFINITION_INPUT,
  infoKeys: (i) => ({ pipelineId: i.pipelineId, version: i.version }),
  run,
};
