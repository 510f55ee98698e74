/**
 * `npm run fuzz -- [--endpoint URL | --spawn] [--requests N] [--seed S] [--concurrency C] [--cases PREFIX] [--no-corpus]
 *   [--settle SECONDS] [--json]`
 * The hostile corpus (./corpus.ts), then N generated requests (./fuzz.ts), against an endpoint: every answer
 * must be under 500 and carry a documented `__type` when it is an error, come within the request deadline,
 * on a connection that is not dropped; after each hostile case another account must still be served. For an
 * endpoint it starts itself (--spawn, the default without --endpoint: `npm start --relaxed-limits` on free
 * ports) it also reads the process's memory (VmRSS) after a warm-up, at its peak and at the end.
 * Exits 1 on any failure (a 5xx, a mismatch, a drop, over the deadline, memory up more than 100 MB), 2 on a
 * bad command line. The functions are exported for test/e2e/hostile.test.ts and the bench.
 */
import { ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ScanCommand } from '@aws-sdk/client-dynamodb';
import { TABLE_KEYS, tableNamesFromEnv } from '../../lambda/store/tables';
import { dynamoDbClient } from '../../local/dynamodb';
import { parseFlags, runTool, UsageError, usageText, wholeNumber } from '../../local/cli';
import { LOCAL_PROGRAM_ENV, localProgramArgs } from '../../local/program';
import { QUIET_MS } from '../../local/idle-collector';
import { HOSTILE_CORPUS, HostileCase, illFormedStrings, SetupFailed } from './corpus';
import { FuzzRequest, fuzzRequests, learnFrom, prepareWorld, World } from './fuzz';
import { describeAnswer, RawAnswer, RawClient } from './raw-client';

const ROOT = join(__dirname, '..', '..');

/** The request deadline (docs/behaviour.md §6): an answer later than this is a hang. */
export const DEADLINE_MS = 15_000;
/** A request with no answer after this long is abandoned (and counted as a hang). */
const CLIENT_TIMEOUT_MS = 60_000;
/** Memory may grow this much over a run and still count as returned: issue 16's 100 MB (10^6 bytes), in the MiB /proc counts in. */
export const MAX_RSS_GROWTH_MB = 100;
export const MAX_RSS_GROWTH_MIB = (MAX_RSS_GROWTH_MB * 1e6) / 2 ** 20;
/** The error types docs/behaviour.md documents; any other `__type` is a finding. */
export const DOCUMENTED_TYPES = new Set([
  'InvalidRequestException',
  'TaskNotFoundException',
  'PipelineNotFoundException',
  'PipelineDeletedException',
  'SerializationException',
  'UnknownOperationException',
  'ThrottlingException',
  'RequestEntityTooLargeException',
]);
/** The other account: its ListPipelines must be answered after every hostile case. */
const OTHER_ACCOUNT = 'hostile-bystander';

// --- the endpoint's process ---------------------------------------------------------------------------------

export interface SpawnedEndpoint {
  readonly url: string;
  /** Its embedded engine's URL (the tables, read to tell stored data from memory that did not come back). */
  readonly dynamodbUrl: string;
  readonly pid: number;
  readonly child: ChildProcess;
  /** Error lines the endpoint logged (the details of any 500), the last 50. */
  readonly errors: () => string[];
  /** SIGTERM, then SIGKILL if it has not exited after `graceMs`; resolves with how it ended and how long it took. */
  readonly stop: (graceMs?: number) => Promise<{ code: number | null; signal: NodeJS.Signals | null; ms: number }>;
}

const READY = /DataPipeline endpoint (http:\/\/[0-9.]+:\d+) \| DynamoDB engine (http:\/\/[0-9.]+:\d+)/;

