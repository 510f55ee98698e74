/**
 * docs/behaviour.md §8 (runs of on-demand pipelines) as black-box checks through the API alone. Each case
 * makes its own pipeline with a worker group of its own, so no other work can answer its polls.
 */
import {
  ActivatePipelineCommand,
  CreatePipelineCommand,
  DeactivatePipelineCommand,
  DeletePipelineCommand,
  DescribeObjectsCommand,
  PollForTaskCommand,
  PutPipelineDefinitionCommand,
  QueryObjectsCommand,
  ReportTaskProgressCommand,
  ReportTaskRunnerHeartbeatCommand,
  SetStatusCommand,
  SetTaskStatusCommand,
  TaskObject,
} from '@aws-sdk/client-data-pipeline';
import { Case, CaseContext, check, fails, Field, out, fresh } from './checks';
import { sendCommand } from './probe';
import { recordCreated } from './lifecycle-cases';
import { hasRelaxedLimits } from '../relaxed-limits';

const fieldsOf = (record: Record<string, string>): Field[] => Object.entries(record).map(([key, stringValue]) => ({ key, stringValue }));
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * An activated on-demand pipeline: `A`, and `B` depending on it, for a worker group of its own; `defaults` are
 * added to its Default object.
 */
const activatedRun = async (ctx: CaseContext, defaults: Record<string, string> = {}) => {
  const workerGroup = fresh();
  const pipelineId: string = out(await sendCommand(ctx.sdk, new CreatePipelineCommand({ name: 'conformance-run', uniqueId: workerGroup }))).pipelineId;
  recordCreated(ctx.sdk, pipelineId);
  const objects = [
    { id: 'Default', name: 'Default', fields: fieldsOf({ scheduleType: 'ondemand', workerGroup, ...defaults }) },
    {
      id: 'A',
      name: 'A',
      fields: [
        { key: 'type', stringValue: 'ShellCommandActivity' },
        { key: 'command', stringValue: 'echo a' },
      ],
    },
    {
      id: 'B',
      name: 'B',
      fields: [
        { key: 'type', stringValue: 'ShellCommandActivity' },
        { key: 'command', stringValue: 'echo b' },
        { key: 'dependsOn', refValue: 'A' },
      ],
    },
  ];
  const put = out(await sendCommand(ctx.sdk, new PutPipelineDefinitionCommand({ pipelineId, pipelineObjects: objects })));
  check(put.errored === false, `definition errored: ${JSON.stringify(put.validationErrors)}`);
  out(await sendCommand(ctx.sdk, new ActivatePipelineCommand({ pipelineId })));
  const poll = async (): Promise<TaskObject | undefined> =>
    out(await sendCommand(ctx.sdk, new PollForTaskCommand({ workerGroup, hostname: 'conformance' }))).taskObject;
  const describe = async (ids: string[]): Promise<Record<string, Field[]>> => {
    if (ids.length === 0) return {};
    const objs: { id: string; fields: Field[] }[] = out(await sendCommand(ctx.sdk, new DescribeObjectsCommand({ pipelineId, objectIds: ids }))).pipelineObjects;
    return Object.fromEntries(objs.map((o) => [o.id.replace(/_\d{4}-.*?(?=_Attempt|$)/, ''), o.fields]));
  };
  /** `@A`, `@A_Attempt=1`, ... → @status. */
  const statuses = async (sphere: string): Promise<Record<string, string | undefined>> => {
    const ids: string[] = out(await sendCommand(ctx.sdk, new QueryObjectsCommand({ pipelineId, sphere }))).ids ?? [];
    const described = await describe(ids);
    return Object.fromEntries(Object.entries(described).map(([id, fields]) => [id, fields.find((f) => f.key === '@status')?.stringValue]));
  };
  const setStatus = async (ids: string[], status: string) => out(await sendCommand(ctx.sdk, new SetStatusCommand({ pipelineId, objectIds: ids, status })));
  const instanceOf = (task: TaskObject | undefined) => task!.attemptId!.replace(/_Attempt=\d+$/, '');
  return { pipelineId, workerGroup, poll, describe, statuses, setStatus, instanceOf };
};

