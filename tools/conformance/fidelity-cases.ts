/**
 * Where the Developer Guide, or AWS's own published usage, says what happens (issue 18, docs/behaviour.md §7-§10):
 * parameters given without parameter objects, runsOn over workerGroup, user-managed preconditions on their
 * activity's worker group, instances showing their component's fields, runtime fields, and the guide's own
 * expression and schedule examples. Each case quotes its source in its rule.
 */
import {
  ActivatePipelineCommand,
  CreatePipelineCommand,
  DescribeObjectsCommand,
  PollForTaskCommand,
  PutPipelineDefinitionCommand,
  QueryObjectsCommand,
  SetTaskStatusCommand,
  ValidatePipelineDefinitionCommand,
} from '@aws-sdk/client-data-pipeline';
import { Case, CaseContext, check, Field, fresh, obj, out, WireObject } from './checks';
import { recordCreated } from './lifecycle-cases';
import { sendCommand } from './probe';

/** A pipeline with this definition put (it must not be errored), and activated unless told not to. */
const pipelineWith = async (
  ctx: CaseContext,
  objects: WireObject[],
  options: { parameterValues?: { id: string; stringValue: string }[]; activate?: boolean } = {},
) => {
  const pipelineId: string = out(await sendCommand(ctx.sdk, new CreatePipelineCommand({ name: 'conformance-fidelity', uniqueId: fresh() }))).pipelineId;
  recordCreated(ctx.sdk, pipelineId);
  const put = out(
    await sendCommand(ctx.sdk, new PutPipelineDefinitionCommand({ pipelineId, pipelineObjects: objects, parameterValues: options.parameterValues })),
  );
  check(put.errored === false, `the definition errored: ${JSON.stringify(put.validationErrors)}`);
  if (options.activate !== false) out(await sendCommand(ctx.sdk, new ActivatePipelineCommand({ pipelineId })));
  return { pipelineId, put };
};
const poll = async (ctx: CaseContext, workerGroup: string) =>
  out(await sendCommand(ctx.sdk, new PollForTaskCommand({ workerGroup, hostname: 'conformance' }))).taskObject as
    { taskId: string; attemptId: string; objects: Record<string, { fields: Field[] }> } | undefined;
const fieldsOf = async (ctx: CaseContext, pipelineId: string, id: string, evaluateExpressions = false): Promise<Field[]> =>
  (out(await sendCommand(ctx.sdk, new DescribeObjectsCommand({ pipelineId, objectIds: [id], evaluateExpressions }))).pipelineObjects[0]?.fields ??
    []) as Field[];
const value = (fields: Field[], key: string) => fields.find((f) => f.key === key)?.stringValue ?? fields.find((f) => f.key === key)?.refValue;

