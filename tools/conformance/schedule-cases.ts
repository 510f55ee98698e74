/**
 * docs/behaviour.md §9 (expressions) and §10 (schedules, preconditions) as black-box checks through the API
 * alone. Schedules are placed relative to the endpoint's clock as the client sees it (a few minutes of skew do
 * not change the periods counted), each pipeline with a worker group of its own.
 */
import {
  ActivatePipelineCommand,
  CreatePipelineCommand,
  DescribePipelinesCommand,
  EvaluateExpressionCommand,
  PollForTaskCommand,
  PutPipelineDefinitionCommand,
  QueryObjectsCommand,
  SetTaskStatusCommand,
  TaskObject,
} from '@aws-sdk/client-data-pipeline';
import { Case, CaseContext, check, fails, Field, obj, out, WireObject, fresh } from './checks';
import { recordCreated } from './lifecycle-cases';
import { sendCommand } from './probe';

/** `YYYY-MM-DDTHH:MM:SS`, UTC, `minutes` from now. */
const at = (minutes: number) => new Date(Date.now() + minutes * 60_000).toISOString().slice(0, 19);

/** A pipeline of `objects` (a worker group of its own as `wg` on Default), put and activated. */
const activated = async (ctx: CaseContext, objects: (wg: string) => WireObject[], activate = true) => {
  const wg = fresh();
  const pipelineId: string = out(await sendCommand(ctx.sdk, new CreatePipelineCommand({ name: 'conformance-schedule', uniqueId: wg }))).pipelineId;
  recordCreated(ctx.sdk, pipelineId);
  const put = out(await sendCommand(ctx.sdk, new PutPipelineDefinitionCommand({ pipelineId, pipelineObjects: objects(wg) })));
  check(put.errored === false, `definition errored: ${JSON.stringify(put.validationErrors)}`);
  if (activate) out(await sendCommand(ctx.sdk, new ActivatePipelineCommand({ pipelineId })));
  const instances = async (): Promise<string[]> =>
    (out(await sendCommand(ctx.sdk, new QueryObjectsCommand({ pipelineId, sphere: 'INSTANCE', limit: 1000 }))).ids ?? []).sort();
  const poll = async (): Promise<TaskObject | undefined> => out(await sendCommand(ctx.sdk, new PollForTaskCommand({ workerGroup: wg }))).taskObject;
  const fieldOf = (task: TaskObject | undefined, key: string) => (task?.objects?.[task.attemptId!]?.fields ?? []).find((f) => f.key === key)?.stringValue;
  return { pipelineId, wg, instances, poll, fieldOf };
};

