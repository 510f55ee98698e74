/**
 * `npm run bench [-- --record]`: measures, in one run on this machine, and writes bench/results.local.json (not
 * tracked), or with --record bench/results.json (tracked: the figures the README and bench/README.md quote).
 * - SetTaskStatus/s through the full path (SDK -> HTTP -> handler -> engine) against the engine's own
 *   conditional UpdateItem/s through the same SDK stack at the same concurrency, as a ratio;
 * - DynamoDB requests per SetTaskStatus for each outcome, and of each pipeline and run call, counted by a
 *   proxy in front of the engine;
 * - the handler bundle's size, and its cold import time in a fresh Node process against the bare
 *   DynamoDB client's bundle, as a ratio;
 * - peak memory (VmHWM) of the local endpoint process under load;
 * - the hostile corpus of issue 16 (tools/hostile) against an endpoint of its own: the slowest request of any
 *   case and how much memory the corpus leaves behind.
 * See bench/README.md for how to read the figures.
 */
import { ChildProcess, execFile, spawn } from 'node:child_process';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import {
  ActivatePipelineCommand,
  AddTagsCommand,
  CreatePipelineCommand,
  DeactivatePipelineCommand,
  DeletePipelineCommand,
  DescribeObjectsCommand,
  DescribePipelinesCommand,
  GetPipelineDefinitionCommand,
  ListPipelinesCommand,
  PollForTaskCommand,
  PutPipelineDefinitionCommand,
  QueryObjectsCommand,
  RemoveTagsCommand,
  ReportTaskProgressCommand,
  ReportTaskRunnerHeartbeatCommand,
  SetStatusCommand,
  SetTaskStatusCommand,
  ValidatePipelineDefinitionCommand,
} from '@aws-sdk/client-data-pipeline';
import { ATTR, TABLES, tableNamesFromEnv } from '../lambda/store/tables';
import { LOCAL_BUNDLE_FILE } from '../lib/handler-bundle';
import { dynamoDbClient } from '../local/dynamodb';
import { startEngine } from '../local/engine';
import { startLocalEndpoint } from '../local/endpoint';
import { LOCAL_PROGRAM_ENV, localProgramArgs } from '../local/program';
import { buildHandler, bundleLikeHandler } from '../local/build-handler';
import { LoadOptions, LoadResult, newLatencyHistogram, runLoad } from '../tools/load/driver';
import { runRunners } from '../tools/load/runners';
import { EMPTY_PLAN, newAttemptId, newPipelineId, newTaskId, seed, SeedPlan, writeTasks } from '../tools/seeding';
import { runHostile } from '../tools/hostile/run';
import { dataPipelineClient } from '../tools/targets';
import { startCountingProxy } from './counting-proxy';
import { parseFlags, runTool, usageText } from '../local/cli';
import { HISTORY_ITEMS, measureHistory } from './history';

const ROOT = join(__dirname, '..');
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 32);
const DURATION_SEC = Number(process.env.BENCH_DURATION ?? 8);
/**
 * The throughput phases alternate in slices of this many seconds (see alternate): short enough that neither
 * client's keep-alive sockets sit idle past the endpoint's 5 s keep-alive timeout between its slices.
 */
const SLICE_SEC = 2;
/** Slices of each phase run unmeasured first: both sides then compare warm (JIT-compiled, heap-sized) code. */
const WARMUP_SLICES = 3;
const SLICES = Math.max(1, Math.round(DURATION_SEC / SLICE_SEC));
const IMPORT_RUNS = 21;
const BARE_BUNDLE = join(ROOT, 'dist', 'bench', 'bare-dynamodb-client.js');

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const round = (x: number, digits = 2) => Number(x.toFixed(digits));

