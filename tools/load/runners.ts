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

export const runRunners = async (sdk: DataPipelineClient, options: RunnersOptions): Promise<{ result: RunnersResult; cleanup: () => Promise<number> }> => {
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
    const put = await sdk.send(new PutPipelineDefinitionCommand({ pipelineId, pipelineObjects: [{ id: 'Default', name: 'Default', fields: defaults }, ...activities] }));
    if (put.errored) throw new Error(`the load test's definition was refused: ${JSON.stringify(put.validationErrors)}`);
  }
  for (const pipelineId of pipelineIds) await sdk.send(new ActivatePipelineCommand({ pipelineId }));

  const total = options.pipelines * options.activities;
  const calls = Object.fromEntries(CALLS.map((c) => [c, { h: histogram(), outcomes: {} }])) as Record<CallName, { h: Histogram; outcomes: Record<string, number> }>;
  const taskHistogram = histogram();
  const perSecond: Map<number, Map<string, Histogram>> = new Map();
  const started = process.hrtime.bigint();
  const elapsedMs = () => Number(process.hrtime.bigint() - started) / 1e6;
  let requests = 0;
  let errors = 0;
  let stop = false;
  /** When the last task's SetTaskStatus answered: the rate counts the work, not the check that follows it. */
  let lastTaskAtMs: number | undefined;
  /** Aborts the long polls still waiting when the run ends. */
  const ending = new AbortController();
  setMaxListeners(0, ending.signal); // every call in flight listens to it
  /** One call, timed and counted; its answer, or undefined when it failed. */
  const timed = async <T>(name: CallName, send: (abortSignal: AbortSignal) => Promise<T>): Promise<T | undefined> => {
    const t0 = process.hrtime.bigint();
    let outcome = 'ok';
    let answer: T | undefined;
    try {
      answer = await send(ending.signal);
    } catch (err) {
      if (stop) return undefined; // cut short by the end of the run: not a measurement
      outcome = outcomeOf(err);
      errors++;
    }
    const us = Math.max(1, Number(process.hrtime.bigint() - t0) / 1000);
    requests++;
    calls[name].h.recordValue(us);
    calls[name].outcomes[outcome] = (calls[name].outcomes[outcome] ?? 0) + 1;
    const second = Math.floor(elapsedMs() / 1000);
    const bucket = perSecond.get(second) ?? new Map<string, Histogram>();
    perSecond.set(second, bucket);
    const h = bucket.get(name) ?? histogram();
    bucket.set(name, h);
    h.recordValue(us);
    return answer;
  };

  const finalStatuses = new Map<string, string>();
  const handed = new Map<string, number>();
  let tasksCompleted = 0;
  let failuresLeft = Math.round(total * options.failShare);
  const runner = async (r: number) => {
    const taskrunnerId = `${workerGroup}-runner-${r}`;
    let lastHeartbeat = -Infinity;
    while (!stop) {
      if (elapsedMs() - lastHeartbeat >= options.heartbeatSec * 1000) {
        lastHeartbeat = elapsedMs();
        await timed('ReportTaskRunnerHeartbeat', (abortSignal) => sdk.send(new ReportTaskRunnerHeartbeatCommand({ taskrunnerId, workerGroup, hostname: `host-${r}` }), { abortSignal }));
      }
      const polled = await timed('PollForTask', (abortSignal) => sdk.send(new PollForTaskCommand({ workerGroup, hostname: `host-${r}` }), { abortSignal }));
      const task = polled?.taskObject;
      if (!task?.taskId) continue;
      const t0 = process.hrtime.bigint();
      const key = `${task.pipelineId}/${task.attemptId}`; // attempt ids are unique within a pipeline
      handed.set(key, (handed.get(key) ?? 0) + 1);
      const progress = await timed('ReportTaskProgress', (abortSignal) => sdk.send(new ReportTaskProgressCommand({ taskId: task.taskId }), { abortSignal }));
      if (progress?.canceled) continue;
      const fail = failuresLeft > 0 && Math.random() < options.failShare * 1.5;
      if (fail) failuresLeft--;
      const set = await timed('SetTaskStatus', (abortSignal) =>
        sdk.send(
          new SetTaskStatusCommand(fail ? { taskId: task.taskId, taskStatus: 'FAILED', errorId: 'LoadTestFailure', errorMessage: 'a failure the load test asked for' } : { taskId: task.taskId, taskStatus: 'FINISHED' }),
          { abortSignal },
        ),
      );
      if (set) {
        tasksCompleted++;
        if (tasksCompleted === total) lastTaskAtMs = elapsedMs();
        taskHistogram.recordValue(Math.max(1, Number(process.hrtime.bigint() - t0) / 1000));
      }
    }
  };
  /** Every instance final (read through the API), or undefined while some are not. */
  const allFinal = async (): Promise<Map<string, string> | undefined> => {
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
  const fleet = Array.from({ length: options.runners }, (_, r) => runner(r));
  let stoppedBy = 'duration' as 'done' | 'duration';
  const watch = (async () => {
    while (elapsedMs() < options.durationSec * 1000) {
      options.onProgress?.({ elapsedSec: elapsedMs() / 1000, tasks: tasksCompleted, requests, errors });
      if (tasksCompleted >= total) {
        const final = await allFinal();
        if (final) {
          for (const [k, v] of final) finalStatuses.set(k, v);
          stoppedBy = 'done';
          break;
        }
      }
      await sleep(1000);
    }
    stop = true;
    ending.abort();
  })();
  await watch;
  await Promise.all(fleet);
  const durationSec = (stoppedBy === 'done' && lastTaskAtMs !== undefined ? lastTaskAtMs : elapsedMs()) / 1000;
  if (finalStatuses.size === 0) for (const [k, v] of (await allFinal()) ?? new Map()) finalStatuses.set(k, v);

  const byStatus: Record<string, number> = {};
  for (const s of finalStatuses.values()) byStatus[s] = (byStatus[s] ?? 0) + 1;
  const handedTwice = [...handed.values()].filter((n) => n > 1).length;
  const problems: string[] = [];
  if (stoppedBy !== 'done') problems.push(`not every instance ended within ${options.durationSec} s`);
  if (handedTwice > 0) problems.push(`${handedTwice} attempts were handed out more than once`);
  if (options.failShare === 0 && (byStatus.FINISHED ?? 0) !== total) problems.push(`${total - (byStatus.FINISHED ?? 0)} instances did not end FINISHED`);
  const seconds = [...perSecond.keys()].sort((a, b) => a - b);
  const result: RunnersResult = {
    mode: 'runners',
    setup: { pipelines: options.pipelines, activities: options.activities, runners: options.runners, dependencies: options.dependencies, failShare: options.failShare, relaxedLimits },
    durationSec,
    stoppedBy,
    tasksCompleted,
    tasksPerSec: tasksCompleted / durationSec,
    requests,
    calls: Object.fromEntries(CALLS.map((c) => [c, { count: calls[c].h.totalCount, outcomes: calls[c].outcomes, latencyMs: percentiles(calls[c].h) }])) as RunnersResult['calls'],
    taskLatencyMs: percentiles(taskHistogram),
    timeline: seconds.map((second) => ({
      second,
      calls: Object.fromEntries([...perSecond.get(second)!].map(([name, h]) => [name, { count: h.totalCount, p50: h.getValueAtPercentile(50) / 1000, p99: h.getValueAtPercentile(99) / 1000 }])),
    })),
    distribution: Object.fromEntries(
      CALLS.filter((c) => calls[c].h.totalCount > 0).map((c) => [c, [0, 10, 25, 50, 75, 90, 95, 99, 99.9, 100].map((p): [number, number] => [p, calls[c].h.getValueAtPercentile(p) / 1000])]),
    ),
    check: {
      instances: finalStatuses.size,
      byStatus,
      expected: options.failShare === 0 ? `all ${total} FINISHED` : `all ${total} final (FINISHED, or FAILED and CASCADE_FAILED where the failures ran out of retries)`,
      handedTwice,
      ok: problems.length === 0,
      problems,
    },
  };
  const cleanup = async () => {
    for (const pipelineId of pipelineIds) await sdk.send(new DeletePipelineCommand({ pipelineId }));
    return pipelineIds.length;
  };
  return { result, cleanup };
};

