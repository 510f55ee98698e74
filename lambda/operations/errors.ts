/**
 * The errors the operations are modeled to return (service model: each operation lists its own).
 * Operations return these as values; only the protocol layer turns them into HTTP.
 */
export type ModeledErrorType =
  'InvalidRequestException' | 'TaskNotFoundException' | 'PipelineNotFoundException' | 'PipelineDeletedException' | 'InternalServiceError';

export interface ModeledError {
  readonly type: ModeledErrorType;
  readonly message: string;
}

export const modeledError = (type: ModeledErrorType, message: string): ModeledError => ({ type, message });