/** The local endpoint as `npm start` runs it, in its own process (tsx's CommonJS hook as the loader: one process to measure). */
const startServer = () =>
  new Promise<{ child: ChildProcess; apiUrl: string; dynamodbUrl: string }>((resolve, reject) => {
    const env: NodeJS.ProcessEnv = { ...process.env, ...LOCAL_PROGRAM_ENV, PORT: '0', DYNAMODB_PORT: '0' };
    delete env.POWERTOOLS_DEV;
    const child = spawn(process.execPath, localProgramArgs(), { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'inherit'] });
    let out: string | undefined = '';
    child.stdout.on('data', (c: Buffer) => {
      if (out === undefined) return; // ready: the rest is log output, read and dropped so the pipe never fills
      out += c.toString();
      const m = /endpoint (\S+) \| DynamoDB engine (\S+)/.exec(out);
      if (m) {
        out = undefined;
        resolve({ child, apiUrl: m[1], dynamodbUrl: m[2] });
      }
    });
    child.on('exit', (code) => reject(new Error(`local endpoint exited with ${code}`)));
  });

const memoryOf = (pid: number) => {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kib = (key: string) => Number(new RegExp(`${key}:\\s+(\\d+) kB`).exec(status)?.[1] ?? NaN);
  return { rssMiB: round(kib('VmRSS') / 1024, 1), peakRssMiB: round(kib('VmHWM') / 1024, 1) };
};

/** Linux's USER_HZ, the unit of /proc's CPU times (100 on every Linux kernel Node supports). */
const CLOCK_TICKS_PER_SEC = 100;

/** CPU time (user + system, ms) of a process, or of one of its threads (the main thread's id is the pid). */
const cpuMsOf = (pid: number, thread?: number) => {
  const fields = readFileSync(thread === undefined ? `/proc/${pid}/stat` : `/proc/${pid}/task/${thread}/stat`, 'utf8')
    .split(') ')[1]
    .split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS_PER_SEC;
};

/** The runner loop's fleet: RUNNERS runners on RUNNER_PIPELINES pipelines of 50 activities each. */
const RUNNERS = 16;
const RUNNER_PIPELINES = 8;
/** Measured fleet runs (after one to warm up): the runner loop's figure is their median. */
const RUNNER_ROUNDS = 3;

interface Phase {
  readonly name: string;
  readonly next: LoadOptions['next'];
}

/**
 * The phases in turn, SLICE_SEC at a time: WARMUP_SLICES of each unmeasured, then SLICES of each measured, so
 * that a busy spell of the machine falls on both sides alike. Each side's figures are over all its measured
 * slices; with the endpoint process's CPU time per call, for the whole process and for its main thread (the
 * handler's; the engine has a thread of its own).
 */
const alternate = async (pid: number, phases: readonly Phase[]) => {
  for (let slice = 0; slice < WARMUP_SLICES; slice++) {
    for (const phase of phases) {
      const warm = await runLoad({ concurrency: CONCURRENCY, durationSec: SLICE_SEC, next: phase.next });
      if (Object.keys(warm.outcomes).join() !== 'ok') throw new Error(`${phase.name} warm-up had failures: ${JSON.stringify(warm.outcomes)}`);
    }
  }
  const sides = phases.map(() => ({
    histogram: newLatencyHistogram(),
    requests: 0,
    durationSec: 0,
    cpuAll: 0,
    cpuMain: 0,
    last: undefined as LoadResult | undefined,
    throughputBySlice: [] as number[],
  }));
  for (let slice = 0; slice < SLICES; slice++) {
    for (const [k, phase] of phases.entries()) {
      const side = sides[k];
      const before = { all: cpuMsOf(pid), main: cpuMsOf(pid, pid) };
      const r = await runLoad({ concurrency: CONCURRENCY, durationSec: SLICE_SEC, next: phase.next, histogram: side.histogram });
      if (Object.keys(r.outcomes).join() !== 'ok') throw new Error(`${phase.name} run had failures: ${JSON.stringify(r.outcomes)}`);
      side.cpuAll += cpuMsOf(pid) - before.all;
      side.cpuMain += cpuMsOf(pid, pid) - before.main;
      side.requests += r.requests;
      side.durationSec += r.durationSec;
      side.throughputBySlice.push(round(r.throughputPerSec, 1));
      side.last = r;
    }
  }
  return sides.map((side) => ({
    perSec: round(side.requests / side.durationSec, 1),
    requests: side.requests,
    durationSec: round(side.durationSec),
    // The shared histogram: the last slice's percentiles are over every slice.
    latencyMs: side.last!.latencyMs,
    perSecBySlice: side.throughputBySlice,
    endpointCpuMsPerCall: { process: round(side.cpuAll / side.requests, 3), handlerThread: round(side.cpuMain / side.requests, 3) },
  }));
};

