/** The definition members PutPipelineDefinition and ValidatePipelineDefinition share. */
import { list, optional, PARAMETER_OBJECT, PARAMETER_VALUE, PIPELINE_OBJECT, required, SHAPES, structure } from '../model/shapes';
import type { Definition } from '../definitions/definition';

export const DEFINITION_INPUT = structure({
  pipelineId: required(SHAPES.id),
  pipelineObjects: required(list(PIPELINE_OBJECT)),
  parameterObjects: optional(list(PARAMETER_OBJECT)),
  parameterValues: optional(list(PARAMETER_VALUE)),
});

export interface DefinitionInput {
  readonly pipelineId: string;
  readonly pipelineObjects: Definition['pipelineObjects'];
  readonly parameterObjects?: Definition['parameterObjects'];
  readonly parameterValues?: Definition['parameterValues'];
}

/** The definition as stored: exactly the members given, in their order (absent lists are empty). */
export const definitionOf = (input: DefinitionInput): Definition => ({
  pipelineObjects: input.pipelineObjects,
  parameterObjects: input.parameterObjects ?? [],
  parameterValues: input.parameterValues ?? [],
});

export const definitionLogKeys = (i: DefinitionInput) => ({ pipelineId: i.pipelineId, objects: i.pipelineObjects.length });
