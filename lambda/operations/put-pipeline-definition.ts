/**
 * PutPipelineDefinition: validates, then saves the definition as the pipeline's latest unless one of the
 * refusals of the model's doc applies. A definition with errors is saved and reported (`errored`), but cannot
 * be activated.
 */
import { validateDefinition } from '../definitions/validate';
import { DEFINITION_INPUT, DefinitionInput, definitionLogKeys, definitionOf } from './definition-input';
import { reportOutput } from './definition-report';
import type { Operation, OperationResult, RequestContext } from './operation';
import { invalidRequest, loadPipeline, pipelineDeleted } from './pipeline-access';

const run = async (input: DefinitionInput, ctx: RequestContext): Promise<OperationResult> => {
  const loaded = await loadPipeline(ctx, input.pipelineId);
  if (loaded.error) return { ok: false, error: loaded.error };
  const definition = definitionOf(input);
  const validated = validateDefinition(definition, ctx.limits);
  if (validated.refusal !== undefined) return { ok: false, error: invalidRequest(validated.refusal) };
  const saved = await ctx.stores.pipelines.saveDefinition(input.pipelineId, definition, ctx.now(), loaded.pipeline.latest);
  if (saved === 'gone') return { ok: false, error: pipelineDeleted(input.pipelineId) };
  const output = reportOutput(validated.report);
  return { ok: true, output, log: { errored: output.errored, version: saved.id } };
};

export const PutPipelineDefinition: Operation<DefinitionInput> = {
  input: DEFINITION_INPUT,
  infoKeys: definitionLogKeys,
  run,
};