const measureThroughput = async () => {
  const server = await startServer();
  try {
    const names = tableNamesFromEnv({});
    const db = dynamoDbClient(server.dynamodbUrl);
    const idle = memoryOf(server.child.pid!);
    // Enough fresh tasks for 750 SetTaskStatus/s; the engine run cycles over 1000 others that stay RUNNING.
    const tasks = await seed(db, names, { ...EMPTY_PLAN, pipelines: Math.ceil(((WARMUP_SLICES + SLICES) * SLICE_SEC * 750) / 100), tasksPerPipeline: 100 });
    const engineTasks = await seed(db, names, { ...EMPTY_PLAN, pipelines: 10, tasksPerPipeline: 100 });

    const sdk = dataPipelineClient(server.apiUrl, { maxAttempts: 1 });
    let i = 0;
    let j = 0;
    const [full, engine] = await alternate(server.child.pid!, [
      {
        name: 'SetTaskStatus',
        next: () => {
          const t = tasks[i++];
          return t && (() => sdk.send(new SetTaskStatusCommand({ taskId: t.taskId, taskStatus: 'FINISHED' })));
        },
      },
      {
        // The engine alone: a conditional UpdateItem like the handler's (condition RUNNING holds, attributes set).
        name: 'UpdateItem',
        next: () => {
          const t = engineTasks[j++ % engineTasks.length];
          return () =>
            db.send(
              new UpdateItemCommand({
                TableName: names.tasks,
                Key: { [TABLES.tasks.partitionKey]: { S: t.taskId } },
                UpdateExpression: 'SET #e = :e, #i = :i',
                ConditionExpression: '#s = :r',
                ExpressionAttributeNames: { '#s': ATTR.taskStatus, '#e': ATTR.endTime, '#i': ATTR.errorId },
                ExpressionAttributeValues: { ':r': { S: 'RUNNING' }, ':e': { S: new Date().toISOString() }, ':i': { S: 'bench' } },
              }),
            );
        },
      },
    ]);
    const loaded = memoryOf(server.child.pid!);
    sdk.destroy();
    db.destroy();

    // The runner loop: a fleet doing PollForTask, ReportTaskProgress and SetTaskStatus on work of its own.
    const fleetSdk = dataPipelineClient(server.apiUrl, { maxAttempts: 1 });
    // One fleet run warms the endpoint's code paths (its first run is up to a third slower), then the median of
    // RUNNER_ROUNDS measured runs: each is a few seconds of work, so one alone swings with the machine.
    const fleetRounds: Awaited<ReturnType<typeof runRunners>>[] = [];
    for (let round = 0; round <= RUNNER_ROUNDS; round++) {
      const fleetRun = await runRunners(fleetSdk, {
        pipelines: RUNNER_PIPELINES,
        activities: 50,
        runners: RUNNERS,
        dependencies: false,
        failShare: 0,
        durationSec: 120,
        heartbeatSec: 60,
      });
      if (!fleetRun.result.check.ok) throw new Error(`the runner loop's check failed: ${fleetRun.result.check.problems.join('; ')}`);
      if (round > 0) fleetRounds.push(fleetRun);
    }
    fleetSdk.destroy();
    const fleet = [...fleetRounds].sort((a, b) => a.result.tasksPerSec - b.result.tasksPerSec)[Math.floor(fleetRounds.length / 2)];
    return {
      concurrency: CONCURRENCY,
      slices: { seconds: SLICE_SEC, warmUp: WARMUP_SLICES, measured: SLICES },
      setTaskStatus: full,
      engineUpdateItem: engine,
      ratio: round(full.perSec / engine.perSec, 3),
      ratioBySlice: full.perSecBySlice.map((x, k) => round(x / engine.perSecBySlice[k], 3)),
      runnerLoop: {
        runners: RUNNERS,
        tasks: fleet.result.tasksCompleted,
        tasksPerSec: round(fleet.result.tasksPerSec, 1),
        ratioToEngineUpdateItem: round(fleet.result.tasksPerSec / engine.perSec, 3),
        tasksPerSecByRound: fleetRounds.map((f) => round(f.result.tasksPerSec, 1)),
        taskLatencyMs: fleet.result.taskLatencyMs,
      },
      engineRequestsPerSecDuringSetTaskStatus: round(full.perSec * 4, 1),
      memory: { idleRssMiB: idle.rssMiB, peakRssMiB: loaded.peakRssMiB },
    };
  } finally {
    server.child.kill('SIGTERM');
  }
};