const row = (name: string, p: Percentiles) => `${name.padEnd(26)} p50 ${p.p50.toFixed(2).padStart(9)}  p90 ${p.p90.toFixed(2).padStart(9)}  p99 ${p.p99.toFixed(2).padStart(9)}  max ${p.max.toFixed(2).padStart(9)} ms`;

export const formatRunners = (r: RunnersResult): string =>
  [
    `runners          ${r.setup.runners} on ${r.setup.pipelines} pipelines x ${r.setup.activities} activities${r.setup.dependencies ? ' (with dependencies)' : ''}, fail share ${r.setup.failShare}${r.setup.relaxedLimits ? ', relaxed limits' : ''}`,
    `duration         ${r.durationSec.toFixed(2)} s (stopped: ${r.stoppedBy})`,
    `tasks completed  ${r.tasksCompleted} (${r.tasksPerSec.toFixed(1)} /s)`,
    `requests         ${r.requests}`,
    ...CALLS.map((c) => `${row(`${c} (${r.calls[c].count})`, r.calls[c].latencyMs)}  ${Object.entries(r.calls[c].outcomes).map(([k, v]) => `${k} ${v}`).join(', ')}`),
    row('task (poll to finished)', r.taskLatencyMs),
    `check            ${r.check.ok ? 'ok' : 'FAILED'}: ${Object.entries(r.check.byStatus).map(([k, v]) => `${v} ${k}`).join(', ') || 'no instance read'}; expected ${r.check.expected}; ${r.check.handedTwice} handed out twice${r.check.problems.length ? `; ${r.check.problems.join('; ')}` : ''}`,
  ].join('\n');
