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
import { MAX_ANSWER_PAYLOAD_BYTES, payloadBytes } from '../protocol/aws-json';

/** The largest definition saved: its GetPipelineDefinition answer (the definition and a few bytes around it) must fit. */
const MAX_DEFINITION_PAYLOAD_BYTES = MAX_ANSWER_PAYLOAD_BYTES - 1024;

const run = async (input: DefinitionInput, ctx: RequestContext): Promise<OperationResult> => {
  const loaded = await loadPipeline(ctx, input.pipelineId);
  if (loaded.error) return { ok: false, error: loaded.error };
  const definition = definitionOf(input);
  // What is saved must be readable: GetPipelineDefinition answers it whole (docs/behaviour.md §11).
  const readBack = payloadBytes(JSON.stringify(definition));
  if (readBack > MAX_DEFINITION_PAYLOAD_BYTES) {
    return {
      ok: false,
      error: invalidRequest(
        `The definition would take ${readBack} bytes when read back (GetPipelineDefinition), more than the ${MAX_DEFINITION_PAYLOAD_BYTES} an answer may carry.`,
      ),
    };
  }
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