/** Requests each outcome makes, counted at a proxy between the handler and the engine. */
const countRequests = async () => {
  const engine = await startEngine({ host: '127.0.0.1', port: 0 });
  const proxy = await startCountingProxy(engine.url);
  const endpoint = await startLocalEndpoint({ host: '127.0.0.1', dynamodbHost: '127.0.0.1', port: 0, dynamodbPort: 0, dynamodbEndpoint: proxy.url });
  const names = tableNamesFromEnv(process.env);
  const db = dynamoDbClient(engine.url);
  const sdk = dataPipelineClient(endpoint.apiUrl, { maxAttempts: 1 });
  const one = async (plan: Partial<SeedPlan>) => (await seed(db, names, { ...EMPTY_PLAN, ...plan }))[0];
  const set = (taskId: string, taskStatus: string) =>
    sdk.send(new SetTaskStatusCommand({ taskId, taskStatus: taskStatus as 'FINISHED' })).catch((e: Error) => e.name);
  /** `ok` for an output, the error name for a failure (set() turns errors into their names). */
  const describe = (o: unknown): string => (Array.isArray(o) ? o.map(describe).join(' + ') : o instanceof Object ? 'ok' : String(o));
  const counted = async (label: string, action: () => Promise<unknown>) => {
    proxy.take();
    const outcome = await action();
    const counts = proxy.take();
    return [label, { ...counts, total: Object.values(counts).reduce((a, b) => a + b, 0), answer: describe(outcome) }] as const;
  };
  try {
    const done = await one({ pipelines: 1 });
    const rows = [
      await counted('success', () => set(done.taskId, 'FINISHED')),
      await counted('repeat', () => set(done.taskId, 'FINISHED')),
      await counted('conflict', () => set(done.taskId, 'FAILED')),
      await counted('canceled', async () => set((await one({ canceledTasks: 1 })).taskId, 'FINISHED')),
      await counted('TaskNotFoundException', () => set('unknown-task', 'FINISHED')),
      await counted('PipelineNotFoundException', async () => set((await one({ missingPipelines: 1 })).taskId, 'FINISHED')),
      await counted('PipelineDeletedException', async () => set((await one({ deletedPipelines: 1 })).taskId, 'FINISHED')),
      await counted('InvalidRequestException (validation)', () => set('t', 'DONE')),
    ];
    // A race: two calls on one task at once, different statuses; the loser's requests are the total minus the winner's 4.
    const raced = {
      taskId: newTaskId(),
      pipelineId: newPipelineId(),
      attemptId: newAttemptId(new Date()),
      pipelineState: 'ACTIVE' as const,
      taskState: 'RUNNING' as const,
    };
    await writeTasks(db, names, [raced]);
    const [label, race] = await counted('race of FINISHED and FAILED (both calls)', () =>
      Promise.all([set(raced.taskId, 'FINISHED'), set(raced.taskId, 'FAILED')]),
    );
    rows.push([label, race]);
    // The pipeline calls, one of each on one pipeline (the definition: the on-demand example of the README).
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    const p = (command: any) => (sdk.send(command) as Promise<unknown>).catch((e: Error) => e.name);
    let pipelineId = '';
    let taskId = '';
    const objects = [
      {
        id: 'Default',
        name: 'Default',
        fields: [
          { key: 'scheduleType', stringValue: 'ondemand' },
          { key: 'workerGroup', stringValue: 'wg' },
        ],
      },
      {
        id: 'Hello',
        name: 'Hello',
        fields: [
          { key: 'type', stringValue: 'ShellCommandActivity' },
          { key: 'command', stringValue: 'echo hello' },
        ],
      },
    ];
    rows.push(
      await counted('CreatePipeline', async () => {
        const created = await sdk.send(new CreatePipelineCommand({ name: 'bench', uniqueId: 'bench' }));
        pipelineId = created.pipelineId ?? '';
        return created;
      }),
      await counted('CreatePipeline (repeat)', () => p(new CreatePipelineCommand({ name: 'bench', uniqueId: 'bench' }))),
      await counted('PutPipelineDefinition (first)', () => p(new PutPipelineDefinitionCommand({ pipelineId, pipelineObjects: objects }))),
      await counted('ValidatePipelineDefinition', () => p(new ValidatePipelineDefinitionCommand({ pipelineId, pipelineObjects: objects }))),
      await counted('ActivatePipeline', () => p(new ActivatePipelineCommand({ pipelineId }))),
      // The run calls (docs/behaviour.md §8) on the run it started: one task through the loop.
      await counted('PollForTask (handing out)', async () => {
        const polled = await sdk.send(new PollForTaskCommand({ workerGroup: 'wg', hostname: 'bench' }));
        taskId = polled.taskObject?.taskId ?? '';
        return polled;
      }),
      await counted('ReportTaskProgress', () => p(new ReportTaskProgressCommand({ taskId }))),
      await counted('ReportTaskRunnerHeartbeat', () => p(new ReportTaskRunnerHeartbeatCommand({ taskrunnerId: 'bench', workerGroup: 'wg' }))),
      await counted('SetStatus (PAUSE a component)', () => p(new SetStatusCommand({ pipelineId, objectIds: ['Hello'], status: 'PAUSE' }))),
      await counted('SetStatus (RESUME it)', () => p(new SetStatusCommand({ pipelineId, objectIds: ['Hello'], status: 'RESUME' }))),
      await counted('SetTaskStatus (a task of a run)', () => p(new SetTaskStatusCommand({ taskId, taskStatus: 'FINISHED' }))),
      await counted('QueryObjects (instances)', () => p(new QueryObjectsCommand({ pipelineId, sphere: 'INSTANCE' }))),
      await counted('PutPipelineDefinition (replacing the active one)', () => p(new PutPipelineDefinitionCommand({ pipelineId, pipelineObjects: objects }))),
      await counted('PutPipelineDefinition (replacing a latest that is not active)', () =>
        p(new PutPipelineDefinitionCommand({ pipelineId, pipelineObjects: objects })),
      ),
      await counted('GetPipelineDefinition', () => p(new GetPipelineDefinitionCommand({ pipelineId }))),
      await counted('DescribePipelines (1 id)', () => p(new DescribePipelinesCommand({ pipelineIds: [pipelineId] }))),
      await counted('ListPipelines (1 page)', () => p(new ListPipelinesCommand({}))),
      await counted('DescribeObjects', () => p(new DescribeObjectsCommand({ pipelineId, objectIds: ['Hello'] }))),
      await counted('QueryObjects', () => p(new QueryObjectsCommand({ pipelineId, sphere: 'COMPONENT' }))),
      await counted('AddTags', () => p(new AddTagsCommand({ pipelineId, tags: [{ key: 'k', value: 'v' }] }))),
      await counted('RemoveTags', () => p(new RemoveTagsCommand({ pipelineId, tagKeys: ['k'] }))),
      await counted('DeactivatePipeline', () => p(new DeactivatePipelineCommand({ pipelineId }))),
      await counted('DeletePipeline', () => p(new DeletePipelineCommand({ pipelineId }))),
      await counted('DeletePipeline (repeat)', () => p(new DeletePipelineCommand({ pipelineId }))),
    );
    // Seeding went straight to the engine, not through the proxy: only the handler's requests were counted.
    return Object.fromEntries(rows);
  } finally {
    sdk.destroy();
    db.destroy();
    await endpoint.close();
    await proxy.close();
    await engine.close();
  }
};

