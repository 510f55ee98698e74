/**
 * The local endpoint: the embedded engine (on its own thread), the tables, and the handler bundle behind the
 * HTTP door, all in one process. `npm start` runs it through local/main.ts; the end-to-end tests start it in-process.
 */
import type { AddressInfo } from 'node:net';
import { existsSync } from 'node:fs';
import { LOCAL_BUNDLE_FILE } from '../lib/handler-bundle';
import { tableNamesFromEnv, TABLES, TableKey } from '../lambda/store/tables';
import { dynamoDbClient, ensureTables, LOCAL_AWS_ENV, quietNodeVersionNotice } from './dynamodb';
import { Engine, startEngine } from './engine';
import { AnsweredRequest, createHttpDoor } from './http-door';
import { collectThisThread, idleCollector } from './idle-collector';

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
  /** Told of each request once answered (npm start's one line a request on a terminal). */
  readonly onAnswered?: (r: AnsweredRequest) => void;
}

/** How long a stop waits for requests in flight before cutting their connections. */
const DRAIN_MS = 2000;

export interface LocalEndpoint {
  readonly apiUrl: string;
  readonly dynamodbUrl: string;
  close(): Promise<void>;
}

/**
 * The handler reads its configuration from the environment once, when it is made, like a Lambda cold start;
 * so set it first. Values the caller already set (table names, log level, credentials) win.
 */
const configureHandlerEnv = (dynamodbUrl: string): void => {
  process.env.DYNAMODB_ENDPOINT = dynamodbUrl;
  for (const [name, value] of Object.entries(LOCAL_AWS_ENV)) process.env[name] ??= value;
  const names = tableNamesFromEnv(process.env);
  for (const key of Object.keys(TABLES) as TableKey[]) process.env[TABLES[key].envVar] = names[key];
};

type Bundle = typeof import('../lambda/handler');

const loadBundle = (): Bundle => {
  if (!existsSync(LOCAL_BUNDLE_FILE)) {
    throw new Error(`${LOCAL_BUNDLE_FILE} is missing: run \`npm run build\` first (npm start and npm test do).`);
  }
  // The built file, whose path is known only now: a require, not an import.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require(LOCAL_BUNDLE_FILE) as Bundle;
};

/** The embedded engine, started while `whileStarting` runs (its thread boots on the other core). */
const withEngine = async <T>(options: LocalEndpointOptions, whileStarting: () => T): Promise<[Engine | undefined, T]> => {
  if (options.dynamodbEndpoint) return [undefined, whileStarting()];
  const starting = startEngine({ host: options.dynamodbHost, port: options.dynamodbPort, dataDir: options.dataDir });
  let value: T;
  try {
    value = whileStarting();
  } catch (err) {
    await (await starting).close();
    throw err;
  }
  return [await starting, value];
};

export const startLocalEndpoint = async (options: LocalEndpointOptions): Promise<LocalEndpoint> => {
  // The bundle loads (about 150 ms) while the engine's thread starts; its handler is made once the engine's
  // address is in the environment. With the embedded engine, its DynamoDB client takes the engine's in-process door.
  quietNodeVersionNotice(); // before the bundle's SDK loads (README: Node versions)
  const [engine, bundle] = await withEngine(options, loadBundle);
  const dynamodbUrl = options.dynamodbEndpoint ?? engine!.url;
  configureHandlerEnv(dynamodbUrl);
  const client = dynamoDbClient(dynamodbUrl);
  await ensureTables(client, tableNamesFromEnv(process.env));
  client.destroy();

  const handler = bundle.createHandler(process.env, { dynamoDbRequestHandler: engine?.requestHandler });
  // Both threads' heaps collected once no request has been in the door's hands for a while (local/idle-collector.ts).
  const collector = idleCollector(() => {
    collectThisThread();
    engine?.collect();
  });
  const server = createHttpDoor(handler, (err) => console.error('local endpoint: unexpected error', err), {
    onAnswered: options.onAnswered,
    listenHost: options.host,
    work: collector,
  });
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
      collector.stop();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      const cut = setTimeout(() => server.closeAllConnections(), DRAIN_MS);
      await closed;
      clearTimeout(cut);
      await engine?.close();
    },
  };
};
