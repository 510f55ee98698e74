/**
 * `npm run loadtest -- --mode runners`: a fleet of simulated task runners against an endpoint, through the API
 * alone. It sets up its own work (on-demand pipelines of ShellCommandActivity in a worker group of its own,
 * optionally with dependencies and a share of failures that exercises retries), activates it, then runs R
 * runners doing what AWS's Task Runner does: PollForTask, ReportTaskProgress at once (the acknowledgement),
 * SetTaskStatus, and a heartbeat every so often. It measures every call and whole tasks, and at the end reads
 * back through the API that every instance ended as the rules say and no attempt was handed out twice.
 */
import { randomBytes } from 'node:crypto';
import { setMaxListeners } from 'node:events';
import {
  ActivatePipelineCommand,
  CreatePipelineCommand,
  DataPipelineClient,
  DeletePipelineCommand,
  DescribeObjectsCommand,
  PollForTaskCommand,
  PutPipelineDefinitionCommand,
  QueryObjectsCommand,
  ReportTaskProgressCommand,
  ReportTaskRunnerHeartbeatCommand,
  SetTaskStatusCommand,
} from '@aws-sdk/client-data-pipeline';
import { build, Histogram } from 'hdr-histogram-js';
import { hasRelaxedLimits } from '../relaxed-limits';
import { outcomeOf } from './driver';

export interface RunnersOptions {
  readonly pipelines: number;
  readonly activities: number;
  readonly runners: number;
  /** Each activity from the sixth on depends on the one five before it (five chains per pipeline). */
  readonly dependencies: boolean;
  /** The share of attempts reported FAILED (each activity may retry up to 2 times). */
  readonly failShare: number;
  /** Hard time bound. */
  readonly durationSec: number;
  /** A runner's heartbeat period. */
  readonly heartbeatSec: number;
  readonly onProgress?: (p: { elapsedSec: number; tasks: number; requests: number; errors: number }) => void;
}

const CALLS = ['PollForTask', 'ReportTaskProgress', 'SetTaskStatus', 'ReportTaskRunnerHeartbeat'] as const;
type CallName = (typeof CALLS)[number];

interface Percentiles {
  readonly p50: number;
  readonly p90: number;
  readonly p99: number;
  readonly p999: number;
  readonly max: number;
}

export interface RunnersResult {
  readonly mode: 'runners';
  readonly setup: { pipelines: number; activities: number; runners: number; dependencies: boolean; failShare: number; relaxedLimits: boolean };
  readonly durationSec: number;
  readonly stoppedBy: 'done' | 'duration';
  readonly tasksCompleted: number;
  readonly tasksPerSec: number;
  readonly requests: number;
  readonly calls: Record<CallName, { count: number; outcomes: Record<string, number>; latencyMs: Percentiles }>;
  /** A task from the poll that handed it out to the answer of its SetTaskStatus. */
  readonly taskLatencyMs: Percentiles;
  /** Per second of the run: calls answered and their p50 / p99 latency (ms), per call. */
  readonly timeline: { second: number; calls: Record<string, { count: number; p50: number; p99: number }> }[];
  /** The latency distribution of each call: [percentile, ms] pairs. */
  readonly distribution: Record<string, [number, number][]>;
  readonly check: { instances: number; byStatus: Record<string, number>; expected: string; handedTwice: number; ok: boolean; problems: string[] };
}