/** Engine requests of one task's loop: the poll that hands it out, one progress report, the SetTaskStatus that ends it. */
const perTask = (rows: Record<string, { total: number }>) => {
  const poll = rows['PollForTask (handing out)'].total;
  const progress = rows.ReportTaskProgress.total;
  const finish = rows['SetTaskStatus (a task of a run)'].total;
  return { poll, progress, finish, total: poll + progress + finish };
};

const measureBundle = async () => {
  await buildHandler();
  await bundleLikeHandler(join(__dirname, 'bare-dynamodb-client.ts'), BARE_BUNDLE);
  const importMs = async (file: string) => {
    const script = 'const t=process.hrtime.bigint();require(process.argv[1]);console.log(Number(process.hrtime.bigint()-t)/1e6)';
    const { stdout } = await promisify(execFile)(process.execPath, ['-e', script, file], { env: { PATH: process.env.PATH, AWS_REGION: 'us-east-1' } });
    return Number(stdout.trim());
  };
  const handler: number[] = [];
  const bare: number[] = [];
  for (let i = 0; i < IMPORT_RUNS; i++) {
    handler.push(await importMs(LOCAL_BUNDLE_FILE)); // alternate, so drift hits both alike
    bare.push(await importMs(BARE_BUNDLE));
  }
  return {
    handlerBytes: statSync(LOCAL_BUNDLE_FILE).size,
    bareClientBytes: statSync(BARE_BUNDLE).size,
    handlerImportMs: round(median(handler)),
    bareClientImportMs: round(median(bare)),
    importRatio: round(median(handler) / median(bare)),
    runs: IMPORT_RUNS,
  };
};

