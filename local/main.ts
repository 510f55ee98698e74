/**
 * `npm start`: the local endpoint on the embedded engine.
 *   --port N (PORT, 8080)  --dynamodb-port N (DYNAMODB_PORT, 8000)  --host H (HOST, 127.0.0.1)
 *   --dynamodb-host H (DYNAMODB_HOST, 127.0.0.1)  --data DIR (DATA_DIR; in memory when absent)
 *   --relaxed-limits (RELAXED_LIMITS=true): run limits for tests and demos (docs/behaviour.md §8)
 * The handler bundle is built first when its sources changed since the last build (tools/build-handler.ts).
 */
import { parseArgs } from 'node:util';
import { ensureHandlerBundle } from '../tools/build-handler';
import { startLocalEndpoint } from './endpoint';

const main = async () => {
  const { values } = parseArgs({
    options: {
      port: { type: 'string' },
      'dynamodb-port': { type: 'string' },
      host: { type: 'string' },
      'dynamodb-host': { type: 'string' },
      'relaxed-limits': { type: 'boolean' },
      data: { type: 'string' },
    },
  });
  // Readable logs on a terminal unless the user chose otherwise (POWERTOOLS_DEV pretty-prints the JSON).
  if (process.stdout.isTTY) process.env.POWERTOOLS_DEV ??= 'true';
  const dataDir = values.data ?? process.env.DATA_DIR;
  // Read by the handler bundle when it loads (lambda/runs/run-limits.ts): periods in seconds, no minimums.
  if (values['relaxed-limits']) process.env.RELAXED_LIMITS = 'true';
  await ensureHandlerBundle();
  const endpoint = await startLocalEndpoint({
    host: values.host ?? process.env.HOST ?? '127.0.0.1',
    port: Number(values.port ?? process.env.PORT ?? 8080),
    // The engine has no authentication: it stays on the loopback interface unless asked otherwise.
    dynamodbHost: values['dynamodb-host'] ?? process.env.DYNAMODB_HOST ?? '127.0.0.1',
    dynamodbPort: Number(values['dynamodb-port'] ?? process.env.DYNAMODB_PORT ?? 8000),
    dataDir,
  });
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`${signal}: stopping`);
    endpoint.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
  // Printed once the signals are handled: whoever waits for this line may stop the process at once.
  console.log(
    `DataPipeline endpoint ${endpoint.apiUrl} | DynamoDB engine ${endpoint.dynamodbUrl} (${dataDir ? `data in ${dataDir}` : 'in memory'}) | Ctrl-C stops`,
  );
};

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
