/**
 * The function's DynamoDB client. It fails fast (an unreachable engine must become a 500 within the request's
 * deadline, not a hang); the deadline itself aborts what is still running (dispatch.ts).
 * `DYNAMODB_ENDPOINT` is set only off AWS (the local endpoint, tests, another engine).
 */
import { DynamoDBClient, DynamoDBClientConfig } from '@aws-sdk/client-dynamodb';

/** `requestHandler` replaces the SDK's HTTP handler (the local endpoint's in-process engine: local/engine.ts). */
export const createDynamoDbClient = (env: NodeJS.ProcessEnv, requestHandler?: DynamoDBClientConfig['requestHandler']): DynamoDBClient =>
  new DynamoDBClient({
    ...(env.DYNAMODB_ENDPOINT && { endpoint: env.DYNAMODB_ENDPOINT }),
    maxAttempts: 3,
    requestHandler: requestHandler ?? { connectionTimeout: 1000, requestTimeout: 3000 },
  });