/**
 * The hostile corpus (tools/hostile/corpus.ts) against `npm start --relaxed-limits` in a process of its own, run
 * as `npm run fuzz -- --requests 0` runs it: the slowest request of any case (setup excluded) and the memory the
 * process holds after the corpus, once idle (V8 gives memory back some seconds after the work that took it).
 */
const measureHostile = async () => {
  // The lowest reading over 45 s of quiet, not the first one within the fuzz's 100 MB bound: the residue is the figure.
  const r = await runHostile({ requests: 0, seed: 1, settleMs: 45_000, settleWithinMiB: 0 });
  const timed = r.cases.filter((c) => c.requests > 0).sort((a, b) => b.ms - a.ms);
  const m = r.memory!;
  return {
    cases: r.cases.length,
    failed: r.cases.filter((c) => !c.passed).map((c) => c.name),
    worstRequest: { ms: round(timed[0].ms, 1), case: timed[0].name },
    nextWorst: timed.slice(1, 4).map((c) => ({ ms: round(c.ms, 1), case: c.name })),
    memory: {
      beforeMiB: round(m.beforeMiB, 1),
      peakMiB: round(m.peakMiB, 1),
      peakDuring: m.peakDuring,
      endMiB: round(m.endMiB, 1),
      afterMiB: round(m.afterMiB, 1),
      growthMiB: round(m.growthMiB, 1),
      settledOverSec: 45,
      // What the corpus's pipelines hold in the tables: the engine keeps it in memory, so it is part of the growth.
      storedMiB: m.storedMiB === undefined ? null : round(m.storedMiB, 1),
    },
    stoppedOnSigtermMs: r.stop?.ms,
  };
};

const FLAGS = {
  record: { type: 'boolean', help: 'write bench/results.json, the tracked record, instead of bench/results.local.json', default: 'off' },
  help: { type: 'boolean', help: 'print this text and exit' },
} as const;
const USAGE = usageText('npm run bench [-- --record]', FLAGS);