/** `npm start --relaxed-limits`'s program on free ports, its ready line read as test/e2e/npm-start.test.ts does. */
export const spawnEndpoint = (options: { relaxed?: boolean; dataDir?: string } = {}): Promise<SpawnedEndpoint> =>
  new Promise((resolve, reject) => {
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      ...LOCAL_PROGRAM_ENV,
      PORT: '0',
      DYNAMODB_PORT: '0',
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    };
    // Only errors are logged: the 500s are what a run must explain, and a quiet child costs the run no CPU.
    env.POWERTOOLS_LOG_LEVEL = 'ERROR';
    delete env.POWERTOOLS_DEV;
    delete env.DYNAMODB_ENDPOINT;
    delete env.TABLE_PREFIX;
    const args = localProgramArgs([
      ...(options.relaxed === false ? [] : ['--relaxed-limits']),
      ...(options.dataDir !== undefined ? ['--data', options.dataDir] : []),
    ]);
    const child = spawn(process.execPath, args, { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let ready = false;
    const errors: string[] = [];
    const keep = (line: string) => {
      if (!/"level":"ERROR"|Error|error/.test(line)) return;
      errors.push(line.length > 4000 ? `${line.slice(0, 4000)}…` : line);
      if (errors.length > 50) errors.shift();
    };
    let exited: { code: number | null; signal: NodeJS.Signals | null } | undefined;
    // Per stream: the end of a line that has not come yet (a log line can span chunks).
    const reader = () => {
      let partial = '';
      return (chunk: Buffer) => {
        const text = chunk.toString();
        if (!ready) {
          out += text;
          const m = READY.exec(out);
          if (m) {
            ready = true;
            resolve({ url: m[1], dynamodbUrl: m[2], pid: child.pid!, child, errors: () => [...errors], stop });
          }
        }
        const lines = (partial + text).split('\n');
        partial = lines.pop()!.slice(-8192);
        for (const line of lines) if (line.trim()) keep(line);
      };
    };
    child.stdout.on('data', reader());
    child.stderr.on('data', reader());
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      exited = { code, signal };
      if (!ready) reject(new Error(`the endpoint exited (${code ?? signal}) before it was ready:\n${out.slice(-2000)}`));
    });
    const stop = (graceMs = 5000) =>
      new Promise<{ code: number | null; signal: NodeJS.Signals | null; ms: number }>((done) => {
        const started = Date.now();
        if (exited) return done({ ...exited, ms: 0 });
        const kill = setTimeout(() => child.kill('SIGKILL'), graceMs);
        child.once('exit', (code, signal) => {
          clearTimeout(kill);
          done({ code, signal, ms: Date.now() - started });
        });
        child.kill('SIGTERM');
      });
  });

/** Resident memory of a process, in MiB (Linux: /proc/<pid>/status VmRSS); undefined when it cannot be read. */
export const rssMiB = (pid: number): number | undefined => {
  try {
    const kib = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
    return kib === undefined ? undefined : Number(kib) / 1024;
  } catch {
    return undefined;
  }
};

/**
 * What the engine's four tables hold, in MiB of item JSON (about what DynamoDB would count): the part of the
 * memory a run leaves behind that is data it was asked to store, not memory that failed to come back. Read
 * with Scan, after memory has been measured (the reads take memory of their own).
 */
export const storedMiB = async (dynamodbUrl: string): Promise<number> => {
  const db = dynamoDbClient(dynamodbUrl);
  const names = tableNamesFromEnv({});
  let bytes = 0;
  try {
    for (const key of TABLE_KEYS) {
      let start: Record<string, unknown> | undefined;
      do {
        const page = await db.send(new ScanCommand({ TableName: names[key], ExclusiveStartKey: start as never }));
        for (const item of page.Items ?? []) bytes += Buffer.byteLength(JSON.stringify(item));
        start = page.LastEvaluatedKey;
      } while (start);
    }
  } finally {
    db.destroy();
  }
  return bytes / 2 ** 20;
};

/** Samples a process's RSS in the background; `peak` is the highest seen and what was running then. */
export class RssWatch {
  peak = 0;
  peakDuring = '';
  /** What is being sent now, named in the peak. */
  current = '';
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly pid: number,
    intervalMs = 200,
  ) {
    this.timer = setInterval(() => this.sample(), intervalMs);
    this.timer.unref();
  }

  sample(): number | undefined {
    const now = rssMiB(this.pid);
    if (now !== undefined && now > this.peak) {
      this.peak = now;
      this.peakDuring = this.current;
    }
    return now;
  }

  stop(): void {
    clearInterval(this.timer);
  }
}

// --- one answer ---------------------------------------------------------------------------------------------

/**
 * What is wrong with an answer whatever was asked (a 5xx, no `__type`, an undocumented one, a drop, a hang), or
 * undefined. `timed: false` leaves out the clock (tests assert no times): the endpoint answers a request past
 * its deadline with a 500 itself, so status and "an answer came" still cover it.
 */
export const answerProblem = (a: RawAnswer, timed = true): string | undefined => {
  if (a.timedOut) return `no answer within ${CLIENT_TIMEOUT_MS} ms`;
  if (a.dropped !== undefined) return `connection dropped (${a.dropped})`;
  if (a.status >= 500) return `a server error, ${describeAnswer(a)}`;
  if (a.status >= 400 && a.type === undefined)
    return `${a.status} without __type: ${String(typeof a.body === 'string' ? a.body : JSON.stringify(a.body)).slice(0, 200)}`;
  if (a.status >= 400 && !DOCUMENTED_TYPES.has(a.type!)) return `undocumented __type ${a.type}`;
  if (timed && a.ms > DEADLINE_MS) return `answered after ${Math.round(a.ms)} ms, past the ${DEADLINE_MS} ms deadline`;
  return undefined;
};

/** PollForTask that waited for work and found none: long by design (about 14 s). */
const isEmptyLongPoll = (operation: string, a: RawAnswer) =>
  operation === 'PollForTask' && a.status === 200 && typeof a.body === 'object' && a.body !== null && !('taskObject' in a.body);

