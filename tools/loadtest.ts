/**
 * `npm run loadtest -- --endpoint URL [--mode settaskstatus | runners] ...`
 * settaskstatus (the default): `[--dynamodb-endpoint URL | --stack NAME] [--concurrency N]
 *   [--duration SECONDS | --requests N] [--rate PER_SECOND] [--mix finished=70,failed=20,unknown=10] [--json FILE]
 *   [--pool N] [--timeout-ms N] [--keep]`: seeds its own tasks, then drives SetTaskStatus with the real SDK (no
 *   retries, so errors show). At the end it deletes what it wrote, unless --keep; what it cannot delete (a killed
 *   run) expires within a day (TTL).
 * runners: `[--pipelines N] [--activities M] [--runners R] [--dependencies] [--fail-share F] [--heartbeat-sec S]
 *   [--duration SECONDS] [--json FILE] [--report FILE.html] [--keep]`: a fleet of simulated task runners
 *   (tools/load/runners.ts), through the API alone (`--stack NAME` alone: the stack's ApiUrl, signed for
 *   execute-api); its pipelines are deleted at the end unless --keep.
 */
import { writeFileSync } from 'node:fs';
import { LOCAL_ENDPOINT, LOCAL_ENGINE, parseFlags, positiveNumber, runTool, UsageError, usageText } from '../local/cli';
import { runLoad } from './load/driver';
import { htmlReport } from './load/html-report';
import { freshShare, parseMix, prepareMix } from './load/mix';
import { formatResult, progressPrinter } from './load/report';
import { formatRunners, runRunners } from './load/runners';
import { dataPipelineClient, describeStack, finishWithTables, resolveTables } from './targets';

/** Without --requests or --rate, a closed-model run seeds this many fresh tasks (and stops if they run out). */
const DEFAULT_POOL = 20_000;

const FLAGS = {
  mode: { type: 'string', help: 'settaskstatus (drive SetTaskStatus on seeded tasks) or runners (a fleet of task runners)', default: 'settaskstatus' },
  endpoint: { type: 'string', help: 'the Data Pipeline endpoint', default: `${LOCAL_ENDPOINT}, npm start's` },
  'dynamodb-endpoint': { type: 'string', help: 'settaskstatus: the engine to seed tasks into (DYNAMODB_ENDPOINT)', default: LOCAL_ENGINE },
  stack: { type: 'string', help: 'a deployed stack: its tables (settaskstatus) or its ApiUrl (runners)' },
  concurrency: { type: 'string', help: 'settaskstatus: requests in flight', default: '16 (256 with --rate)' },
  duration: { type: 'string', help: 'seconds to run at most', default: '10 (settaskstatus), 300 (runners)' },
  requests: { type: 'string', help: 'settaskstatus: stop after this many requests' },
  rate: { type: 'string', help: 'settaskstatus: requests per second (open model)' },
  mix: { type: 'string', help: 'settaskstatus: outcome shares, e.g. finished=70,failed=20,unknown=10', default: 'finished=70,failed=20,unknown=10' },
  pool: { type: 'string', help: 'settaskstatus: fresh tasks seeded for a closed-model run', default: String(DEFAULT_POOL) },
  'timeout-ms': { type: 'string', help: 'settaskstatus: a request with no answer after this is an error', default: '10000' },
  json: { type: 'string', help: 'write the result to this file' },
  keep: { type: 'boolean', help: 'keep what the run wrote', default: 'off' },
  pipelines: { type: 'string', help: 'runners: pipelines', default: '4' },
  activities: { type: 'string', help: 'runners: activities per pipeline', default: '25' },
  runners: { type: 'string', help: 'runners: task runners', default: '8' },
  dependencies: { type: 'boolean', help: 'runners: each activity depends on the fifth before it', default: 'off' },
  'fail-share': { type: 'string', help: 'runners: share of tasks reported FAILED, from 0 up to 1', default: '0' },
  'heartbeat-sec': { type: 'string', help: 'runners: seconds between heartbeats', default: '60' },
  report: { type: 'string', help: 'runners: write an HTML report with charts to this file' },
  help: { type: 'boolean', help: 'print this text and exit' },
} as const;
const USAGE = usageText('npm run loadtest -- [--mode settaskstatus | runners] [--endpoint URL] [flags of the mode]', FLAGS);

const main = async () => {
  const values = parseFlags(process.argv.slice(2), FLAGS) as Record<string, string | undefined> & { keep?: boolean; dependencies?: boolean };
  const mode = values.mode ?? 'settaskstatus';
  // The runners mode needs only the API: a deployed stack's own URL (from its outputs) will do.
  if (mode === 'runners' && !values.endpoint && values.stack) values.endpoint = (await describeStack(values.stack)).apiUrl;
  values.endpoint ??= LOCAL_ENDPOINT;
  if (mode === 'runners') return runnersMode(values as Record<string, string | boolean | undefined> & { endpoint: string });
  if (mode !== 'settaskstatus') throw new UsageError(`--mode must be settaskstatus or runners, not ${mode}`);
  if (values.report) throw new UsageError('--report draws the runners mode (--mode runners)');
  if (values.stack && values['dynamodb-endpoint']) throw new UsageError('give --stack or --dynamodb-endpoint, not both');
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

const runnersMode = async (values: Record<string, string | boolean | undefined> & { endpoint: string }) => {
  const num = (name: string, fallback: number) => positiveNumber(name, values[name] as string | undefined, fallback);
  const failShare = values['fail-share'] === undefined ? 0 : Number(values['fail-share']);
  if (!(failShare >= 0 && failShare < 1)) throw new UsageError('--fail-share must be a number from 0 up to (not including) 1');
  const sdk = dataPipelineClient(values.endpoint, { maxAttempts: 1 });
  const options = {
    pipelines: Math.floor(num('pipelines', 4)),
    activities: Math.floor(num('activities', 25)),
    runners: Math.floor(num('runners', 8)),
    dependencies: values.dependencies === true,
    failShare,
    durationSec: num('duration', 300),
    heartbeatSec: num('heartbeat-sec', 60),
  };
  process.stderr.write(
    `setting up ${options.pipelines} pipelines of ${options.activities} activities on ${values.endpoint}, then ${options.runners} runners (at most ${options.durationSec} s)\n`,
  );
  const tty = Boolean(process.stderr.isTTY);
  const { result, cleanup } = await runRunners(sdk, {
    ...options,
    onProgress: (p) =>
      process.stderr.write(
        `${tty ? '\r' : ''}${p.elapsedSec.toFixed(0).padStart(4)} s  ${String(p.tasks).padStart(7)} tasks  ${String(p.requests).padStart(8)} requests  ${p.errors} errors${tty ? '\u001b[K' : '\n'}`,
      ),
  });
  if (tty) process.stderr.write('\n');
  if (values.keep) process.stderr.write('kept the pipelines\n');
  else process.stderr.write(`deleted the ${await cleanup()} pipelines\n`);
  sdk.destroy();
  console.log(formatRunners(result));
  if (typeof values.json === 'string') writeFileSync(values.json, `${JSON.stringify({ endpoint: values.endpoint, ...result }, null, 2)}\n`);
  if (typeof values.report === 'string') {
    writeFileSync(values.report, htmlReport(result, `Runner fleet against ${values.endpoint}, ${new Date().toISOString().slice(0, 19)}Z`));
    process.stderr.write(`wrote ${values.report}\n`);
  }
  process.exitCode = result.check.ok ? 0 : 1;
};

runTool('loadtest', USAGE, main);