const main = async () => {
  const record = parseFlags(process.argv.slice(2), FLAGS).record === true;
  const resultsFile = record ? 'results.json' : 'results.local.json';
  process.env.POWERTOOLS_LOG_LEVEL ??= 'WARN'; // the in-process endpoint used for counting
  process.stderr.write('bundle: size and cold import ...\n');
  const bundle = await measureBundle();
  process.stderr.write('DynamoDB requests per outcome ...\n');
  const requestsPerCall = await countRequests();
  process.stderr.write(`the run calls on a pipeline with ${HISTORY_ITEMS} history items and on a fresh one ...\n`);
  const history = await measureHistory();
  process.stderr.write(
    `throughput: SetTaskStatus and UpdateItem in turn, ${SLICE_SEC} s at a time, ${WARMUP_SLICES} slices each to warm up, ${SLICES} measured, at concurrency ${CONCURRENCY} ...\n`,
  );
  const throughput = await measureThroughput();
  process.stderr.write('hostile corpus (issue 16): slowest request and memory left behind ...\n');
  const hostile = await measureHostile();
  const results = {
    measuredAt: new Date().toISOString(),
    machine: { node: process.version, cpus: cpus().length, cpu: cpus()[0]?.model },
    throughput,
    requestsPerCall,
    requestsPerTask: perTask(requestsPerCall),
    history,
    bundle,
    hostile,
  };
  writeFileSync(join(__dirname, resultsFile), `${JSON.stringify(results, null, 2)}\n`);

  const t = throughput;
  const lines = [
    ['SetTaskStatus/s, full path', `${t.setTaskStatus.perSec}  (p50 ${t.setTaskStatus.latencyMs.p50} ms, p99 ${t.setTaskStatus.latencyMs.p99} ms)`],
    [
      'engine UpdateItem/s, same SDK stack',
      `${t.engineUpdateItem.perSec}  (p50 ${t.engineUpdateItem.latencyMs.p50} ms, p99 ${t.engineUpdateItem.latencyMs.p99} ms)`,
    ],
    [
      'endpoint CPU per call (process / handler thread)',
      `SetTaskStatus ${t.setTaskStatus.endpointCpuMsPerCall.process} / ${t.setTaskStatus.endpointCpuMsPerCall.handlerThread} ms; UpdateItem ${t.engineUpdateItem.endpointCpuMsPerCall.process} / ${t.engineUpdateItem.endpointCpuMsPerCall.handlerThread} ms`,
    ],
    [
      'ratio SetTaskStatus / UpdateItem',
      `${t.ratio}  (by slice: ${t.ratioBySlice.join(', ')}; each SetTaskStatus is 4 engine requests: ${t.engineRequestsPerSecDuringSetTaskStatus} engine requests/s)`,
    ],
    [
      `runner loop, ${t.runnerLoop.runners} runners`,
      `${t.runnerLoop.tasksPerSec} tasks/s, median of ${t.runnerLoop.tasksPerSecByRound.join(', ')} (${t.runnerLoop.tasks} tasks a run; ratio to UpdateItem/s ${t.runnerLoop.ratioToEngineUpdateItem}; task p50 ${t.runnerLoop.taskLatencyMs.p50.toFixed(1)} ms)`,
    ],
    ['local endpoint memory', `${t.memory.idleRssMiB} MiB idle, ${t.memory.peakRssMiB} MiB peak under load`],
    ...Object.entries(requestsPerCall).map(([k, v]) => [
      `requests: ${k}`,
      Object.entries(v)
        .map(([a, b]) => `${a} ${b}`)
        .join(', '),
    ]),
    [
      'requests per task (poll + progress + finish)',
      `${results.requestsPerTask.total} (${results.requestsPerTask.poll} + ${results.requestsPerTask.progress} + ${results.requestsPerTask.finish}; a task with no dependents)`,
    ],
    ...Object.entries(history).map(([call, h]) => [
      `history ${HISTORY_ITEMS} vs fresh: ${call}`,
      `${h.historyMs} vs ${h.freshMs} ms (ratio ${h.ratio}); requests ${h.historyRequests} vs ${h.freshRequests}`,
    ]),
    ['handler bundle', `${bundle.handlerBytes} bytes (bare DynamoDB client: ${bundle.bareClientBytes})`],
    ['cold import, median of ' + bundle.runs, `${bundle.handlerImportMs} ms vs ${bundle.bareClientImportMs} ms bare client: ratio ${bundle.importRatio}`],
    [
      `hostile corpus, ${hostile.cases} cases`,
      `slowest request ${hostile.worstRequest.ms} ms (${hostile.worstRequest.case}); memory ${hostile.memory.beforeMiB} MiB before, peak ${hostile.memory.peakMiB}, ${hostile.memory.afterMiB} MiB after (${hostile.memory.growthMiB >= 0 ? '+' : ''}${hostile.memory.growthMiB} MiB: the lowest in ${hostile.memory.settledOverSec} s idle; the tables hold ${hostile.memory.storedMiB} MiB)${hostile.failed.length ? `; FAILED: ${hostile.failed.join(', ')}` : ''}`,
    ],
  ];
  const width = Math.max(...lines.map(([k]) => k.length));
  console.log(lines.map(([k, v]) => `${k.padEnd(width)}  ${v}`).join('\n'));
  console.log(`wrote bench/${resultsFile}`);
};

runTool('bench', USAGE, main);
