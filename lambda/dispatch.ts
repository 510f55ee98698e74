/**
 * The handler's core, shared by both doors (Lambda and the local server): a table from target to operation;
 * decode, run under a deadline, encode, log. Unexpected failures become a generic 500; their details go only
 * to the log.
 */
import type { Logger } from '@aws-lambda-powertools/logger';
import { clip, clipAll, DEBUG_VALUE_CHARS, INFO_VALUE_CHARS } from './log-bounds';
import { decodeInput } from './model/decode';
import type { Operation, Stores } from './operations/operation';
import { ActivatePipeline } from './operations/activate-pipeline';
import { AddTags } from './operations/add-tags';
import { CreatePipeline } from './operations/create-pipeline';
import { DeactivatePipeline } from './operations/deactivate-pipeline';
import { DeletePipeline } from './operations/delete-pipeline';
import { DescribeObjects } from './operations/describe-objects';
import { EvaluateExpression } from './operations/evaluate-expression';
import { DescribePipelines } from './operations/describe-pipelines';
import { GetPipelineDefinition } from './operations/get-pipeline-definition';
import { LIST_TASK_RUNNERS_TARGET, ListTaskRunners } from './operations/list-task-runners';
import { ListPipelines } from './operations/list-pipelines';
import { PollForTask } from './operations/poll-for-task';
import { PutPipelineDefinition } from './operations/put-pipeline-definition';
import { QueryObjects } from './operations/query-objects';
import { RemoveTags } from './operations/remove-tags';
import { ReportTaskProgress } from './operations/report-task-progress';
import { ReportTaskRunnerHeartbeat } from './operations/report-task-runner-heartbeat';
import { SetStatus } from './operations/set-status';
import { SetTaskStatus } from './operations/set-task-status';
import { ValidatePipelineDefinition } from './operations/validate-pipeline-definition';
import { Caller, callerOf } from './identity';
import type { RunLimits } from './definitions/run-limits';
import { encodeError, encodeResult, HttpRequest, HttpResponse, INTERNAL_ERROR_MESSAGE, readOperation } from './protocol/aws-json';

// Each entry's input type is checked where the operation is defined; the table only needs to run it.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const OPERATIONS: Readonly<Record<string, Operation<any>>> = {
  ActivatePipeline,
  AddTags,
  CreatePipeline,
  DeactivatePipeline,
  DeletePipeline,
  DescribeObjects,
  DescribePipelines,
  EvaluateExpression,
  GetPipelineDefinition,
  ListPipelines,
  PollForTask,
  PutPipelineDefinition,
  QueryObjects,
  RemoveTags,
  ReportTaskProgress,
  ReportTaskRunnerHeartbeat,
  SetStatus,
  SetTaskStatus,
  ValidatePipelineDefinition,
};

const SUPPORTED_OPERATIONS = Object.keys(OPERATIONS);

/** Not AWS calls: each under a target of its own, outside the DataPipeline namespace (docs/behaviour.md §12). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const EXTENSIONS: Readonly<Record<string, Operation<any>>> = { [LIST_TASK_RUNNERS_TARGET]: ListTaskRunners };

// eslint-disable-next-line @typescript-eslint/no-explicit-any
const operationOf = (headers: HttpRequest['headers']): [string | undefined, Operation<any> | undefined] => {
  const target = headers['x-amz-target'];
  if (target !== undefined && Object.hasOwn(EXTENSIONS, target)) return [target, EXTENSIONS[target]];
  const name = readOperation(headers);
  return [name, name !== undefined && Object.hasOwn(OPERATIONS, name) ? OPERATIONS[name] : undefined];
};

export interface DispatchDeps {
  /** The ports for one request; their DynamoDB requests are aborted by `signal` when the deadline passes. */
  readonly stores: (signal: AbortSignal) => Stores;
  readonly now: () => Date;
  readonly logger: Logger;
  readonly limits: RunLimits;
}

