/**
 * DynamoDB clients and table bootstrap for the tools and the local endpoint (not the Lambda's: that one
 * is built by the adapter). Any DynamoDB-compatible endpoint works: dynalite, moto, DynamoDB itself.
 */
import { CreateTableCommand, DynamoDBClient, ResourceInUseException, waitUntilTableExists } from '@aws-sdk/client-dynamodb';
import { TABLE_KEYS, TABLES, TableNames } from '../lambda/store/tables';

/** Credentials and region an engine needs to accept a request; local engines do not check them. */
export const LOCAL_ACCESS_KEY = 'local';

export const LOCAL_AWS_ENV = {
  AWS_REGION: 'us-east-1',
  AWS_ACCESS_KEY_ID: LOCAL_ACCESS_KEY,
  AWS_SECRET_ACCESS_KEY: 'local',
} as const;

/** A client for a DynamoDB-compatible engine at `endpoint`; local engines accept any credentials. */
export const dynamoDbClient = (endpoint: string): DynamoDBClient => {
  quietNodeVersionNotice();
  return new DynamoDBClient({
    endpoint,
    region: process.env.AWS_REGION ?? LOCAL_AWS_ENV.AWS_REGION,
    credentials: {
      accessKeyId: process.env.AWS_ACCESS_KEY_ID ?? LOCAL_AWS_ENV.AWS_ACCESS_KEY_ID,
      secretAccessKey: process.env.AWS_SECRET_ACCESS_KEY ?? LOCAL_AWS_ENV.AWS_SECRET_ACCESS_KEY,
    },
  });
};

/**
 * The SDK warns once per process that its releases after January 2027 need Node 22. The lockfile pins the
 * SDK, so on Node 20 the notice has nothing to act on; README says so. A user's own setting wins.
 */
export const quietNodeVersionNotice = (): void => {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
};

/** Creates the tables if they are not there yet (a data folder may already hold them). */
export const ensureTables = async (client: DynamoDBClient, names: TableNames): Promise<void> => {
  await Promise.all(
    TABLE_KEYS.map(async (key) => {
      const { partitionKey, sortKey, indexes = [] } = TABLES[key];
      const attributes = new Set([partitionKey, ...(sortKey ? [sortKey] : []), ...indexes.flatMap((i) => [i.partitionKey, i.sortKey])]);
      try {
        await client.send(
          new CreateTableCommand({
            TableName: names[key],
            AttributeDefinitions: [...attributes].map((name) => ({ AttributeName: name, AttributeType: 'S' })),
            KeySchema: [{ AttributeName: partitionKey, KeyType: 'HASH' }, ...(sortKey ? [{ AttributeName: sortKey, KeyType: 'RANGE' as const }] : [])],
            ...(indexes.length > 0 && {
              GlobalSecondaryIndexes: indexes.map((i) => ({
                IndexName: i.name,
                KeySchema: [
                  { AttributeName: i.partitionKey, KeyType: 'HASH' as const },
                  { AttributeName: i.sortKey, KeyType: 'RANGE' as const },
                ],
                Projection: { ProjectionType: 'INCLUDE' as const, NonKeyAttributes: [...i.include] },
              })),
            }),
            BillingMode: 'PAY_PER_REQUEST',
          }),
        );
      } catch (err) {
        if (!(err instanceof ResourceInUseException)) throw err;
      }
      await waitUntilTableExists({ client, maxWaitTime: 30, minDelay: 1, maxDelay: 1 }, { TableName: names[key] });
    }),
  );
};
