/**
 * docs/behaviour.md §8 (runs of on-demand pipelines) as black-box checks through the API alone. Each case
 * makes its own pipeline with a worker group of its own, so no other work can answer its polls.
 */
import { randomBytes } from 'node:crypto';
import {
  ActivatePipelineCommand,
  CreatePipelineCommand,
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
import { Case, CaseContext, check, fails, show } from './checks';
import { Answer, sendCommand } from './probe';
import { recordCreated } from './lifecycle-cases';

type Field = { key: string; stringValue?: string; refValue?: string };
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const out = (a: Answer): any => {
  check(a.status === 200 && !a.error, `expected 200, got ${show(a)}`);
  return a.output ?? {};
};

/** An activated on-demand pipeline: `A`, and `B` depending on it, for a worker group of its own. */
const activatedRun = async (ctx: CaseContext) => {
  const workerGroup = `conformance-${randomBytes(6).toString('hex')}`;
  const pipelineId: string = out(await sendCommand(ctx.sdk, new CreatePipelineCommand({ name: 'conformance-run', uniqueId: workerGroup }))).pipelineId;
  recordCreated(ctx.sdk, pipelineId);
  const objects = [
    { id: 'Default', name: 'Default', fields: [{ key: 'scheduleType', stringValue: 'ondemand' }, { key: 'workerGroup', stringValue: workerGroup }] },
    { id: 'A', name: 'A', fields: [{ key: 'type', stringValue: 'ShellCommandActivity' }, { key: 'command', stringValue: 'echo a' }] },
    { id: 'B', name: 'B', fields: [{ key: 'type', stringValue: 'ShellCommandActivity' }, { key: 'command', stringValue: 'echo b' }, { key: 'dependsOn', refValue: 'A' }] },
  ];
  check(out(await sendCommand(ctx.sdk, new PutPipelineDefinitionCommand({ pipelineId, pipelineObjects: objects }))).errored === false, 'definition errored');
  out(await sendCommand(ctx.sdk, new ActivatePipelineCommand({ pipelineId })));
  const poll = async (): Promise<TaskObject | undefined> => out(await sendCommand(ctx.sdk, new PollForTaskCommand({ workerGroup, hostname: 'conformance' }))).taskObject;
  const statuses = async (sphere: string): Promise<Record<string, string | undefined>> => {
    const ids: string[] = out(await sendCommand(ctx.sdk, new QueryObjectsCommand({ pipelineId, sphere }))).ids ?? [];
    if (ids.length === 0) return {};
    const objs: { id: string; fields: Field[] }[] = out(await sendCommand(ctx.sdk, new DescribeObjectsCommand({ pipelineId, objectIds: ids }))).pipelineObjects;
    return Object.fromEntries(objs.map((o) => [o.id.replace(/_\d{4}-.*?(?=_Attempt|$)/, ''), o.fields.find((f) => f.key === '@status')?.stringValue]));
  };
  return { pipelineId, workerGroup, poll, statuses };
};

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
      check(fields.some((f) => f.key === 'command' && f.stringValue === 'echo a'), 'the attempt has no command');
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
      out(await sendCommand(ctx.sdk, new SetStatusCommand({ pipelineId: r.pipelineId, objectIds: [a!.attemptId!.replace(/_Attempt=1$/, '')], status: 'TRY_CANCEL' })));
      check(out(await sendCommand(ctx.sdk, new ReportTaskProgressCommand({ taskId: a!.taskId }))).canceled === true, 'the runner was not told');
      check((await r.statuses('INSTANCE'))['@A'] === 'CANCELED', 'the instance is not CANCELED');
    },
  },
  {
    id: 'run-heartbeat',
    rule: 'ReportTaskRunnerHeartbeat answers terminate: false; without a taskrunnerId it is InvalidRequestException',
    run: async (ctx) => {
      check(out(await sendCommand(ctx.sdk, new ReportTaskRunnerHeartbeatCommand({ taskrunnerId: 'conformance-runner', workerGroup: 'conformance' }))).terminate === false, 'terminate is not false');
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
];