interface InvocationInfo {
  /** The Lambda invocation's id (logged as function_request_id). */
  readonly invocationId?: string;
  /** Milliseconds this invocation may still take before its answer must be on its way. */
  readonly budgetMs?: number;
  /** Who is calling (from API Gateway's identity, or the local door's); the default account when absent. */
  readonly caller?: Caller;
}

/** With no budget given (tests, tools), a request may take this long. */
const DEFAULT_BUDGET_MS = 10_000;

/**
 * `requestId` is the id the client sees (x-amzn-RequestId, logged as correlation_id).
 */
export type Dispatch = (request: HttpRequest, requestId: string, invocation?: InvocationInfo) => Promise<HttpResponse>;

class DeadlinePassed extends Error {
  constructor(budgetMs: number) {
    super(`the request did not finish within its ${budgetMs} ms budget; its DynamoDB requests were aborted`);
  }
}

/** Runs `work`; when the budget runs out first, aborts the signal it was given and rejects with DeadlinePassed. */
const withDeadline = async <T>(budgetMs: number, work: (signal: AbortSignal) => Promise<T>): Promise<T> => {
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => {
        controller.abort();
        reject(new DeadlinePassed(budgetMs));
      },
      Math.max(0, budgetMs),
    );
  });
  try {
    return await Promise.race([work(controller.signal), deadline]);
  } finally {
    clearTimeout(timer);
  }
};

export const createDispatcher = (deps: DispatchDeps): Dispatch => {
  const { logger } = deps;
  return async (request, requestId, invocation = {}) => {
    // Keys go on every line rather than into the logger: one process may serve concurrent requests.
    const keys: Record<string, unknown> = {
      correlation_id: requestId,
      ...(invocation.invocationId && { function_request_id: invocation.invocationId }),
    };
    const caller = invocation.caller ?? callerOf(undefined);
    const [name, operation] = operationOf(request.headers);
    if (operation === undefined) {
      const target = request.headers['x-amz-target'];
      logger.info('unknown operation', { ...keys, target: target === undefined ? undefined : clip(target, INFO_VALUE_CHARS) });
      const message =
        target === undefined
          ? 'Missing X-Amz-Target header.'
          : `Unknown operation: this endpoint serves DataPipeline.${SUPPORTED_OPERATIONS.join(', DataPipeline.')}.`;
      return encodeError({ type: 'UnknownOperationException', message }, requestId);
    }
    keys.operation = name;
    keys.account = caller.accountId;
    // Everything from decoding on is inside the one handler of the unexpected: a bug anywhere is a logged 500.
    try {
      const decoded = decodeInput<never>(request.body, operation.input);
      if (!decoded.ok) {
        logger.info('request rejected', { ...keys, errorType: decoded.error.type, errorText: clip(decoded.error.message, 512) });
        return encodeError(decoded.error, requestId);
      }
      const { input } = decoded;
      Object.assign(keys, clipAll(operation.infoKeys(input), INFO_VALUE_CHARS));
      logger.debug('request', { ...keys, ...clipAll({ ...operation.infoKeys(input), ...operation.debugKeys?.(input) }, DEBUG_VALUE_CHARS) });
      const budgetMs = invocation.budgetMs ?? DEFAULT_BUDGET_MS;
      const deadline = Date.now() + budgetMs;
      const result = await withDeadline(budgetMs, (signal) =>
        operation.run(input, { stores: deps.stores(signal), now: deps.now, caller, limits: deps.limits, deadline }),
      );
      Object.assign(keys, clipAll(result.log ?? {}, INFO_VALUE_CHARS));
      if (result.ok) {
        logger.info('done', keys);
        return encodeResult(result.output, requestId);
      }
      logger.info('request rejected', { ...keys, errorType: result.error.type, errorText: clip(result.error.message, 512) });
      return encodeError(result.error, requestId);
    } catch (error) {
      logger.error(error instanceof DeadlinePassed ? 'deadline passed' : 'internal error', { ...keys, error: error as Error });
      return encodeError({ type: 'InternalServiceError', message: INTERNAL_ERROR_MESSAGE }, requestId);
    }
  };
};
