/**
 * Where the tools send their calls: the local endpoint, a deployed stack (found through its CloudFormation
 * outputs), or any other endpoint (an emulator). One place builds the Data Pipeline client for each.
 */
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { DataPipelineClient, DataPipelineClientConfig } from '@aws-sdk/client-data-pipeline';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { TABLES, TableKey, tableNamesFromEnv, TableNames } from '../lambda/store/tables';
import { OUTPUT_API_URL, OUTPUT_REGION, tableOutputName } from '../lib/stack-outputs';
import { dynamoDbClient, LOCAL_AWS_ENV, quietNodeVersionNotice } from '../local/dynamodb';
import { deleteTasks, SeededTask, TOOL_ITEM_LIFETIME_SECONDS, WriteOptions } from './seeding';

const API_GATEWAY_HOST = /^[a-z0-9]+\.execute-api\.([a-z0-9-]+)\.amazonaws\.com(\.cn)?$/;

/** The region of an API Gateway URL, or undefined when the URL is not one. */
export const apiGatewayRegion = (endpoint: string): string | undefined => API_GATEWAY_HOST.exec(new URL(endpoint).hostname)?.[1];

/**
 * A Data Pipeline client for `endpoint`. For an API Gateway URL it signs for `execute-api` (the stack uses
 * AWS_IAM) with the caller's credentials; anywhere else it sends placeholder credentials, which local
 * endpoints and emulators do not check, unless real ones are in the environment.
 */
export const dataPipelineClient = (endpoint: string, config: Partial<DataPipelineClientConfig> = {}): DataPipelineClient => {
  quietNodeVersionNotice();
  const region = apiGatewayRegion(endpoint);
  if (region) {
    // `signingName` is read by the SDK's SigV4 config resolver but not declared on the client's config type.
    const signed = { endpoint, region, signingName: 'execute-api', ...config } as DataPipelineClientConfig;
    return new DataPipelineClient(signed);
  }
  const env = process.env;
  return new DataPipelineClient({
    endpoint,
    region: env.AWS_REGION ?? LOCAL_AWS_ENV.AWS_REGION,
    credentials: {
      accessKeyId: env.AWS_ACCESS_KEY_ID ?? LOCAL_AWS_ENV.AWS_ACCESS_KEY_ID,
      secretAccessKey: env.AWS_SECRET_ACCESS_KEY ?? LOCAL_AWS_ENV.AWS_SECRET_ACCESS_KEY,
    },
    ...config,
  });
};

export interface DeployedStack {
  readonly apiUrl: string;
  readonly region: string;
  readonly tables: TableNames;
  /** The account the stack is in (from its ARN): the one API Gateway names for callers of that account. */
  readonly accountId: string;
}

/** Reads a deployed stack's outputs (ApiUrl, the table names, Region) with the caller's credentials. */
export const describeStack = async (stackName: string): Promise<DeployedStack> => {
  quietNodeVersionNotice();
  const cfn = new CloudFormationClient({});
  try {
    const { Stacks } = await cfn.send(new DescribeStacksCommand({ StackName: stackName }));
    const accountId = Stacks?.[0]?.StackId?.split(':')[4] ?? '';
    const outputs = Object.fromEntries((Stacks?.[0]?.Outputs ?? []).map((o) => [o.OutputKey, o.OutputValue]));
    const need = (key: string): string => {
      const value = outputs[key];
      if (!value) throw new Error(`stack ${stackName} has no output ${key}: is it this project's stack?`);
      return value;
    };
    return {
      apiUrl: need(OUTPUT_API_URL),
      region: need(OUTPUT_REGION),
      tables: Object.fromEntries((Object.keys(TABLES) as TableKey[]).map((key) => [key, need(tableOutputName(key))])) as TableNames,
      accountId,
    };
  } finally {
    cfn.destroy();
  }
};

export interface TablesTarget extends WriteOptions {
  readonly client: DynamoDBClient;
  readonly names: TableNames;
  /** Where the items go, for messages. */
  readonly description: string;
  /** Every task the tool wrote (see WriteOptions). */
  readonly ledger: SeededTask[];
  readonly expiresAt: number;
}

/** Deletes what the tool wrote (unless `keep`) and closes the client; returns a line for the user. */
export const finishWithTables = async (tables: TablesTarget, keep: boolean): Promise<string> => {
  try {
    if (keep) return `kept ${tables.ledger.length} tasks in ${tables.description} (they expire at ${new Date(tables.expiresAt * 1000).toISOString()})`;
    await deleteTasks(tables.client, tables.names, tables.ledger);
    return `deleted the ${tables.ledger.length} tasks it wrote (and their attempts and pipelines) from ${tables.description}`;
  } finally {
    tables.client.destroy();
  }
};

/**
 * The tables a tool seeds: a deployed stack's (`stack`, with the caller's credentials), or those at a
 * DynamoDB-compatible endpoint (default DYNAMODB_ENDPOINT, then http://127.0.0.1:8000) with the local names.
 */
export const resolveTables = async (options: { stack?: string; dynamodbEndpoint?: string }): Promise<TablesTarget> => {
  const writes = { ledger: [] as SeededTask[], expiresAt: Math.floor(Date.now() / 1000) + TOOL_ITEM_LIFETIME_SECONDS };
  if (options.stack) {
    const stack = await describeStack(options.stack);
    return {
      client: new DynamoDBClient({ region: stack.region }),
      names: stack.tables,
      description: `stack ${options.stack} (${stack.region})`,
      ...writes,
      accountId: stack.accountId,
    };
  }
  const endpoint = options.dynamodbEndpoint ?? process.env.DYNAMODB_ENDPOINT ?? 'http://127.0.0.1:8000';
  return { client: dynamoDbClient(endpoint), names: tableNamesFromEnv(process.env), description: endpoint, ...writes };
};
