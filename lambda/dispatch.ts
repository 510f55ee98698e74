/**
 * The handler's core, shared by both doors (Lambda and the local server): decode, run the operation,
 * encode, log. Unexpected failures become a generic 500; their details go only to the log.
 */
import type { Logger } from '@aws-lambda-powertools/logger';
import { decodeInput, encodeError, encodeResult, HttpRequest, HttpResponse, INTERNAL_ERROR_MESSAGE, readOperation } from './protocol/aws-json';
import { SET_TASK_STATUS_MEMBERS, setTaskStatus, SetTaskStatusDeps } from './operations/set-task-status';

export interface DispatchDeps extends SetTaskStatusDeps {
  readonly logger: Logger;
}

/**
 * `requestId` is the id the client sees (x-amzn-RequestId, logged as correlation_id); `invocationId`, when
 * there is one, is the Lambda invocation's (logged as function_request_id).
 */
export type Dispatch = (request: HttpRequest, requestId: string, invocationId?: string) => Promise<HttpResponse>;

export const createDispatcher = (deps: DispatchDeps): Dispatch => {
  const { logger } = deps;
  return async (request, requestId, invocationId) => {
    // Keys go on every line rather than into the logger: one process may serve concurrent requests.
    const keys: Record<string, unknown> = { correlation_id: requestId, ...(invocationId && { function_request_id: invocationId }) };
    const operation = readOperation(request.headers);
    if (operation !== 'SetTaskStatus') {
      const target = request.headers['x-amz-target'];
      logger.info('unknown operation', { ...keys, target });
      return encodeError(
        {
          type: 'UnknownOperationException',
          message: target === undefined ? 'Missing X-Amz-Target header.' : 'This endpoint serves only DataPipeline.SetTaskStatus.',
        },
        requestId,
      );
    }
    keys.operation = operation;
    const decoded = decodeInput(request.body, SET_TASK_STATUS_MEMBERS);
    if (!decoded.ok) {
      logger.info('request rejected', { ...keys, errorType: decoded.error.type });
      return encodeError(decoded.error, requestId);
    }
    const { input } = decoded;
    keys.taskId = input.taskId;
    keys.taskStatus = input.taskStatus;
    logger.debug('error fields', { ...keys, errorId: input.errorId, errorMessage: input.errorMessage, errorStackTrace: input.errorStackTrace });
    try {
      const result = await setTaskStatus(input, deps);
      keys.pipelineId = result.pipelineId;
      if (result.ok) {
        logger.info('task status set', { ...keys, outcome: result.outcome, errorId: input.errorId });
        return encodeResult({}, requestId);
      }
      logger.info('request rejected', { ...keys, errorType: result.error.type, errorText: result.error.message });
      return encodeError(result.error, requestId);
    } catch (error) {
      logger.error('internal error', { ...keys, error: error as Error });
      return encodeError({ type: 'InternalServiceError', message: INTERNAL_ERROR_MESSAGE }, requestId);
    }
  };
};