const RELAXED_PROBE = new WeakMap<object, Promise<boolean>>();
/** Whether the endpoint runs with relaxed limits (periods in seconds): asked once per client, through the API. */
const relaxedLimits = (ctx: CaseContext): Promise<boolean> => {
  let known = RELAXED_PROBE.get(ctx.sdk);
  if (!known) {
    known = (async () => {
      const pipelineId: string = out(await sendCommand(ctx.sdk, new CreatePipelineCommand({ name: 'conformance-probe', uniqueId: fresh() }))).pipelineId;
      recordCreated(ctx.sdk, pipelineId);
      return hasRelaxedLimits(ctx.sdk, pipelineId);
    })();
    RELAXED_PROBE.set(ctx.sdk, known);
  }
  return known;
};
const NEEDS_RELAXED = { skip: 'needs an endpoint with relaxed limits (npm start -- --relaxed-limits): with the limits of dp-limits.md it takes minutes' };

export const RUN_CASES: readonly Case[] = [
  {
    id: 'run-activation-makes-work',
    rule: 'activating an on-demand pipeline makes an instance per activity; PollForTask hands out those with nothing to wait for, with their command',
    run: async (ctx) => {
      const r = await activatedRun(ctx);
      const s = await r.statuses('INSTANCE');
      check(s['@A'] === 'WAITING_FOR_RUNNER' && s['@B'] === 'WAITING_ON_DEPENDENCIES', `instances ${JSON.stringify(s)}`);
      const task = await r.poll();
      check(task?.attemptId?.startsWith('@A_') && task.attemptId.endsWith('_Attempt=1'), `handed out ${task?.attemptId}`);
      const fields = (task!.objects?.[task!.attemptId!]?.fields ?? []) as Field[];
      check(
        fields.some((f) => f.key === 'command' && f.stringValue === 'echo a'),
        'the attempt has no command',
      );
    },
  },
  {
    id: 'run-dependencies',
    rule: 'a dependent instance is handed out once its dependency FINISHED, and the instances end FINISHED',
    run: async (ctx) => {
      const r = await activatedRun(ctx);
      const a = await r.poll();
      check(out(await sendCommand(ctx.sdk, new ReportTaskProgressCommand({ taskId: a!.taskId }))).canceled === false, 'a fresh task reported canceled');
      out(await sendCommand(ctx.sdk, new SetTaskStatusCommand({ taskId: a!.taskId, taskStatus: 'FINISHED' })));
      const b = await r.poll();
      check(b?.attemptId?.startsWith('@B_'), `then handed out ${b?.attemptId}`);
      out(await sendCommand(ctx.sdk, new SetTaskStatusCommand({ taskId: b!.taskId, taskStatus: 'FINISHED' })));
      const s = await r.statuses('INSTANCE');
      check(s['@A'] === 'FINISHED' && s['@B'] === 'FINISHED', `instances ${JSON.stringify(s)}`);
    },
  },
  {
    id: 'run-try-cancel',
    rule: 'SetStatus TRY_CANCEL on an instance: its runner learns it from ReportTaskProgress (canceled: true)',
    run: async (ctx) => {
      const r = await activatedRun(ctx);
      const a = await r.poll();
      out(
        await sendCommand(
          ctx.sdk,
          new SetStatusCommand({ pipelineId: r.pipelineId, objectIds: [a!.attemptId!.replace(/_Attempt=1$/, '')], status: 'TRY_CANCEL' }),
        ),
      );
      check(out(await sendCommand(ctx.sdk, new ReportTaskProgressCommand({ taskId: a!.taskId }))).canceled === true, 'the runner was not told');
      check((await r.statuses('INSTANCE'))['@A'] === 'CANCELED', 'the instance is not CANCELED');
    },
  },
  {
    id: 'run-heartbeat',
    rule: 'ReportTaskRunnerHeartbeat answers terminate: false; without a taskrunnerId it is InvalidRequestException',
    run: async (ctx) => {
      check(
        out(await sendCommand(ctx.sdk, new ReportTaskRunnerHeartbeatCommand({ taskrunnerId: 'conformance-runner', workerGroup: 'conformance' }))).terminate ===
          false,
        'terminate is not false',
      );
      fails(await sendCommand(ctx.sdk, new ReportTaskRunnerHeartbeatCommand({} as never)), 'InvalidRequestException');
    },
  },
  {
    id: 'run-delete-mid-run',
    rule: 'after DeletePipeline, the tasks of its run get PipelineDeletedException',
    run: async (ctx) => {
      const r = await activatedRun(ctx);
      const a = await r.poll();
      out(await sendCommand(ctx.sdk, new DeletePipelineCommand({ pipelineId: r.pipelineId })));
      fails(await sendCommand(ctx.sdk, new ReportTaskProgressCommand({ taskId: a!.taskId })), 'PipelineDeletedException');
      fails(await sendCommand(ctx.sdk, new SetTaskStatusCommand({ taskId: a!.taskId, taskStatus: 'FINISHED' })), 'PipelineDeletedException');
    },
  },
  {
    id: 'run-failure-waits-without-cascade',
    rule: 'SetTaskStatus FAILED with no retry left fails the instance, its error fields land on the attempt, and without cascade its consumer keeps waiting',
    run: async (ctx) => {
      const r = await activatedRun(ctx, { maximumRetries: '0' });
      const a = await r.poll();
      out(
        await sendCommand(
          ctx.sdk,
          new SetTaskStatusCommand({ taskId: a!.taskId, taskStatus: 'FAILED', errorId: 'E42', errorMessage: 'it broke', errorStackTrace: 'at line 1' }),
        ),
      );
      const s = await r.statuses('INSTANCE');
      check(s['@A'] === 'FAILED' && s['@B'] === 'WAITING_ON_DEPENDENCIES', `instances ${JSON.stringify(s)}`);
      const attempt = (await r.describe([a!.attemptId!]))['@A_Attempt=1'] ?? [];
      for (const [key, value] of [
        ['@status', 'FAILED'],
        ['errorId', 'E42'],
        ['errorMessage', 'it broke'],
        ['errorStackTrace', 'at line 1'],
      ]) {
        check(
          attempt.some((f) => f.key === key && f.stringValue === value),
          `the attempt lacks ${key} = ${value}`,
        );
      }
    },
  },
  {
    id: 'run-retries-then-cascade',
    rule: 'a failed attempt is retried (Attempt=2, after retryDelay) while maximumRetries allows; then the instance FAILED and, with cascade, its consumer CASCADE_FAILED',
    run: async (ctx) => {
      if (!(await relaxedLimits(ctx))) return NEEDS_RELAXED;
      const r = await activatedRun(ctx, { maximumRetries: '1', retryDelay: '1 seconds', failureAndRerunMode: 'cascade' });
      const first = await r.poll();
      out(await sendCommand(ctx.sdk, new SetTaskStatusCommand({ taskId: first!.taskId, taskStatus: 'FAILED' })));
      check((await r.statuses('INSTANCE'))['@A'] === 'WAITING_FOR_RUNNER', 'the instance does not wait for its retry');
      const second = await r.poll(); // a long poll: the retry is ready after a second
      check(second?.attemptId?.startsWith('@A_') && second.attemptId.endsWith('_Attempt=2'), `the retry handed out was ${second?.attemptId}`);
      out(await sendCommand(ctx.sdk, new SetTaskStatusCommand({ taskId: second!.taskId, taskStatus: 'FAILED' })));
      const s = await r.statuses('INSTANCE');
      check(s['@A'] === 'FAILED' && s['@B'] === 'CASCADE_FAILED', `instances ${JSON.stringify(s)}`);
      const attemptCount = (await r.describe([r.instanceOf(first)]))['@A']?.find((f) => f.key === '@attemptCount')?.stringValue;
      check(attemptCount === '2', `@attemptCount is ${attemptCount}`);
      return undefined;
    },
  },
  {
    id: 'run-lease-expires',
    rule: 'an attempt not acknowledged in time is given up (TIMEDOUT) and retried; its runner then gets canceled: true, and its late SetTaskStatus changes nothing',
    run: async (ctx) => {
      if (!(await relaxedLimits(ctx))) return NEEDS_RELAXED;
      const r = await activatedRun(ctx, { maximumRetries: '1', retryDelay: '1 seconds', reportProgressTimeout: '2 seconds' });
      const lost = await r.poll();
      await sleep(3000); // no ReportTaskProgress: the lease passes
      const retry = await r.poll();
      check(retry?.attemptId?.endsWith('_Attempt=2'), `after the lease, handed out ${retry?.attemptId}`);
      check(out(await sendCommand(ctx.sdk, new ReportTaskProgressCommand({ taskId: lost!.taskId }))).canceled === true, 'the old runner was not told');
      out(await sendCommand(ctx.sdk, new SetTaskStatusCommand({ taskId: lost!.taskId, taskStatus: 'FINISHED' })));
      const s = await r.statuses('ATTEMPT');
      check(s['@A_Attempt=1'] === 'TIMEDOUT' && s['@A_Attempt=2'] === 'RUNNING', `attempts ${JSON.stringify(s)}`);
      return undefined;
    },
  },
  {
    id: 'run-pause-resume',
    rule: 'SetStatus PAUSE on a component keeps its attempts from runners (PollForTask answers {}); RESUME gives them back',
    run: async (ctx) => {
      const r = await activatedRun(ctx);
      await r.setStatus(['A'], 'PAUSE');
      const none = await r.poll(); // waits out its long poll
      check(none === undefined, `a paused component's attempt was handed out: ${none?.attemptId}`);
      await r.setStatus(['A'], 'RESUME');
      check((await r.poll())?.attemptId?.startsWith('@A_'), 'nothing handed out after RESUME');
    },
  },
  {
    id: 'run-rerun',
    rule: 'SetStatus RERUN of a failed instance makes its next attempt, and with cascade its CASCADE_FAILED consumer waits on it again',
    run: async (ctx) => {
      const r = await activatedRun(ctx, { maximumRetries: '0', failureAndRerunMode: 'cascade' });
      const a = await r.poll();
      out(await sendCommand(ctx.sdk, new SetTaskStatusCommand({ taskId: a!.taskId, taskStatus: 'FAILED' })));
      check((await r.statuses('INSTANCE'))['@B'] === 'CASCADE_FAILED', 'the consumer is not CASCADE_FAILED');
      await r.setStatus([r.instanceOf(a)], 'RERUN');
      const s = await r.statuses('INSTANCE');
      check(s['@A'] === 'WAITING_FOR_RUNNER' && s['@B'] === 'WAITING_ON_DEPENDENCIES', `after RERUN, instances ${JSON.stringify(s)}`);
      check((await r.poll())?.attemptId?.endsWith('_Attempt=2'), 'the rerun is not Attempt=2');
    },
  },
  {
    id: 'run-mark-finished',
    rule: 'SetStatus MARK_FINISHED on a waiting instance finishes it as if it had run, and its dependent is handed out',
    run: async (ctx) => {
      const r = await activatedRun(ctx);
      const ids: string[] = out(await sendCommand(ctx.sdk, new QueryObjectsCommand({ pipelineId: r.pipelineId, sphere: 'INSTANCE' }))).ids;
      await r.setStatus(
        ids.filter((id) => id.startsWith('@A_')),
        'MARK_FINISHED',
      );
      check((await r.statuses('INSTANCE'))['@A'] === 'FINISHED', 'the instance is not FINISHED');
      check((await r.poll())?.attemptId?.startsWith('@B_'), 'the dependent was not handed out');
    },
  },
  {
    id: 'run-deactivate-cancels',
    rule: 'DeactivatePipeline (cancelActive by default) cancels the running instance: its runner gets canceled: true',
    run: async (ctx) => {
      const r = await activatedRun(ctx);
      const a = await r.poll();
      out(await sendCommand(ctx.sdk, new DeactivatePipelineCommand({ pipelineId: r.pipelineId })));
      check(out(await sendCommand(ctx.sdk, new ReportTaskProgressCommand({ taskId: a!.taskId }))).canceled === true, 'the runner was not told');
      check((await r.statuses('INSTANCE'))['@A'] === 'CANCELED', 'the instance is not CANCELED');
    },
  },
  {
    id: 'run-limits-validated',
    rule: 'PutPipelineDefinition reports maximumRetries above 5 and retryDelay under 2 minutes as LIMIT_EXCEEDED (dp-limits.md)',
    run: async (ctx) => {
      if (await relaxedLimits(ctx)) return { skip: 'the endpoint runs with relaxed limits, which lift these' };
      const workerGroup = fresh();
      const pipelineId: string = out(await sendCommand(ctx.sdk, new CreatePipelineCommand({ name: 'conformance-limits', uniqueId: workerGroup }))).pipelineId;
      recordCreated(ctx.sdk, pipelineId);
      const objects = [
        { id: 'Default', name: 'Default', fields: fieldsOf({ scheduleType: 'ondemand', workerGroup }) },
        { id: 'A', name: 'A', fields: fieldsOf({ type: 'ShellCommandActivity', command: 'true', maximumRetries: '6', retryDelay: '1 minutes' }) },
      ];
      const put = out(await sendCommand(ctx.sdk, new PutPipelineDefinitionCommand({ pipelineId, pipelineObjects: objects })));
      const messages: string[] = (put.validationErrors ?? []).flatMap((e: { errors?: string[] }) => e.errors ?? []);
      check(put.errored === true, 'the definition was accepted');
      check(messages.filter((m) => m.startsWith('LIMIT_EXCEEDED')).length === 2, `errors ${JSON.stringify(messages)}`);
      return undefined;
    },
  },
];
