/**
 * Lambda entry: API Gateway (REST, Lambda proxy) event in, awsJson 1.1 response out.
 * Clients and configuration are built once per execution environment.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import { createDispatcher } from './dispatch';
import { SERVICE_NAME } from './service-name';
import { createDynamoDbClient, DynamoDbTaskStore } from './store/dynamodb-task-store';
import { tableNamesFromEnv } from './store/tables';

const logger = new Logger({ serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? SERVICE_NAME });
const dispatch = createDispatcher({
  store: new DynamoDbTaskStore(createDynamoDbClient(process.env), tableNamesFromEnv(process.env)),
  now: () => new Date(),
  logger,
});

const lowerCaseKeys = (headers: APIGatewayProxyEvent['headers'] | null): Record<string, string | undefined> => {
  const out: Record<string, string | undefined> = {};
  for (const [name, value] of Object.entries(headers ?? {})) out[name.toLowerCase()] = value;
  return out;
};

export const handler = async (event: APIGatewayProxyEvent, context: Context): Promise<APIGatewayProxyResult> => {
  // API Gateway's request id is the one the client sees in x-amzn-RequestId; use it everywhere.
  const requestId = event.requestContext?.requestId ?? context.awsRequestId;
  const body = event.body == null ? '' : event.isBase64Encoded ? Buffer.from(event.body, 'base64').toString('utf8') : event.body;
  return dispatch({ headers: lowerCaseKeys(event.headers), body }, requestId, context.awsRequestId);
};