const histogram = () => build({ lowestDiscernibleValue: 1, highestTrackableValue: 600_000_000, numberOfSignificantValueDigits: 3 });
const percentiles = (h: Histogram): Percentiles => ({
  p50: h.getValueAtPercentile(50) / 1000,
  p90: h.getValueAtPercentile(90) / 1000,
  p99: h.getValueAtPercentile(99) / 1000,
  p999: h.getValueAtPercentile(99.9) / 1000,
  max: h.maxValue / 1000,
});
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The load test's own work: on-demand pipelines in a worker group of its own, defined and activated. */
const setUpWork = async (sdk: DataPipelineClient, options: RunnersOptions) => {
  const workerGroup = `loadtest-${randomBytes(6).toString('hex')}`;
  const pipelineIds: string[] = [];
  for (let p = 0; p < options.pipelines; p++) {
    pipelineIds.push((await sdk.send(new CreatePipelineCommand({ name: `loadtest-${p}`, uniqueId: `${workerGroup}-${p}` }))).pipelineId!);
  }
  const relaxedLimits = await hasRelaxedLimits(sdk, pipelineIds[0]); // retries seconds apart, or 2 minutes
  const defaults = [
    { key: 'scheduleType', stringValue: 'ondemand' },
    { key: 'workerGroup', stringValue: workerGroup },
    { key: 'maximumRetries', stringValue: '2' },
    { key: 'retryDelay', stringValue: relaxedLimits ? '1 seconds' : '2 minutes' },
  ];
  const activities = Array.from({ length: options.activities }, (_, i) => ({
    id: `A${i}`,
    name: `A${i}`,
    fields: [
      { key: 'type', stringValue: 'ShellCommandActivity' },
      { key: 'command', stringValue: `echo ${i}` },
      ...(options.dependencies && i >= 5 ? [{ key: 'dependsOn', refValue: `A${i - 5}` }] : []),
    ],
  }));
  for (const pipelineId of pipelineIds) {
    const put = await sdk.send(
      new PutPipelineDefinitionCommand({ pipelineId, pipelineObjects: [{ id: 'Default', name: 'Default', fields: defaults }, ...activities] }),
    );
    if (put.errored) throw new Error(`the load test's definition was refused: ${JSON.stringify(put.validationErrors)}`);
  }
  for (const pipelineId of pipelineIds) await sdk.send(new ActivatePipelineCommand({ pipelineId }));
  return { workerGroup, pipelineIds, relaxedLimits };
};

/** Every call of the run, timed and counted: per call, and per call in each second of the run. */
class CallLog {
  readonly calls = Object.fromEntries(CALLS.map((c) => [c, { h: histogram(), outcomes: {} }])) as Record<
    CallName,
    { h: Histogram; outcomes: Record<string, number> }
  >;
  readonly perSecond = new Map<number, Map<string, Histogram>>();
  requests = 0;
  errors = 0;
  private readonly started = process.hrtime.bigint();
  /** Aborts the calls still waiting (long polls) when the run ends; failures after that are not measurements. */
  readonly ending = new AbortController();

  constructor() {
    setMaxListeners(0, this.ending.signal); // every call in flight listens to it
  }

  elapsedMs(): number {
    return Number(process.hrtime.bigint() - this.started) / 1e6;
  }

  /** One call, timed and counted; its answer, or undefined when it failed. */
  async timed<T>(name: CallName, send: (abortSignal: AbortSignal) => Promise<T>): Promise<T | undefined> {
    const t0 = process.hrtime.bigint();
    let outcome = 'ok';
    let answer: T | undefined;
    try {
      answer = await send(this.ending.signal);
    } catch (err) {
      if (this.ending.signal.aborted) return undefined; // cut short by the end of the run: not a measurement
      outcome = outcomeOf(err);
      this.errors++;
    }
    const us = Math.max(1, Number(process.hrtime.bigint() - t0) / 1000);
    this.requests++;
    this.calls[name].h.recordValue(us);
    this.calls[name].outcomes[outcome] = (this.calls[name].outcomes[outcome] ?? 0) + 1;
    const second = Math.floor(this.elapsedMs() / 1000);
    const bucket = this.perSecond.get(second) ?? new Map<string, Histogram>();
    this.perSecond.set(second, bucket);
    const h = bucket.get(name) ?? histogram();
    bucket.set(name, h);
    h.recordValue(us);
    return answer;
  }
}

/** What the fleet did: tasks completed (and when the last one was), whole-task latency, how often each attempt was handed out. */
interface FleetTally {
  readonly total: number;
  readonly taskHistogram: Histogram;
  readonly handed: Map<string, number>;
  tasksCompleted: number;
  failuresLeft: number;
  /** When the last task's SetTaskStatus answered: the rate counts the work, not the check that follows it. */
  lastTaskAtMs?: number;
}

