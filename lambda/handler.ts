/**
 * Lambda entry: API Gateway (REST, Lambda proxy) event in, awsJson 1.1 response out.
 * Clients and configuration are built once per execution environment.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import type { DynamoDBClient, DynamoDBClientConfig } from '@aws-sdk/client-dynamodb';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import { ANSWER_MARGIN_MS } from './function-settings';
import { createDispatcher } from './dispatch';
import { SERVICE_NAME } from './service-name';
import { createDynamoDbClient } from './store/dynamodb-client';
import { DynamoDbPipelineStore } from './store/dynamodb-pipeline-store';
import { DynamoDbRunStore } from './store/dynamodb-run-store';
import { DynamoDbTaskStore } from './store/dynamodb-task-store';
import { runLimitsFromEnv } from './definitions/run-limits';
import { callerOf } from './identity';
import { tableNamesFromEnv } from './store/tables';

const serviceName = process.env.POWERTOOLS_SERVICE_NAME ?? SERVICE_NAME;
const logger = new Logger({ serviceName });
/**
 * In Lambda, each DynamoDB request becomes an X-Ray subsegment with its table and outcome (Powertools Tracer;
 * HTTP capture off: the client's own capture is the one that names the call). Elsewhere the tracer would be
 * inert, and it is not even loaded: the X-Ray SDK installs async hooks when it loads, which make every promise
 * of the process several times slower (measured in bench/README.md).
 */
const traced = (client: DynamoDBClient): DynamoDBClient => {
  if (!process.env.AWS_EXECUTION_ENV) return client;
  // Loaded only on Lambda (a cold start elsewhere need not pay for it): a require, not an import.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { Tracer } = require('@aws-lambda-powertools/tracer') as typeof import('@aws-lambda-powertools/tracer');
  return new Tracer({ serviceName, captureHTTPsRequests: false }).captureAWSv3Client(client);
};
const lowerCaseKeys = (headers: APIGatewayProxyEvent['headers'] | null): Record<string, string | undefined> => {
  const out: Record<string, string | undefined> = {};
  for (const [name, value] of Object.entries(headers ?? {})) out[name.toLowerCase()] = value;
  return out;
};

export type ProxyHandler = (event: APIGatewayProxyEvent, context: Context) => Promise<APIGatewayProxyResult>;

export interface HandlerOptions {
  /**
   * How the DynamoDB client reaches its engine. Absent in Lambda (the SDK's HTTP handler); the local endpoint
   * passes its embedded engine's in-process door (local/engine.ts).
   */
  readonly dynamoDbRequestHandler?: DynamoDBClientConfig['requestHandler'];
}

/** A handler configured from `env` (read once, like a cold start): stores, limits, logger. */
export const createHandler = (env: NodeJS.ProcessEnv, options: HandlerOptions = {}): ProxyHandler => {
  const dynamoDbClient = traced(createDynamoDbClient(env, options.dynamoDbRequestHandler));
  const tables = tableNamesFromEnv(env);
  const dispatch = createDispatcher({
    stores: (signal) => ({
      pipelines: new DynamoDbPipelineStore(dynamoDbClient, tables, signal),
      runs: new DynamoDbRunStore(dynamoDbClient, tables, signal),
      tasks: new DynamoDbTaskStore(dynamoDbClient, tables, signal),
    }),
    now: () => new Date(),
    logger,
    limits: runLimitsFromEnv(env),
  });
  return async (event, context) => {
    // API Gateway's request id is the one the client sees in x-amzn-RequestId; use it everywhere.
    const requestId = event.requestContext?.requestId ?? context.awsRequestId;
    const body = event.body == null ? '' : event.isBase64Encoded ? Buffer.from(event.body, 'base64').toString('utf8') : event.body;
    return dispatch({ headers: lowerCaseKeys(event.headers), body }, requestId, {
      invocationId: context.awsRequestId,
      budgetMs: context.getRemainingTimeInMillis() - ANSWER_MARGIN_MS,
      caller: callerOf(event.requestContext?.identity),
    });
  };
};

/** Lambda's entry, built at init from the function's environment. */
export const handler = createHandler(process.env);
