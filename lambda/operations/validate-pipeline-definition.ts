/** ValidatePipelineDefinition: PutPipelineDefinition's checks and answer, saving nothing. */
import { validateDefinition } from '../definitions/validate';
import { DEFINITION_INPUT, DefinitionInput, definitionLogKeys, definitionOf } from './definition-input';
import { reportOutput } from './definition-report';
import type { Operation, OperationResult, RequestContext } from './operation';
import { invalidRequest, loadPipeline } from './pipeline-access';

const run = async (input: DefinitionInput, ctx: RequestContext): Promise<OperationResult> => {
  const loaded = await loadPipeline(ctx, input.pipelineId);
  if (loaded.error) return { ok: false, error: loaded.error };
  const validated = validateDefinition(definitionOf(input), ctx.limits);
  if (validated.refusal !== undefined) return { ok: false, error: invalidRequest(validated.refusal) };
  const output = reportOutput(validated.report);
  return { ok: true, output, log: { errored: output.errored } };
};

export const ValidatePipelineDefinition: Operation<DefinitionInput> = {
  input: DEFINITION_INPUT,
  infoKeys: definitionLogKeys,
  run,
};