/** Runner `r`: what AWS's Task Runner does, until the run ends: heartbeat now and then, poll, acknowledge, finish or fail. */
const runner = async (sdk: DataPipelineClient, options: RunnersOptions, workerGroup: string, log: CallLog, tally: FleetTally, r: number) => {
  const taskrunnerId = `${workerGroup}-runner-${r}`;
  let lastHeartbeat = -Infinity;
  while (!log.ending.signal.aborted) {
    if (log.elapsedMs() - lastHeartbeat >= options.heartbeatSec * 1000) {
      lastHeartbeat = log.elapsedMs();
      await log.timed('ReportTaskRunnerHeartbeat', (abortSignal) =>
        sdk.send(new ReportTaskRunnerHeartbeatCommand({ taskrunnerId, workerGroup, hostname: `host-${r}` }), { abortSignal }),
      );
    }
    const polled = await log.timed('PollForTask', (abortSignal) => sdk.send(new PollForTaskCommand({ workerGroup, hostname: `host-${r}` }), { abortSignal }));
    const task = polled?.taskObject;
    if (!task?.taskId) continue;
    const t0 = process.hrtime.bigint();
    const key = `${task.pipelineId}/${task.attemptId}`; // attempt ids are unique within a pipeline
    tally.handed.set(key, (tally.handed.get(key) ?? 0) + 1);
    const progress = await log.timed('ReportTaskProgress', (abortSignal) => sdk.send(new ReportTaskProgressCommand({ taskId: task.taskId }), { abortSignal }));
    if (progress?.canceled) continue;
    const fail = tally.failuresLeft > 0 && Math.random() < options.failShare * 1.5;
    if (fail) tally.failuresLeft--;
    const set = await log.timed('SetTaskStatus', (abortSignal) =>
      sdk.send(
        new SetTaskStatusCommand(
          fail
            ? { taskId: task.taskId, taskStatus: 'FAILED', errorId: 'LoadTestFailure', errorMessage: 'a failure the load test asked for' }
            : { taskId: task.taskId, taskStatus: 'FINISHED' },
        ),
        { abortSignal },
      ),
    );
    if (set) {
      tally.tasksCompleted++;
      if (tally.tasksCompleted === tally.total) tally.lastTaskAtMs = log.elapsedMs();
      tally.taskHistogram.recordValue(Math.max(1, Number(process.hrtime.bigint() - t0) / 1000));
    }
  }
};

/** Every instance's status once all are final (read through the API), or undefined while some are not. */
const allFinal = async (sdk: DataPipelineClient, pipelineIds: readonly string[], total: number): Promise<Map<string, string> | undefined> => {
  const out = new Map<string, string>();
  for (const pipelineId of pipelineIds) {
    const ids = (await sdk.send(new QueryObjectsCommand({ pipelineId, sphere: 'INSTANCE', limit: 1000 }))).ids ?? [];
    for (let i = 0; i < ids.length; i += 100) {
      const described = await sdk.send(new DescribeObjectsCommand({ pipelineId, objectIds: ids.slice(i, i + 100) }));
      for (const o of described.pipelineObjects ?? []) out.set(`${pipelineId}/${o.id}`, o.fields?.find((f) => f.key === '@status')?.stringValue ?? '');
    }
  }
  return out.size === total && [...out.values()].every((s) => ['FINISHED', 'FAILED', 'CASCADE_FAILED'].includes(s)) ? out : undefined;
};

/** Watches the fleet once a second until every instance is final or the duration passes, then ends the run. */
const watchUntilDone = async (sdk: DataPipelineClient, options: RunnersOptions, pipelineIds: readonly string[], log: CallLog, tally: FleetTally) => {
  let final: Map<string, string> | undefined;
  while (log.elapsedMs() < options.durationSec * 1000) {
    options.onProgress?.({ elapsedSec: log.elapsedMs() / 1000, tasks: tally.tasksCompleted, requests: log.requests, errors: log.errors });
    if (tally.tasksCompleted >= tally.total) {
      final = await allFinal(sdk, pipelineIds, tally.total);
      if (final) break;
    }
    await sleep(1000);
  }
  log.ending.abort();
  return final;
};

