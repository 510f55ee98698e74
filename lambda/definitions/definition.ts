/**
 * A pipeline definition as the API carries it: pipeline objects (fields of `key` and `stringValue` or
 * `refValue`), parameter objects and parameter values. Order matters and is kept: GetPipelineDefinition
 * returns what was put, in the order it was put.
 */

export interface Field {
  readonly key: string;
  readonly stringValue?: string;
  readonly refValue?: string;
}

export interface PipelineObject {
  readonly id: string;
  readonly name: string;
  readonly fields: readonly Field[];
}

interface ParameterAttribute {
  readonly key: string;
  readonly stringValue: string;
}

interface ParameterObject {
  readonly id: string;
  readonly attributes: readonly ParameterAttribute[];
}

export interface ParameterValue {
  readonly id: string;
  readonly stringValue: string;
}

export interface Definition {
  readonly pipelineObjects: readonly PipelineObject[];
  readonly parameterObjects: readonly ParameterObject[];
  readonly parameterValues: readonly ParameterValue[];
}

export const EMPTY_DEFINITION: Definition = { pipelineObjects: [], parameterObjects: [], parameterValues: [] };

/** The object every other object inherits from (dp-pipeline-objects: "Default"). */
export const DEFAULT_OBJECT_ID = 'Default';
