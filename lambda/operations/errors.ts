/**
 * The errors SetTaskStatus is modeled to return (service model, operation `SetTaskStatus`).
 * Operations return these as values; only the protocol layer turns them into HTTP.
 */
export type ModeledErrorType =
  | 'InvalidRequestException'
  | 'TaskNotFoundException'
  | 'PipelineNotFoundException'
  | 'PipelineDeletedException'
  | 'InternalServiceError';

export interface ModeledError {
  readonly type: ModeledErrorType;
  readonly message: string;
}

export const modeledError = (type: ModeledErrorType, message: string): ModeledError => ({ type, message });
