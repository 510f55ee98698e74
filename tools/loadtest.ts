/**
 * `npm run loadtest -- --endpoint URL [--dynamodb-endpoint URL | --stack NAME] [--concurrency N]
 *   [--duration SECONDS | --requests N] [--rate PER_SECOND] [--mix finished=70,failed=20,unknown=10]
 *   [--json FILE] [--pool N] [--timeout-ms N] [--keep]`
 * Seeds its own tasks, then drives SetTaskStatus with the real SDK (no retries, so errors show). At the end it
 * deletes what it wrote, unless --keep; what it cannot delete (a killed run) expires within a day (TTL).
 */
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { positiveNumber } from './cli-numbers';
import { runLoad } from './load/driver';
import { freshShare, KINDS, parseMix, prepareMix } from './load/mix';
import { formatResult, progressPrinter } from './load/report';
import { dataPipelineClient, finishWithTables, resolveTables } from './targets';

/** Without --requests or --rate, a closed-model run seeds this many fresh tasks (and stops if they run out). */
const DEFAULT_POOL = 20_000;

const main = async () => {
  const { values } = parseArgs({
    options: {
      endpoint: { type: 'string' },
      'dynamodb-endpoint': { type: 'string' },
      stack: { type: 'string' },
      concurrency: { type: 'string' },
      duration: { type: 'string' },
      requests: { type: 'string' },
      rate: { type: 'string' },
      mix: { type: 'string' },
      json: { type: 'string' },
      pool: { type: 'string' },
      'timeout-ms': { type: 'string' },
      keep: { type: 'boolean' },
    },
  });
  if (!values.endpoint) throw new Error(`--endpoint URL is required. Kinds for --mix: ${Object.keys(KINDS).join(', ')}`);
  if (values.stack && values['dynamodb-endpoint']) throw new Error('give --stack or --dynamodb-endpoint, not both');
  const requests = positiveNumber('requests', values.requests);
  const rate = positiveNumber('rate', values.rate);
  // Bounded always: 10 s by default, and at most 10 minutes however many requests are asked for.
  const durationSec = positiveNumber('duration', values.duration, requests ? 600 : 10);
  const concurrency = Math.floor(positiveNumber('concurrency', values.concurrency, rate ? 256 : 16));
  const timeoutMs = positiveNumber('timeout-ms', values['timeout-ms'], 10_000);
  const mix = parseMix(values.mix ?? 'finished=70,failed=20,unknown=10');

  const budget = requests ?? (rate ? Math.ceil(rate * durationSec) : Math.floor(positiveNumber('pool', values.pool, DEFAULT_POOL)));
  const freshTasks = Math.ceil(budget * freshShare(mix) * 1.1) + 10;
  const sdk = dataPipelineClient(values.endpoint, { maxAttempts: 1, requestHandler: { requestTimeout: timeoutMs, connectionTimeout: timeoutMs } });
  const tables = await resolveTables({ stack: values.stack, dynamodbEndpoint: values['dynamodb-endpoint'] });
  process.stderr.write(`seeding ${freshTasks} tasks into ${tables.description} ...\n`);
  const next = await prepareMix(mix, sdk, tables, freshTasks);

  process.stderr.write(`driving ${values.endpoint} for at most ${durationSec} s${requests ? ` or ${requests} requests` : ''}\n`);
  const progress = progressPrinter();
  const result = await runLoad({ next, concurrency, durationSec, requests, rate, onProgress: progress.update });
  progress.done();
  sdk.destroy();
  process.stderr.write(`${await finishWithTables(tables, values.keep ?? false)}\n`);

  console.log(formatResult(result));
  if (values.json) {
    writeFileSync(values.json, `${JSON.stringify({ endpoint: values.endpoint, mix, ...result }, null, 2)}\n`);
    process.stderr.write(`wrote ${values.json}\n`);
  }
};

main().catch((err: unknown) => {
  console.error(`loadtest: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
