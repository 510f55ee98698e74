/**
 * The local endpoint: the embedded engine (on its own thread), the tables, and the handler bundle behind the
 * HTTP door, all in one process. `npm start` runs it through local/main.ts; the end-to-end tests start it in-process.
 */
import type { AddressInfo } from 'node:net';
import { existsSync } from 'node:fs';
import { LOCAL_BUNDLE_FILE } from '../lib/handler-bundle';
import { tableNamesFromEnv, TABLES, TableKey } from '../lambda/store/tables';
import { dynamoDbClient, ensureTables, LOCAL_AWS_ENV } from './dynamodb';
import { Engine, startEngine } from './engine';
import { createHttpDoor, ProxyHandler } from './http-door';

export interface LocalEndpointOptions {
  /** Where the API listens. */
  readonly host: string;
  /** Where the embedded engine listens (it has no authentication). Ignored with `dynamodbEndpoint`. */
  readonly dynamodbHost: string;
  /** API port; 0 picks a free one. */
  readonly port: number;
  /** Port of the embedded engine; 0 picks a free one. Ignored with `dynamodbEndpoint`. */
  readonly dynamodbPort: number;
  /** Use this DynamoDB-compatible endpoint instead of starting the embedded engine. */
  readonly dynamodbEndpoint?: string;
  readonly dataDir?: string;
}

/** How long a stop waits for requests in flight before cutting their connections. */
const DRAIN_MS = 2000;

export interface LocalEndpoint {
  readonly apiUrl: string;
  readonly dynamodbUrl: string;
  close(): Promise<void>;
}

/**
 * The bundle reads its configuration from the environment once, at load, like a Lambda cold start;
 * so set it first. Values the caller already set (table names, log level, credentials) win.
 */
const configureHandlerEnv = (dynamodbUrl: string): void => {
  process.env.DYNAMODB_ENDPOINT = dynamodbUrl;
  for (const [name, value] of Object.entries(LOCAL_AWS_ENV)) process.env[name] ??= value;
  const names = tableNamesFromEnv(process.env);
  for (const key of Object.keys(TABLES) as TableKey[]) process.env[TABLES[key].envVar] = names[key];
};

/** The bundle's handler; with the embedded engine, its DynamoDB client takes the engine's in-process door. */
const loadHandler = (engine: Engine | undefined): ProxyHandler => {
  if (!existsSync(LOCAL_BUNDLE_FILE)) {
    throw new Error(`${LOCAL_BUNDLE_FILE} is missing: run \`npm run build\` first (npm start and npm test do).`);
  }
  const { createHandler } = require(LOCAL_BUNDLE_FILE) as typeof import('../lambda/handler');
  return createHandler(process.env, { dynamoDbRequestHandler: engine?.requestHandler });
};

export const startLocalEndpoint = async (options: LocalEndpointOptions): Promise<LocalEndpoint> => {
  const engine = options.dynamodbEndpoint
    ? undefined
    : await startEngine({ host: options.dynamodbHost, port: options.dynamodbPort, dataDir: options.dataDir });
  const dynamodbUrl = options.dynamodbEndpoint ?? engine!.url;
  configureHandlerEnv(dynamodbUrl);
  const client = dynamoDbClient(dynamodbUrl);
  await ensureTables(client, tableNamesFromEnv(process.env));
  client.destroy();

  const server = createHttpDoor(loadHandler(engine), (err) => console.error('local endpoint: unexpected error', err));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    apiUrl: `http://${options.host}:${port}`,
    dynamodbUrl,
    /** Stops taking requests, lets those in flight finish (for at most DRAIN_MS), then stops the engine. */
    close: async () => {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      const cut = setTimeout(() => server.closeAllConnections(), DRAIN_MS);
      await closed;
      clearTimeout(cut);
      await engine?.close();
    },
  };
};