export const SCHEDULE_CASES: readonly Case[] = [
  {
    id: 'expr-evaluate-expression',
    rule: 'EvaluateExpression evaluates #{...} on a component (fields, parameters, date functions); an unknown object is TaskNotFoundException, an unknown function InvalidRequestException',
    run: async (ctx) => {
      const p = await activated(
        ctx,
        (wg) => [
          obj('Default', { scheduleType: 'ondemand', workerGroup: wg, myDay: '2011-05-24T17:10:00' }),
          obj('A', { type: 'ShellCommandActivity', command: 'echo' }),
        ],
        false,
      );
      const evaluate = (objectId: string, expression: string) =>
        sendCommand(ctx.sdk, new EvaluateExpressionCommand({ pipelineId: p.pipelineId, objectId, expression }));
      const got = out(await evaluate('A', "#{@id} #{format(plusDays(myDay,1),'YYYY-MM-dd')} #{hour(myDay) + 1}")).evaluatedExpression;
      check(got === 'A 2011-05-25 18', `evaluated to ${JSON.stringify(got)}`);
      fails(await evaluate('NoSuchObject', '#{1}'), 'TaskNotFoundException');
      fails(await evaluate('A', '#{noSuchFunction(1)}'), 'InvalidRequestException', { message: /noSuchFunction/ });
    },
  },
  {
    id: 'expr-validation',
    rule: 'PutPipelineDefinition reports an unknown function or a syntax error in #{...} as INVALID_EXPRESSION on the object',
    run: async (ctx) => {
      const pipelineId: string = out(await sendCommand(ctx.sdk, new CreatePipelineCommand({ name: 'conformance-expr', uniqueId: fresh() }))).pipelineId;
      recordCreated(ctx.sdk, pipelineId);
      const objects = [
        obj('Default', { scheduleType: 'ondemand', workerGroup: 'wg' }),
        obj('A', { type: 'ShellCommandActivity', command: '#{noSuchFunction(1)} #{1 +}' }),
      ];
      const put = out(await sendCommand(ctx.sdk, new PutPipelineDefinitionCommand({ pipelineId, pipelineObjects: objects })));
      const messages: string[] = (put.validationErrors ?? []).flatMap((e: { errors?: string[] }) => e.errors ?? []);
      check(put.errored === true && messages.filter((m) => m.startsWith('INVALID_EXPRESSION')).length === 2, `errors ${JSON.stringify(messages)}`);
    },
  },
  {
    id: 'expr-poll-evaluated',
    rule: 'PollForTask hands out the attempt with its expressions evaluated (a field of a referenced object, an inherited field, a function of @scheduledStartTime)',
    run: async (ctx) => {
      const p = await activated(ctx, (wg) => [
        obj('Default', { scheduleType: 'ondemand', workerGroup: wg, myPrefix: 'in' }),
        obj('Data', { type: 'S3DataNode', directoryPath: 's3://bucket/#{myPrefix}' }),
        obj('A', { type: 'ShellCommandActivity', command: "echo #{input.directoryPath} #{format(@scheduledStartTime,'YYYY')}", input: { ref: 'Data' } }),
      ]);
      const task = await p.poll();
      const command = p.fieldOf(task, 'command');
      check(command === `echo s3://bucket/in ${new Date().getUTCFullYear()}`, `command ${JSON.stringify(command)}`);
    },
  },
  {
    id: 'schedule-backfill',
    rule: 'a cron Schedule that started in the past: each past period gets its instances at activation, handed out oldest first, with @scheduledStartTime and @scheduledEndTime its bounds',
    run: async (ctx) => {
      const start = at(-181);
      const p = await activated(ctx, (wg) => [
        obj('Default', { workerGroup: wg, schedule: { ref: 'Hourly' } }),
        obj('Hourly', { type: 'Schedule', period: '1 hours', startDateTime: start }),
        obj('A', { type: 'ShellCommandActivity', command: 'echo' }),
      ]);
      const ids = await p.instances();
      check(ids.length === 4 && ids[0] === `@A_${start}`, `instances ${JSON.stringify(ids)}`);
      const first = await p.poll();
      check(first?.attemptId === `@A_${start}_Attempt=1`, `first handed out ${first?.attemptId}`);
      check(
        p.fieldOf(first, '@scheduledEndTime') === new Date(new Date(`${start}Z`).getTime() + 3_600_000).toISOString().slice(0, 19),
        `@scheduledEndTime ${p.fieldOf(first, '@scheduledEndTime')}`,
      );
    },
  },
  {
    id: 'schedule-five-active',
    rule: 'a schedule far in the past opens at most 5 periods of an activity at a time (maxActiveInstances); the next opens once one ends',
    run: async (ctx) => {
      const p = await activated(ctx, (wg) => [
        obj('Default', { workerGroup: wg, schedule: { ref: 'Daily' } }),
        obj('Daily', { type: 'Schedule', period: '1 days', startDateTime: at(-30 * 24 * 60) }),
        obj('A', { type: 'ShellCommandActivity', command: 'echo' }),
      ]);
      check((await p.instances()).length === 5, `${(await p.instances()).length} instances`);
      const task = await p.poll();
      out(await sendCommand(ctx.sdk, new SetTaskStatusCommand({ taskId: task!.taskId, taskStatus: 'FINISHED' })));
      for (let i = 0; i < 20 && (await p.instances()).length < 6; i++) await new Promise((r) => setTimeout(r, 250));
      check((await p.instances()).length === 6, 'no sixth period opened after one ended');
    },
  },
  {
    id: 'schedule-moto-definition',
    rule: "moto's test definition (hourly from 2012-12-12, parent and schedule written as strings) activates and hands out @SayHello_2012-12-12T00:00:00 first",
    run: async (ctx) => {
      const p = await activated(ctx, (wg) => [
        obj('Default', { workerGroup: wg }),
        obj('Schedule', { startDateTime: '2012-12-12T00:00:00', type: 'Schedule', period: '1 hour', endDateTime: '2012-12-21T18:00:00' }),
        obj('SayHello', { type: 'ShellCommandActivity', command: 'echo hello', parent: 'Default', schedule: 'Schedule' }),
      ]);
      check((await p.instances()).length === 5, `${(await p.instances()).length} instances`);
      const task = await p.poll();
      check(task?.attemptId === '@SayHello_2012-12-12T00:00:00_Attempt=1', `handed out ${task?.attemptId}`);
    },
  },
  {
    id: 'schedule-finished',
    rule: 'a finite schedule whose instances are all final leaves the pipeline FINISHED',
    run: async (ctx) => {
      const p = await activated(ctx, (wg) => [
        obj('Default', { workerGroup: wg, schedule: { ref: 'Once' } }),
        obj('Once', { type: 'Schedule', period: '1 days', startDateTime: at(-60), occurrences: '1' }),
        obj('A', { type: 'ShellCommandActivity', command: 'echo' }),
      ]);
      const task = await p.poll();
      out(await sendCommand(ctx.sdk, new SetTaskStatusCommand({ taskId: task!.taskId, taskStatus: 'FINISHED' })));
      const fields: Field[] = out(await sendCommand(ctx.sdk, new DescribePipelinesCommand({ pipelineIds: [p.pipelineId] }))).pipelineDescriptionList[0].fields;
      const state = fields.find((f) => f.key === '@pipelineState')?.stringValue;
      check(state === 'FINISHED', `@pipelineState ${state}`);
    },
  },
  {
    id: 'precondition-met',
    rule: 'a ShellCommandPrecondition with a workerGroup is a task; the activity naming it waits until it is FINISHED, then is handed out',
    run: async (ctx) => {
      const p = await activated(ctx, (wg) => [
        obj('Default', { scheduleType: 'ondemand', workerGroup: wg }),
        obj('Ready', { type: 'ShellCommandPrecondition', command: 'true' }),
        obj('A', { type: 'ShellCommandActivity', command: 'echo', precondition: { ref: 'Ready' } }),
      ]);
      const check1 = await p.poll();
      check(check1?.attemptId?.startsWith('@Ready_'), `handed out ${check1?.attemptId} before the precondition`);
      out(await sendCommand(ctx.sdk, new SetTaskStatusCommand({ taskId: check1!.taskId, taskStatus: 'FINISHED' })));
      const a = await p.poll();
      check(a?.attemptId?.startsWith('@A_'), `then handed out ${a?.attemptId}`);
    },
  },
];