// --- the corpus ---------------------------------------------------------------------------------------------

export interface CaseResult {
  readonly name: string;
  readonly covers: string;
  readonly operation: string;
  readonly passed: boolean;
  /** Of the last answer (the first that failed, if one did): status and `__type`; 0 when no answer came. */
  readonly status: number;
  readonly type?: string;
  /** The slowest answer of the case's requests (repeats included), setup excluded. */
  readonly ms: number;
  readonly bytes: number;
  readonly requests: number;
  /** Time the setup took (its requests are not the case's). */
  readonly setupMs: number;
  /** The status another account's ListPipelines got right after the case (200 unless the case took the endpoint down). */
  readonly otherAccountStatus?: number;
  readonly skipped?: string;
  /** Why it failed: setup, answer, mismatch or check; and whether the other account was still served. */
  readonly failure?: string;
}

/** Runs one case: setup, its request(s), the checks, then another account's ListPipelines. */
export const runCase = async (
  client: RawClient,
  other: RawClient,
  c: HostileCase,
  relaxed: boolean,
  options: { timed?: boolean } = {},
): Promise<CaseResult> => {
  const base = { name: c.name, covers: c.covers, operation: c.operation };
  if (c.relaxed && !relaxed)
    return { ...base, passed: true, status: 0, ms: 0, bytes: 0, requests: 0, setupMs: 0, skipped: 'needs an endpoint with relaxed limits' };
  let ctx: unknown = {};
  const setupStarted = performance.now();
  try {
    if (c.setup) ctx = await c.setup(client);
  } catch (err) {
    const why = err instanceof SetupFailed ? err.message : `setup threw: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`;
    return { ...base, passed: false, status: 0, ms: 0, bytes: 0, requests: 0, setupMs: performance.now() - setupStarted, failure: `setup: ${why}` };
  }
  const setupMs = performance.now() - setupStarted;
  let worst = 0;
  let bytes = 0;
  let last: RawAnswer | undefined;
  let failure: string | undefined;
  const repeats = c.repeat ?? 1;
  let sent = 0;
  for (let i = 0; i < repeats && failure === undefined; i++) {
    const answer = await client.call(c.operation, c.body(ctx, i), { timeoutMs: CLIENT_TIMEOUT_MS });
    sent++;
    last = answer;
    worst = Math.max(worst, answer.ms);
    bytes = Math.max(bytes, answer.bytes);
    const problem = answerProblem(answer, options.timed ?? true);
    if (problem) failure = `request ${i + 1}: ${problem}`;
    else if (answer.status !== c.expect.status || (c.expect.type !== undefined && answer.type !== c.expect.type)) {
      failure = `request ${i + 1}: expected ${c.expect.status}${c.expect.type ? ` ${c.expect.type}` : ''}, got ${describeAnswer(answer)}`;
    } else if (c.check) {
      try {
        const why = await c.check(answer, ctx, client);
        if (why !== undefined) failure = `request ${i + 1}: ${why}`;
      } catch (err) {
        failure = `check threw: ${err instanceof Error ? err.message : String(err)}`;
      }
    }
  }
  // Whatever the case did, another account must still be served.
  const bystander = await other.call('ListPipelines', {}, { timeoutMs: CLIENT_TIMEOUT_MS });
  if (bystander.status !== 200) failure = `${failure ? `${failure}; ` : ''}another account's ListPipelines then got ${describeAnswer(bystander)}`;
  return {
    ...base,
    passed: failure === undefined,
    status: last?.status ?? 0,
    ...(last?.type && { type: last.type }),
    ms: worst,
    bytes,
    requests: sent,
    setupMs,
    otherAccountStatus: bystander.status,
    ...(failure && { failure }),
  };
};

// --- the fuzz -----------------------------------------------------------------------------------------------

export interface FuzzFailure {
  readonly index: number;
  readonly operation: string;
  readonly problem: string;
  /** The request's body, cut at 4 KB. */
  readonly body: string;
}

export interface FuzzReport {
  readonly requests: number;
  readonly seed: number;
  readonly byStatus: Record<string, number>;
  readonly byOperation: Record<string, Record<string, number>>;
  readonly fiveXX: number;
  readonly dropped: number;
  readonly overDeadline: number;
  readonly emptyLongPolls: number;
  readonly failures: FuzzFailure[];
  /**
   * Answers holding text with a lone surrogate (a message cut inside a 4-byte character): the model's patterns
   * allow none, and clients decode them as U+FFFD. Counted and shown, not failed: it is wrong text, not lost work.
   */
  readonly illFormed: { readonly count: number; readonly examples: string[] };
  /** The slowest request, long polls left out (they wait for work by design). */
  readonly worst: { readonly ms: number; readonly operation: string; readonly index: number; readonly status: number };
  /** The slowest PollForTask that handed out a task (it may have waited for one to be ready). */
  readonly worstPoll: { readonly ms: number; readonly index: number };
  readonly ms: number;
}