/** The check (every instance ended as the rules say, no attempt handed out twice) and the report. */
const report = (
  options: RunnersOptions,
  relaxedLimits: boolean,
  log: CallLog,
  tally: FleetTally,
  finalStatuses: Map<string, string>,
  stoppedBy: 'done' | 'duration',
  durationSec: number,
): RunnersResult => {
  const { total } = tally;
  const byStatus: Record<string, number> = {};
  for (const s of finalStatuses.values()) byStatus[s] = (byStatus[s] ?? 0) + 1;
  const handedTwice = [...tally.handed.values()].filter((n) => n > 1).length;
  const problems: string[] = [];
  if (stoppedBy !== 'done') problems.push(`not every instance ended within ${options.durationSec} s`);
  if (handedTwice > 0) problems.push(`${handedTwice} attempts were handed out more than once`);
  if (options.failShare === 0 && (byStatus.FINISHED ?? 0) !== total) problems.push(`${total - (byStatus.FINISHED ?? 0)} instances did not end FINISHED`);
  const { calls, perSecond } = log;
  const seconds = [...perSecond.keys()].sort((a, b) => a - b);
  return {
    mode: 'runners',
    setup: {
      pipelines: options.pipelines,
      activities: options.activities,
      runners: options.runners,
      dependencies: options.dependencies,
      failShare: options.failShare,
      relaxedLimits,
    },
    durationSec,
    stoppedBy,
    tasksCompleted: tally.tasksCompleted,
    tasksPerSec: tally.tasksCompleted / durationSec,
    requests: log.requests,
    calls: Object.fromEntries(
      CALLS.map((c) => [c, { count: calls[c].h.totalCount, outcomes: calls[c].outcomes, latencyMs: percentiles(calls[c].h) }]),
    ) as RunnersResult['calls'],
    taskLatencyMs: percentiles(tally.taskHistogram),
    timeline: seconds.map((second) => ({
      second,
      calls: Object.fromEntries(
        [...perSecond.get(second)!].map(([name, h]) => [
          name,
          { count: h.totalCount, p50: h.getValueAtPercentile(50) / 1000, p99: h.getValueAtPercentile(99) / 1000 },
        ]),
      ),
    })),
    distribution: Object.fromEntries(
      CALLS.filter((c) => calls[c].h.totalCount > 0).map((c) => [
        c,
        [0, 10, 25, 50, 75, 90, 95, 99, 99.9, 100].map((p): [number, number] => [p, calls[c].h.getValueAtPercentile(p) / 1000]),
      ]),
    ),
    check: {
      instances: finalStatuses.size,
      byStatus,
      expected:
        options.failShare === 0 ? `all ${total} FINISHED` : `all ${total} final (FINISHED, or FAILED and CASCADE_FAILED where the failures ran out of retries)`,
      handedTwice,
      ok: problems.length === 0,
      problems,
    },
  };
};

export const runRunners = async (sdk: DataPipelineClient, options: RunnersOptions): Promise<{ result: RunnersResult; cleanup: () => Promise<number> }> => {
  const { workerGroup, pipelineIds, relaxedLimits } = await setUpWork(sdk, options);
  const total = options.pipelines * options.activities;
  const log = new CallLog();
  const tally: FleetTally = { total, taskHistogram: histogram(), handed: new Map(), tasksCompleted: 0, failuresLeft: Math.round(total * options.failShare) };
  const fleet = Array.from({ length: options.runners }, (_, r) => runner(sdk, options, workerGroup, log, tally, r));
  const final = await watchUntilDone(sdk, options, pipelineIds, log, tally);
  await Promise.all(fleet);
  const stoppedBy = final ? 'done' : 'duration';
  const durationSec = (final && tally.lastTaskAtMs !== undefined ? tally.lastTaskAtMs : log.elapsedMs()) / 1000;
  const finalStatuses = final ?? (await allFinal(sdk, pipelineIds, total)) ?? new Map<string, string>();
  const cleanup = async () => {
    for (const pipelineId of pipelineIds) await sdk.send(new DeletePipelineCommand({ pipelineId }));
    return pipelineIds.length;
  };
  return { result: report(options, relaxedLimits, log, tally, finalStatuses, stoppedBy, durationSec), cleanup };
};

const row = (name: string, p: Percentiles) =>
  `${name.padEnd(26)} p50 ${p.p50.toFixed(2).padStart(9)}  p90 ${p.p90.toFixed(2).padStart(9)}  p99 ${p.p99.toFixed(2).padStart(9)}  max ${p.max.toFixed(2).padStart(9)} ms`;

export const formatRunners = (r: RunnersResult): string =>
  [
    `runners          ${r.setup.runners} on ${r.setup.pipelines} pipelines x ${r.setup.activities} activities${r.setup.dependencies ? ' (with dependencies)' : ''}, fail share ${r.setup.failShare}${r.setup.relaxedLimits ? ', relaxed limits' : ''}`,
    `duration         ${r.durationSec.toFixed(2)} s (stopped: ${r.stoppedBy})`,
    `tasks completed  ${r.tasksCompleted} (${r.tasksPerSec.toFixed(1)} /s)`,
    `requests         ${r.requests}`,
    ...CALLS.map(
      (c) =>
        `${row(`${c} (${r.calls[c].count})`, r.calls[c].latencyMs)}  ${Object.entries(r.calls[c].outcomes)
          .map(([k, v]) => `${k} ${v}`)
          .join(', ')}`,
    ),
    row('task (poll to finished)', r.taskLatencyMs),
    `check            ${r.check.ok ? 'ok' : 'FAILED'}: ${
      Object.entries(r.check.byStatus)
        .map(([k, v]) => `${v} ${k}`)
        .join(', ') || 'no instance read'
    }; expected ${r.check.expected}; ${r.check.handedTwice} handed out twice${r.check.problems.length ? `; ${r.check.problems.join('; ')}` : ''}`,
  ].join('\n');
