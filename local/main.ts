/**
 * `npm start [-- --help]`: the local endpoint on the embedded engine. Flags (`npm start -- --help` lists them with
 * their defaults) win over the environment variables named beside them.
 * The handler bundle is built first when its sources changed since the last build (local/build-handler.ts).
 */
import { ensureHandlerBundle } from './build-handler';
import { parseFlags, runTool, UsageError, usageText, wholeNumber } from './cli';
import { startLocalEndpoint } from './endpoint';
import { AnsweredRequest, requestLine } from './http-door';

const FLAGS = {
  port: { type: 'string', help: 'port of the Data Pipeline endpoint, 0 for a free one (PORT)', default: '8080' },
  'dynamodb-port': { type: 'string', help: 'port of the embedded DynamoDB engine, 0 for a free one (DYNAMODB_PORT)', default: '8000' },
  host: { type: 'string', help: 'interface the endpoint listens on (HOST)', default: '127.0.0.1' },
  'dynamodb-host': { type: 'string', help: 'interface the engine listens on; it has no authentication (DYNAMODB_HOST)', default: '127.0.0.1' },
  data: { type: 'string', help: 'directory the engine keeps its tables in (DATA_DIR)', default: 'none: in memory' },
  'relaxed-limits': { type: 'boolean', help: 'run limits for tests and demos: periods in seconds, no minimums (RELAXED_LIMITS=true)', default: 'off' },
  help: { type: 'boolean', help: 'print this text and exit' },
} as const;
const USAGE = usageText('npm start -- [--port N] [--dynamodb-port N] [--host H] [--dynamodb-host H] [--data DIR] [--relaxed-limits]', FLAGS);

const port = (name: string, value: string | undefined, fallback: number): number => {
  const n = wholeNumber(name, value, fallback, 65535);
  if (value !== undefined && String(n) !== value.trim()) throw new UsageError(`--${name} takes a port number, not ${JSON.stringify(value)}`);
  return n;
};

const main = async () => {
  const values = parseFlags(process.argv.slice(2), FLAGS) as Record<string, string | undefined> & { 'relaxed-limits'?: boolean };
  const apiPort = port('port', values.port ?? process.env.PORT, 8080);
  const enginePort = port('dynamodb-port', values['dynamodb-port'] ?? process.env.DYNAMODB_PORT, 8000);
  // On a terminal, one line a request (time, account, operation, status, ms, request id) instead of the handler's
  // JSON lines, unless the user asked for them (POWERTOOLS_LOG_LEVEL, e.g. DEBUG; or POWERTOOLS_DEV): then those,
  // pretty-printed. Not on a terminal (a pipe, a file, CI): the JSON lines, as in Lambda.
  const oneLine = process.stdout.isTTY && process.env.POWERTOOLS_LOG_LEVEL === undefined && process.env.POWERTOOLS_DEV === undefined;
  if (oneLine) process.env.POWERTOOLS_LOG_LEVEL = 'WARN';
  else if (process.stdout.isTTY) process.env.POWERTOOLS_DEV ??= 'true';
  const dataDir = values.data ?? process.env.DATA_DIR;
  // Read by the handler bundle when it loads (lambda/definitions/run-limits.ts): periods in seconds, no minimums.
  if (values['relaxed-limits']) process.env.RELAXED_LIMITS = 'true';
  await ensureHandlerBundle();
  const endpoint = await startLocalEndpoint({
    host: values.host ?? process.env.HOST ?? '127.0.0.1',
    port: apiPort,
    // The engine has no authentication: it stays on the loopback interface unless asked otherwise.
    dynamodbHost: values['dynamodb-host'] ?? process.env.DYNAMODB_HOST ?? '127.0.0.1',
    dynamodbPort: enginePort,
    dataDir,
    ...(oneLine && { onAnswered: (r: AnsweredRequest) => console.log(requestLine(r)) }),
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
  // The console is the same address in a browser; on every interface, the loopback one is where to open it.
  const consoleUrl = `${endpoint.apiUrl.replace(/^http:\/\/(0\.0\.0\.0|\[?::\]?)(?=:)/, 'http://127.0.0.1')}/`;
  console.log(
    `DataPipeline endpoint ${endpoint.apiUrl} | DynamoDB engine ${endpoint.dynamodbUrl} (${dataDir ? `data in ${dataDir}` : 'in memory'}) | console ${consoleUrl}${values['relaxed-limits'] || process.env.RELAXED_LIMITS === 'true' ? ' | relaxed limits' : ''} | Ctrl-C stops`,
  );
};

runTool('npm start', USAGE, main);