const cut = (s: string, n = 4096) => (s.length > n ? `${s.slice(0, n)}…(${s.length} chars)` : s);

/**
 * Sends `requests` generated requests, `concurrency` at a time; PollForTask goes in a lane of its own (a poll
 * that finds nothing waits about 14 s by design, and must not hold up the rest). Another account is asked to
 * list its pipelines every 200 requests.
 */
export const runFuzz = async (
  client: RawClient,
  other: RawClient,
  options: { requests: number; seed: number; concurrency?: number; world?: World; watch?: RssWatch; timed?: boolean; onProgress?: (done: number) => void },
): Promise<FuzzReport> => {
  const started = performance.now();
  const world = options.world ?? (await prepareWorld(client));
  const concurrency = options.concurrency ?? 4;
  const report = {
    requests: 0,
    seed: options.seed,
    byStatus: {} as Record<string, number>,
    byOperation: {} as Record<string, Record<string, number>>,
    fiveXX: 0,
    dropped: 0,
    overDeadline: 0,
    emptyLongPolls: 0,
    failures: [] as FuzzFailure[],
    illFormed: { count: 0, examples: [] as string[] },
    worst: { ms: 0, operation: '', index: -1, status: 0 },
    worstPoll: { ms: 0, index: -1 },
  };
  const record = (index: number, r: FuzzRequest, text: string, a: RawAnswer) => {
    report.requests++;
    const key = a.timedOut ? 'timeout' : a.dropped !== undefined ? 'dropped' : String(a.status);
    report.byStatus[key] = (report.byStatus[key] ?? 0) + 1;
    const perOp = (report.byOperation[r.operation] ??= {});
    perOp[key] = (perOp[key] ?? 0) + 1;
    if (a.status >= 500) report.fiveXX++;
    if (a.dropped !== undefined) report.dropped++;
    if (a.timedOut || a.ms > DEADLINE_MS) report.overDeadline++;
    if (isEmptyLongPoll(r.operation, a)) report.emptyLongPolls++;
    else if (r.operation === 'PollForTask') {
      if (a.ms > report.worstPoll.ms) report.worstPoll = { ms: a.ms, index };
    } else if (a.ms > report.worst.ms) report.worst = { ms: a.ms, operation: r.operation, index, status: a.status };
    const problem = answerProblem(a, options.timed ?? true);
    if (problem && report.failures.length < 50) report.failures.push({ index, operation: r.operation, problem, body: cut(text) });
    const illFormed = illFormedStrings(a.body);
    if (illFormed.length > 0) {
      report.illFormed.count++;
      if (report.illFormed.examples.length < 5) report.illFormed.examples.push(`#${index} ${r.operation} ${a.status}: ${illFormed[0]}`);
    }
    learnFrom(world, r, a.status, a.body);
    options.onProgress?.(report.requests);
  };
  const send = async (index: number, r: FuzzRequest) => {
    const text = JSON.stringify(r.body);
    if (options.watch) options.watch.current = `fuzz #${index} ${r.operation}`;
    record(index, r, text, await client.call(r.operation, text, { timeoutMs: CLIENT_TIMEOUT_MS }));
    if (report.requests % 200 === 0) {
      const bystander = await other.call('ListPipelines', {}, { timeoutMs: CLIENT_TIMEOUT_MS });
      if (bystander.status !== 200 && report.failures.length < 50)
        report.failures.push({ index, operation: 'ListPipelines (another account)', problem: describeAnswer(bystander), body: '{}' });
    }
  };
  const polls = new Set<Promise<void>>();
  const generator = fuzzRequests(world, options.requests, options.seed);
  let index = 0;
  const worker = async () => {
    for (;;) {
      const next = generator.next();
      if (next.done) return;
      const i = index++;
      if (next.value.operation === 'PollForTask') {
        // At most 32 long polls at once; past that a worker waits for one to end.
        while (polls.size >= 32) await Promise.race(polls);
        const p: Promise<void> = send(i, next.value).finally(() => polls.delete(p));
        polls.add(p);
      } else {
        await send(i, next.value);
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  await Promise.all(polls);
  return { ...report, ms: performance.now() - started };
};

// --- a whole run --------------------------------------------------------------------------------------------

export interface HostileOptions {
  /** An endpoint to test; without it one is spawned (with relaxed limits). */
  readonly endpoint?: string;
  readonly requests: number;
  readonly seed: number;
  readonly concurrency?: number;
  /** Only the cases whose name starts with this. */
  readonly cases?: string;
  readonly skipCorpus?: boolean;
  /** How long to wait, idle, for memory to come back within `settleWithinMiB` of its level before (default 60 s). */
  readonly settleMs?: number;
  /** The wait ends once memory is within this many MiB of its level before (default MAX_RSS_GROWTH_MIB; 0 waits all of settleMs for the lowest reading). */
  readonly settleWithinMiB?: number;
  readonly onCase?: (r: CaseResult) => void;
  readonly onFuzzProgress?: (done: number) => void;
  readonly log?: (line: string) => void;
}

export interface MemoryReport {
  /** After the warm-up, before the corpus. */
  readonly beforeMiB: number;
  readonly peakMiB: number;
  /** The request in flight when the peak was sampled. */
  readonly peakDuring: string;
  /** As the last request was answered. */
  readonly endMiB: number;
  /** The lowest reading while idle after the run (at most settleMs), and how long the idle wait took to get within bounds. */
  readonly afterMiB: number;
  readonly backAfterMs?: number;
  readonly growthMiB: number;
  /** What the tables hold at the end (item JSON): data the run stored, which the engine keeps in memory. */
  readonly storedMiB?: number;
}

export interface HostileReport {
  readonly endpoint: string;
  readonly spawned: boolean;
  readonly relaxed: boolean;
  readonly cases: CaseResult[];
  readonly fuzz?: FuzzReport;
  readonly worstCase?: { readonly name: string; readonly ms: number };
  readonly memory?: MemoryReport;
  /** How the spawned endpoint stopped on SIGTERM sent while requests were in flight. */
  readonly stop?: { readonly code: number | null; readonly signal: string | null; readonly ms: number; readonly inFlight: number };
  readonly endpointErrors: string[];
  readonly failures: string[];
}

const ACCOUNT = 'hostile-fuzz';

/**
 * `npm start` exits within 2 s of SIGTERM whatever is running (issue 16; README: requests in flight get up to
 * 2 s): measured from the signal to the exit as the parent sees it, so with a margin for the process's teardown.
 */
export const STOP_WITHIN_MS = 3000;

/**
 * SIGTERM while long polls and costly evaluations are in flight: the endpoint must still exit 0, soon. What
 * those requests get (an answer, or their connection closed at the exit) is not judged.
 */
export const stopWhileBusy = async (spawned: SpawnedEndpoint, client: RawClient) => {
  const created = await client.call('CreatePipeline', { name: 'stop', uniqueId: `stop-${Date.now()}` });
  const pipelineId = (created.body as { pipelineId?: string }).pipelineId;
  await client.call('PutPipelineDefinition', {
    pipelineId,
    pipelineObjects: [{ id: 'Default', name: 'Default', fields: [{ key: 'scheduleType', stringValue: 'ondemand' }] }],
  });
  const inFlight = [
    ...Array.from({ length: 3 }, () => client.call('PollForTask', { workerGroup: `nobody-${Date.now()}` })),
    ...Array.from({ length: 3 }, () => client.call('EvaluateExpression', { pipelineId, objectId: 'Default', expression: '#{1}'.repeat(1_048_576) })),
  ];
  await settle(300);
  const stopped = await spawned.stop(10_000);
  await Promise.all(inFlight);
  return { ...stopped, inFlight: inFlight.length };
};

/** Whether the endpoint runs with relaxed limits: does ValidatePipelineDefinition accept a retryDelay in seconds? */
const hasRelaxedLimits = async (client: RawClient): Promise<boolean> => {
  const created = await client.call('CreatePipeline', { name: 'probe', uniqueId: 'relaxed-probe' });
  const pipelineId = (created.body as { pipelineId?: string }).pipelineId;
  const v = await client.call('ValidatePipelineDefinition', {
    pipelineId,
    pipelineObjects: [
      {
        id: 'Default',
        name: 'Default',
        fields: [
          { key: 'scheduleType', stringValue: 'ondemand' },
          { key: 'retryDelay', stringValue: '1 seconds' },
        ],
      },
    ],
  });
  return (v.body as { errored?: boolean }).errored === false;
};

/**
 * Brings the endpoint to its working size before memory is first read: one request of each kind (the code
 * loaded and compiled), and a few large bodies, because the first 5 MB body grows the process's buffers and
 * heap for good (allocators keep what they grew to), which is not memory a request failed to give back. The
 * reading before the corpus is then the level large requests return to, and growth past it is the corpus's.
 */
export const warmUp = async (client: RawClient) => {
  for (let i = 0; i < 3; i++) {
    const p = await client.call('CreatePipeline', { name: 'warm', uniqueId: `warm-${i}` });
    const pipelineId = (p.body as { pipelineId?: string }).pipelineId;
    await client.call('PutPipelineDefinition', {
      pipelineId,
      pipelineObjects: [
        {
          id: 'Default',
          name: 'Default',
          fields: [
            { key: 'scheduleType', stringValue: 'ondemand' },
            { key: 'x', stringValue: "#{format(inTimeZone('2020-01-01T00:00:00','UTC'),'YYYY')}" },
          ],
        },
      ],
    });
    await client.call('ValidatePipelineDefinition', {
      pipelineId,
      pipelineObjects: [{ id: 'Default', name: 'Default', fields: [{ key: 'a', refValue: 'b' }] }],
    });
    await client.call('EvaluateExpression', { pipelineId, objectId: 'Default', expression: '#{x} #{1+2}' });
    await client.call('DescribeObjects', { pipelineId, objectIds: ['Default'], evaluateExpressions: true });
    await client.call('DescribePipelines', { pipelineIds: [pipelineId] });
    await client.call('ListPipelines', {});
    await client.call('ActivatePipeline', { pipelineId });
    await client.call('QueryObjects', { pipelineId, sphere: 'COMPONENT' });
    // Large bodies, refused or answered small: nothing of them is stored.
    const large = Array.from({ length: 100 }, (_, k) => ({
      id: `O${k}`,
      name: 'o',
      fields: Array.from({ length: 5 }, (_, f) => ({ key: `k${f}`, stringValue: 'w'.repeat(10_000) })),
    }));
    await client.call('ValidatePipelineDefinition', { pipelineId, pipelineObjects: large });
    await client.call('EvaluateExpression', { pipelineId, objectId: 'Default', expression: 'w'.repeat(4 * 1024 * 1024) });
    await client.call('ReportTaskProgress', { taskId: 'warm', fields: large[0].fields.concat(...large.slice(1, 80).map((o) => o.fields)) });
    await client.call('DeletePipeline', { pipelineId });
  }
};

const settle = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * The lowest RSS over a short quiet spell, once the endpoint has had its collection after the warm-up
 * (local/idle-collector.ts): the level before a run, measured as the level after it is.
 */
export const quietRss = async (pid: number, ms = 1500): Promise<number> => {
  await settle(QUIET_MS + 1000);
  let low = Infinity;
  for (let t = 0; t < ms; t += 250) {
    low = Math.min(low, rssMiB(pid) ?? Infinity);
    await settle(250);
  }
  return low;
};

/**
 * Waits, while the endpoint is idle, for its RSS to come down to `target` MiB, for at most `maxMs`: V8 gives
 * memory back to the system some seconds after the work that took it (in these runs, 15 to 30 s of quiet),
 * so a reading taken at once would count garbage not yet collected as growth. Resolves with the lowest
 * reading and how long it took to reach the target (undefined when it did not).
 */
export const rssComesBackTo = async (pid: number, target: number, maxMs: number): Promise<{ lowestMiB: number; afterMs?: number }> => {
  const started = Date.now();
  let low = Infinity;
  for (;;) {
    low = Math.min(low, rssMiB(pid) ?? Infinity);
    if (low <= target) return { lowestMiB: low, afterMs: Date.now() - started };
    if (Date.now() - started >= maxMs) return { lowestMiB: low };
    await settle(500);
  }
};

/** The corpus, then the fuzz, against the endpoint given or one spawned; memory read when it is ours. */
export const runHostile = async (options: HostileOptions): Promise<HostileReport> => {
  const log = options.log ?? (() => undefined);
  const spawned = options.endpoint === undefined ? await spawnEndpoint({ relaxed: true }) : undefined;
  const endpoint = options.endpoint ?? spawned!.url;
  const client = new RawClient({ endpoint, accessKey: ACCOUNT, timeoutMs: CLIENT_TIMEOUT_MS });
  const other = client.as(OTHER_ACCOUNT);
  const failures: string[] = [];
  let watch: RssWatch | undefined;
  try {
    const relaxed = await hasRelaxedLimits(client);
    log(
      `endpoint ${endpoint}${spawned ? ` (spawned, pid ${spawned.pid})` : ''}, ${relaxed ? 'relaxed limits' : 'the limits of dp-limits.md (relaxed cases skipped)'}`,
    );
    await warmUp(client);
    let beforeMiB: number | undefined;
    if (spawned) {
      beforeMiB = await quietRss(spawned.pid);
      watch = new RssWatch(spawned.pid);
      log(`memory after the warm-up: ${beforeMiB.toFixed(1)} MiB`);
    }
    const cases: CaseResult[] = [];
    if (!options.skipCorpus) {
      for (const c of HOSTILE_CORPUS.filter((x) => x.name.startsWith(options.cases ?? ''))) {
        if (watch) watch.current = `case ${c.name}`;
        const r = await runCase(client, other, c, relaxed);
        watch?.sample();
        cases.push(r);
        if (!r.passed) failures.push(`case ${r.name}: ${r.failure}`);
        options.onCase?.(r);
      }
    }
    let fuzz: FuzzReport | undefined;
    if (options.requests > 0) {
      fuzz = await runFuzz(client, other, {
        requests: options.requests,
        seed: options.seed,
        concurrency: options.concurrency,
        watch,
        onProgress: options.onFuzzProgress,
      });
      for (const f of fuzz.failures) failures.push(`fuzz #${f.index} ${f.operation}: ${f.problem}\n      body: ${cut(f.body, 600)}`);
    }
    let memory: MemoryReport | undefined;
    if (spawned && watch && beforeMiB !== undefined) {
      watch.current = 'after the run';
      watch.sample();
      const endMiB = rssMiB(spawned.pid) ?? NaN;
      watch.stop();
      log(`memory at the end of the run: ${endMiB.toFixed(1)} MiB; waiting up to ${Math.round((options.settleMs ?? 60_000) / 1000)} s for it to come back`);
      const back = await rssComesBackTo(spawned.pid, beforeMiB + (options.settleWithinMiB ?? MAX_RSS_GROWTH_MIB), options.settleMs ?? 60_000);
      const afterMiB = back.lowestMiB;
      memory = {
        beforeMiB,
        peakMiB: Math.max(watch.peak, endMiB),
        peakDuring: watch.peakDuring,
        endMiB,
        afterMiB,
        ...(back.afterMs !== undefined && { backAfterMs: back.afterMs }),
        growthMiB: afterMiB - beforeMiB,
      };
      try {
        memory = { ...memory, storedMiB: await storedMiB(spawned.dynamodbUrl) };
      } catch (err) {
        log(`could not read the tables: ${(err as Error).message}`);
      }
      if (memory.growthMiB > MAX_RSS_GROWTH_MIB)
        failures.push(
          `memory grew ${memory.growthMiB.toFixed(1)} MiB over the run (${beforeMiB.toFixed(1)} -> ${afterMiB.toFixed(1)} MiB, the lowest in ${Math.round((options.settleMs ?? 60_000) / 1000)} s of quiet), more than ${MAX_RSS_GROWTH_MB} MB (${MAX_RSS_GROWTH_MIB.toFixed(1)} MiB)`,
        );
    }
    const timed = cases.filter((c) => c.requests > 0).sort((a, b) => b.ms - a.ms)[0];
    const endpointErrors = spawned?.errors() ?? [];
    let stop: HostileReport['stop'];
    if (spawned) {
      stop = await stopWhileBusy(spawned, client);
      if (stop.code !== 0 || stop.ms > STOP_WITHIN_MS)
        failures.push(`SIGTERM with requests in flight: exit ${stop.code ?? stop.signal} after ${stop.ms} ms (expected 0 within ${STOP_WITHIN_MS} ms)`);
    }
    return {
      endpoint,
      spawned: spawned !== undefined,
      relaxed,
      cases,
      fuzz,
      ...(timed && { worstCase: { name: timed.name, ms: timed.ms } }),
      memory,
      stop,
      endpointErrors,
      failures,
    };
  } finally {
    watch?.stop();
    client.destroy();
    if (spawned && spawned.child.exitCode === null && spawned.child.signalCode === null) await spawned.stop();
  }
};

// --- the command line ---------------------------------------------------------------------------------------

const FLAGS = {
  endpoint: { type: 'string', help: 'URL of a running endpoint to test', default: 'none: one is spawned' },
  spawn: { type: 'boolean', help: 'start `npm start --relaxed-limits` on free ports and measure its memory', default: 'on when there is no --endpoint' },
  requests: { type: 'string', help: 'generated requests after the corpus (0: the corpus only)', default: '2000' },
  seed: { type: 'string', help: 'seed of the generated requests', default: '1' },
  concurrency: { type: 'string', help: 'generated requests in flight (long polls go in a lane of their own)', default: '4' },
  cases: { type: 'string', help: 'run only the corpus cases whose name starts with this', default: 'all cases' },
  settle: { type: 'string', help: "seconds to wait, idle, for a spawned endpoint's memory to come back", default: '60' },
  'no-corpus': { type: 'boolean', help: 'skip the corpus', default: 'off' },
  json: { type: 'boolean', help: 'print the report as JSON (one object) instead of text', default: 'off' },
  help: { type: 'boolean', help: 'print this text and exit' },
} as const;

export const usage = (): string =>
  usageText(
    'npm run fuzz -- [--endpoint URL | --spawn] [--requests N] [--seed S] [--concurrency C] [--cases PREFIX] [--no-corpus] [--settle SECONDS] [--json]',
    FLAGS,
  );

export const parseCommandLine = (argv: string[]) => {
  const values = parseFlags(argv, FLAGS);
  if (values.endpoint !== undefined && values.spawn) throw new UsageError('--endpoint and --spawn exclude each other: give one');
  if (values.endpoint !== undefined) {
    let url: URL;
    try {
      url = new URL(String(values.endpoint));
    } catch {
      throw new UsageError(`--endpoint takes a URL, not ${JSON.stringify(values.endpoint)}`);
    }
    if (url.protocol !== 'http:') throw new UsageError(`--endpoint takes an http:// URL, not ${JSON.stringify(values.endpoint)}`);
  }
  return {
    json: values.json === true,
    endpoint: values.endpoint as string | undefined,
    requests: wholeNumber('requests', values.requests as string | undefined, 2000),
    seed: wholeNumber('seed', values.seed as string | undefined, 1, 2 ** 31 - 1, -(2 ** 31)),
    concurrency: wholeNumber('concurrency', values.concurrency as string | undefined, 4, 64, 1),
    cases: values.cases as string | undefined,
    skipCorpus: values['no-corpus'] === true,
    settleMs: wholeNumber('settle', values.settle as string | undefined, 60, 3600) * 1000,
  };
};

const mib = (x: number) => `${x.toFixed(1)} MiB`;

export const summaryText = (r: HostileReport): string => {
  const lines: string[] = [];
  const ran = r.cases.filter((c) => !c.skipped);
  lines.push(`corpus: ${ran.filter((c) => c.passed).length} passed, ${ran.filter((c) => !c.passed).length} failed, ${r.cases.length - ran.length} skipped`);
  if (r.worstCase) lines.push(`slowest hostile case: ${Math.round(r.worstCase.ms)} ms (${r.worstCase.name})`);
  if (r.fuzz) {
    const f = r.fuzz;
    const statuses = Object.entries(f.byStatus)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([s, n]) => `${s}: ${n}`)
      .join(', ');
    lines.push(`fuzz: ${f.requests} requests (seed ${f.seed}) in ${(f.ms / 1000).toFixed(1)} s; by status ${statuses}`);
    lines.push(`fuzz: 5xx ${f.fiveXX}, dropped connections ${f.dropped}, over the ${DEADLINE_MS / 1000} s deadline ${f.overDeadline}`);
    lines.push(
      `fuzz: slowest request ${Math.round(f.worst.ms)} ms (#${f.worst.index} ${f.worst.operation}, ${f.worst.status}), PollForTask left out: ${f.emptyLongPolls} long polls waited for nothing (about 14 s each, by design), the slowest that handed out a task took ${Math.round(f.worstPoll.ms)} ms`,
    );
    if (f.illFormed.count > 0)
      lines.push(`fuzz: ${f.illFormed.count} answers hold text with a lone surrogate (not counted as failures), e.g.\n  ${f.illFormed.examples.join('\n  ')}`);
  }
  if (r.memory) {
    const m = r.memory;
    lines.push(
      `memory (VmRSS): before ${mib(m.beforeMiB)}, peak ${mib(m.peakMiB)} (during ${m.peakDuring || 'the warm-up'}), at the end ${mib(m.endMiB)}, after ${mib(m.afterMiB)}${
        m.backAfterMs !== undefined ? ` (after ${(m.backAfterMs / 1000).toFixed(1)} s idle)` : ' (the lowest while idle)'
      }: growth ${m.growthMiB >= 0 ? '+' : ''}${mib(m.growthMiB)}${m.storedMiB !== undefined ? `; the tables then hold ${mib(m.storedMiB)} of items (kept in the engine's memory)` : ''}`,
    );
  } else if (!r.spawned) {
    lines.push('memory: not read (the endpoint is not a process this run started)');
  }
  if (r.stop)
    lines.push(
      `SIGTERM with ${r.stop.inFlight} requests in flight (long polls, costly evaluations): exit ${r.stop.code ?? r.stop.signal} after ${r.stop.ms} ms`,
    );
  if (r.endpointErrors.length > 0)
    lines.push(
      `the endpoint logged ${r.endpointErrors.length} error lines; the last:\n  ${r.endpointErrors
        .slice(-3)
        .map((l) => l.slice(0, 1500))
        .join('\n  ')}`,
    );
  lines.push(r.failures.length === 0 ? 'no failures' : `${r.failures.length} failures:\n${r.failures.map((f) => `  - ${f}`).join('\n')}`);
  return lines.join('\n');
};

const main = async () => {
  const options = parseCommandLine(process.argv.slice(2));
  const say = (line: string) => (options.json ? process.stderr : process.stdout).write(`${line}\n`);
  let lastTick = 0;
  const report = await runHostile({
    ...options,
    log: say,
    onCase: (c) =>
      say(
        `${c.skipped ? 'SKIP' : c.passed ? 'PASS' : 'FAIL'}  ${c.name}: ${
          c.skipped ??
          `${c.status}${c.type ? ` ${c.type}` : ''} in ${Math.round(c.ms)} ms${c.requests > 1 ? ` (slowest of ${c.requests})` : ''}, ${c.bytes} bytes; setup ${Math.round(c.setupMs)} ms`
        }${c.failure ? `\n      ${c.failure}` : ''}`,
      ),
    onFuzzProgress: (done) => {
      if (done - lastTick >= 250 || done === options.requests) {
        lastTick = done;
        say(`fuzz: ${done}/${options.requests}`);
      }
    },
  });
  if (options.json) console.log(JSON.stringify(report, null, 2));
  else console.log(`\n${summaryText(report)}`);
  process.exitCode = report.failures.length > 0 ? 1 : 0;
};

if (require.main === module) runTool('fuzz', usage(), main);