export const FIDELITY_CASES: readonly Case[] = [
  {
    id: 'fidelity-parameter-values-without-parameter-objects',
    rule: "PutPipelineDefinition with parameterValues and no parameter objects declared (the CLI's --parameter-values; AWS's published walkthrough shows errored: False): the values resolve #{myX} in the task",
    run: async (ctx) => {
      const wg = fresh();
      const { put } = await pipelineWith(
        ctx,
        [obj('Default', { scheduleType: 'ondemand', workerGroup: wg }), obj('Copy', { type: 'ShellCommandActivity', command: 'cp #{myS3LogsPath} .' })],
        {
          parameterValues: [{ id: 'myS3LogsPath', stringValue: 's3://logs/' }],
        },
      );
      check((put.validationErrors ?? []).length === 0, `validation errors: ${JSON.stringify(put.validationErrors)}`);
      const task = await poll(ctx, wg);
      check(value(task?.objects.Copy?.fields ?? [], 'command') === 'cp s3://logs/ .', `the task's command: ${JSON.stringify(task?.objects.Copy)}`);
    },
  },
  {
    id: 'fidelity-runson-wins-over-workergroup',
    rule: 'PollForTask of the resource\'s workerGroup hands out the activity (dp-object-shellcommandactivity: "If you provide a runsOn value and workerGroup exists, workerGroup is ignored")',
    run: async (ctx) => {
      const [resourceGroup, ignored] = [fresh(), fresh()];
      await pipelineWith(ctx, [
        obj('Default', { scheduleType: 'ondemand' }),
        obj('Box', { type: 'Ec2Resource', workerGroup: resourceGroup, role: 'DataPipelineDefaultRole', resourceRole: 'DataPipelineDefaultResourceRole' }),
        obj('Work', { type: 'ShellCommandActivity', command: 'echo', runsOn: { ref: 'Box' }, workerGroup: ignored }),
      ]);
      check((await poll(ctx, resourceGroup))?.attemptId.startsWith('@Work_'), "the resource's worker group got no task");
    },
  },
  {
    id: 'fidelity-precondition-on-its-activitys-worker-group',
    rule: 'PollForTask of the activity\'s worker group hands out its ShellCommandPrecondition that has none (dp-concepts-preconditions: "The workerGroup resource is derived from the activity that uses the precondition"), then the activity',
    run: async (ctx) => {
      const wg = fresh();
      await pipelineWith(ctx, [
        obj('Default', { scheduleType: 'ondemand' }),
        obj('Ready', { type: 'ShellCommandPrecondition', command: 'true' }),
        obj('Work', { type: 'ShellCommandActivity', command: 'echo', workerGroup: wg, precondition: { ref: 'Ready' } }),
      ]);
      const check1 = await poll(ctx, wg);
      check(check1?.attemptId.startsWith('@Ready_'), `expected the precondition's task first, got ${check1?.attemptId}`);
      out(await sendCommand(ctx.sdk, new SetTaskStatusCommand({ taskId: check1!.taskId, taskStatus: 'FINISHED' })));
      const work = await poll(ctx, wg);
      check(work?.attemptId.startsWith('@Work_'), `expected the activity's task once the precondition is met, got ${work?.attemptId}`);
    },
  },
  {
    id: 'fidelity-instance-shows-component-fields-evaluated',
    rule: "DescribeObjects of an instance shows its component's fields; with evaluateExpressions, evaluated in the instance's context (#{@scheduledStartTime} is the instance's)",
    run: async (ctx) => {
      const { pipelineId } = await pipelineWith(ctx, [
        obj('Default', { scheduleType: 'ondemand', workerGroup: fresh() }),
        obj('Dated', { type: 'ShellCommandActivity', command: 'echo #{@scheduledStartTime}' }),
      ]);
      const [instance] = out(await sendCommand(ctx.sdk, new QueryObjectsCommand({ pipelineId, sphere: 'INSTANCE' }))).ids as string[];
      check(instance !== undefined, 'no instance');
      const written = await fieldsOf(ctx, pipelineId, instance);
      check(value(written, 'command') === 'echo #{@scheduledStartTime}', `the instance's command as written: ${value(written, 'command')}`);
      const evaluated = await fieldsOf(ctx, pipelineId, instance, true);
      const start = value(evaluated, '@scheduledStartTime');
      check(
        start !== undefined && value(evaluated, 'command') === `echo ${start}`,
        `the instance's command evaluated: ${value(evaluated, 'command')} (its @scheduledStartTime ${start})`,
      );
    },
  },
  {
    id: 'fidelity-runtime-fields',
    rule: "DescribeObjects shows the runtime fields of the guide's object tables: @cascadeFailedOn on a CASCADE_FAILED instance, @finishedTime on an ended one, @healthStatus and @healthStatusFromInstanceId on its component; PollForTask's instance has the @actualStartTime DescribeObjects shows",
    run: async (ctx) => {
      const wg = fresh();
      const { pipelineId } = await pipelineWith(ctx, [
        obj('Default', { scheduleType: 'ondemand', workerGroup: wg, failureAndRerunMode: 'CASCADE', maximumRetries: '0' }),
        obj('A', { type: 'ShellCommandActivity', command: 'false' }),
        obj('B', { type: 'ShellCommandActivity', command: 'echo', dependsOn: { ref: 'A' } }),
      ]);
      const task = await poll(ctx, wg);
      check(task !== undefined, 'no task');
      out(await sendCommand(ctx.sdk, new SetTaskStatusCommand({ taskId: task!.taskId, taskStatus: 'FAILED' })));
      const a = task!.attemptId.replace(/_Attempt=\d+$/, '');
      const b = a.replace(/^@A_/, '@B_');
      const [fa, fb, component] = [await fieldsOf(ctx, pipelineId, a), await fieldsOf(ctx, pipelineId, b), await fieldsOf(ctx, pipelineId, 'A')];
      const polledStart = value(task!.objects[a]?.fields ?? [], '@actualStartTime');
      check(
        polledStart !== undefined && polledStart === value(fa, '@actualStartTime'),
        `@actualStartTime of ${a}: ${polledStart} in the task, ${value(fa, '@actualStartTime')} in DescribeObjects`,
      );
      check(
        value(fa, '@finishedTime') !== undefined && value(fa, '@finishedTime') === value(fa, '@actualEndTime'),
        `@finishedTime of ${a}: ${JSON.stringify(fa)}`,
      );
      check(value(fb, '@status') === 'CASCADE_FAILED' && value(fb, '@cascadeFailedOn') === a, `@cascadeFailedOn of ${b}: ${JSON.stringify(fb)}`);
      check(value(component, '@healthStatus') === 'ERROR' && value(component, '@healthStatusFromInstanceId') === a, `A's health: ${JSON.stringify(component)}`);
    },
  },
  {
    id: 'fidelity-guide-examples-validate',
    rule: "ValidatePipelineDefinition accepts the guide's own examples: dp-object-exists's #{@scheduledStartTime.format('YYYY-MM-dd-hh:mm')} (a function called as a method) and dp-object-schedule's on-demand Schedule (ONDEMAND_PERIOD, ONDEMAND_ACTIVATION_TIME)",
    run: async (ctx) => {
      const { pipelineId } = await pipelineWith(ctx, [obj('Default', { scheduleType: 'ondemand', workerGroup: fresh() })], { activate: false });
      const objects = [
        obj('Default', { scheduleType: 'ondemand', workerGroup: fresh(), schedule: { ref: 'DefaultSchedule' } }),
        obj('DefaultSchedule', { type: 'Schedule', period: 'ONDEMAND_PERIOD', startAt: 'ONDEMAND_ACTIVATION_TIME' }),
        obj('Data', { type: 'S3DataNode', filePath: "s3://bucket/#{@scheduledStartTime.format('YYYY-MM-dd-hh:mm')}" }),
      ];
      const validated = out(await sendCommand(ctx.sdk, new ValidatePipelineDefinitionCommand({ pipelineId, pipelineObjects: objects })));
      check(validated.errored === false, `validation errors: ${JSON.stringify(validated.validationErrors)}`);
    },
  },
];
