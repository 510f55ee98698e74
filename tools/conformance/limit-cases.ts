/**
 * docs/behaviour.md's Limits section as black-box checks through the API: each bound a request can reach, and
 * the documented answer past it. These are this backend's limits where AWS publishes none (dp-limits.md gives
 * the definition limits, which §7's cases check); an emulator that bounds its work differently fails them, and
 * the cases check the error's code, not our wording.
 */
import {
  ActivatePipelineCommand,
  CreatePipelineCommand,
  DescribePipelinesCommand,
  EvaluateExpressionCommand,
  PollForTaskCommand,
  PutPipelineDefinitionCommand,
  QueryObjectsCommand,
  ReportTaskProgressCommand,
  ReportTaskRunnerHeartbeatCommand,
  ValidatePipelineDefinitionCommand,
} from '@aws-sdk/client-data-pipeline';
import { Case, CaseContext, check, fails, fresh, obj, out, WireObject } from './checks';
import { recordCreated } from './lifecycle-cases';
import { sendCommand } from './probe';

/** A pipeline with this definition (saved whatever its errors), and the answer of the put. */
const withDefinition = async (ctx: CaseContext, pipelineObjects: WireObject[], parameterValues: { id: string; stringValue: string }[] = []) => {
  const pipelineId: string = out(await sendCommand(ctx.sdk, new CreatePipelineCommand({ name: 'conformance-limits', uniqueId: fresh() }))).pipelineId;
  recordCreated(ctx.sdk, pipelineId);
  const put = out(await sendCommand(ctx.sdk, new PutPipelineDefinitionCommand({ pipelineId, pipelineObjects, parameterValues })));
  return { pipelineId, put };
};

const ACTIVITY = (extra: Record<string, string | { ref: string } | string[]> = {}) =>
  obj('Act', { type: 'ShellCommandActivity', command: 'echo x', workerGroup: fresh(), ...extra });
const evaluate = async (ctx: CaseContext, pipelineId: string, expression: string) =>
  sendCommand(ctx.sdk, new EvaluateExpressionCommand({ pipelineId, objectId: 'Act', expression }));
const emoji = (n: number) => '😀'.repeat(n);
const messagesOf = (put: { validationErrors?: { id: string; errors: string[] }[] }, id: string) => put.validationErrors?.find((e) => e.id === id)?.errors ?? [];

export const LIMIT_CASES: readonly Case[] = [
  {
    id: 'limits-expression-nesting',
    rule: 'EvaluateExpression: parentheses, calls and signs nested 32 deep evaluate; 33 deep, or 20,000, is InvalidRequestException',
    run: async (ctx) => {
      const { pipelineId } = await withDefinition(ctx, [ACTIVITY()]);
      check(out(await evaluate(ctx, pipelineId, `#{${'('.repeat(32)}1+2${')'.repeat(32)}}`)).evaluatedExpression === '3', 'nesting 32');
      fails(await evaluate(ctx, pipelineId, `#{${'('.repeat(33)}1${')'.repeat(33)}}`), 'InvalidRequestException');
      fails(await evaluate(ctx, pipelineId, `#{${'('.repeat(20_000)}1${')'.repeat(20_000)}}`), 'InvalidRequestException');
      fails(await evaluate(ctx, pipelineId, `#{${'-'.repeat(10_239)}1}`), 'InvalidRequestException');
    },
  },
  {
    id: 'limits-expression-memoized',
    rule: 'EvaluateExpression: fields referring to each other (fan-out 9, depth 8) are each evaluated once: the answer, not a timeout',
    run: async (ctx) => {
      const fields: Record<string, string> = { myF0: '1' };
      for (let level = 1; level <= 8; level++)
        fields[`myF${level}`] = `#{${Array(9)
          .fill(`myF${level - 1}`)
          .join('+')}}`;
      const { pipelineId } = await withDefinition(ctx, [ACTIVITY(fields)]);
      const answer = out(await evaluate(ctx, pipelineId, '#{myF8}')).evaluatedExpression;
      check(answer === String(9 ** 8), `expected ${9 ** 8}, got ${answer}`);
    },
  },
  {
    id: 'limits-expression-budget',
    rule: 'EvaluateExpression: a list of 49 values added to itself six times (49^6 values) is over the step budget: InvalidRequestException',
    run: async (ctx) => {
      const values = Array.from({ length: 49 }, (_, i) => ({ id: 'myL', stringValue: String(i) }));
      const { pipelineId } = await withDefinition(ctx, [ACTIVITY()], values);
      fails(await evaluate(ctx, pipelineId, '#{myL+myL+myL+myL+myL+myL}'), 'InvalidRequestException');
    },
  },
  {
    id: 'limits-expression-dates',
    rule: 'EvaluateExpression: a date outside years 1 to 9999 is InvalidRequestException, in UTC and in a time zone',
    run: async (ctx) => {
      const { pipelineId } = await withDefinition(ctx, [ACTIVITY()]);
      fails(await evaluate(ctx, pipelineId, "#{plusYears('2011-05-24T17:10:00', 999999999)}"), 'InvalidRequestException');
      fails(await evaluate(ctx, pipelineId, "#{plusYears(inTimeZone('2011-05-24T17:10:00','America/Los_Angeles'), 999999999)}"), 'InvalidRequestException');
      fails(await evaluate(ctx, pipelineId, "#{minusYears('2011-05-24T17:10:00', 2011)}"), 'InvalidRequestException');
    },
  },
  {
    id: 'limits-time-zones',
    rule: 'EvaluateExpression: a time-zone name over 64 characters is InvalidRequestException; any letter case of an IANA name is that zone',
    run: async (ctx) => {
      const { pipelineId } = await withDefinition(ctx, [ACTIVITY()]);
      fails(await evaluate(ctx, pipelineId, `#{inTimeZone('2011-05-24T17:10:00','${'A'.repeat(100_000)}')}`), 'InvalidRequestException');
      for (const spelled of ['America/Los_Angeles', 'AMERICA/LOS_ANGELES', 'aMeRiCa/lOs_aNgElEs']) {
        const answer = out(await evaluate(ctx, pipelineId, `#{inTimeZone('2011-05-24T17:10:00','${spelled}')}`)).evaluatedExpression;
        check(answer === '2011-05-24T10:10:00-07:00', `${spelled}: ${answer}`);
      }
    },
  },
  {
    id: 'limits-schedule-from-year-1',
    rule: 'ActivatePipeline: a 15-minute schedule from 0001-01-01 backfills 5 periods, and the pipeline answers DescribePipelines and QueryObjects',
    run: async (ctx) => {
      const { pipelineId, put } = await withDefinition(ctx, [
        obj('Default', { scheduleType: 'cron', workerGroup: fresh(), schedule: { ref: 'Every15' } }),
        obj('Every15', { type: 'Schedule', period: '15 minutes', startDateTime: '0001-01-01T00:00:00' }),
        obj('Act', { type: 'ShellCommandActivity', command: 'echo x' }),
      ]);
      check(put.errored === false, `errored: ${JSON.stringify(put.validationErrors)}`);
      out(await sendCommand(ctx.sdk, new ActivatePipelineCommand({ pipelineId })));
      out(await sendCommand(ctx.sdk, new DescribePipelinesCommand({ pipelineIds: [pipelineId] })));
      const ids: string[] = out(await sendCommand(ctx.sdk, new QueryObjectsCommand({ pipelineId, sphere: 'INSTANCE' }))).ids ?? [];
      check(ids.length === 5 && ids.every((id) => id.includes('_0001-01-01T')), `instances ${JSON.stringify(ids)}`);
    },
  },
  {
    id: 'limits-start-timestamp',
    rule: 'ActivatePipeline: a startTimestamp outside years 1 to 9999 (8.64e12 seconds) is InvalidRequestException',
    run: async (ctx) => {
      const { pipelineId } = await withDefinition(ctx, [ACTIVITY()]);
      fails(await sendCommand(ctx.sdk, new ActivatePipelineCommand({ pipelineId, startTimestamp: new Date(8.64e15) })), 'InvalidRequestException');
    },
  },
  {
    id: 'limits-zero-period',
    rule: 'PutPipelineDefinition: a Schedule period of zero length is INVALID_FIELD_VALUE (with relaxed limits too), so the pipeline cannot be activated',
    run: async (ctx) => {
      const { pipelineId, put } = await withDefinition(ctx, [
        obj('Default', { workerGroup: fresh(), schedule: { ref: 'Never' } }),
        obj('Never', { type: 'Schedule', period: '0 minutes', startDateTime: '2026-01-01T00:00:00' }),
        obj('Act', { type: 'ShellCommandActivity', command: 'echo x' }),
      ]);
      check(put.errored === true && messagesOf(put, 'Never').some((m) => m.startsWith('INVALID_FIELD_VALUE')), `put: ${JSON.stringify(put.validationErrors)}`);
      fails(await sendCommand(ctx.sdk, new ActivatePipelineCommand({ pipelineId })), 'InvalidRequestException');
    },
  },
  {
    id: 'limits-validation-answer',
    rule: 'ValidatePipelineDefinition lists at most 50 messages an object and 500 an answer, and says how many it left out',
    run: async (ctx) => {
      const { pipelineId } = await withDefinition(ctx, [ACTIVITY()]);
      const objects = Array.from({ length: 20 }, (_, i) => ({
        id: `A${i}`,
        name: `A${i}`,
        fields: [{ key: 'type', stringValue: 'ShellCommandActivity' }, ...Array.from({ length: 100 }, (_, j) => ({ key: `f${j}`, refValue: `missing${j}` }))],
      }));
      const answer = out(await sendCommand(ctx.sdk, new ValidatePipelineDefinitionCommand({ pipelineId, pipelineObjects: objects })));
      const lists: string[][] = answer.validationErrors.map((e: { errors: string[] }) => e.errors);
      check(
        lists.every((l) => l.length <= 51),
        `a list of ${Math.max(...lists.map((l) => l.length))} messages`,
      );
      check(lists.flat().filter((m) => !m.startsWith('...')).length === 500, `${lists.flat().length} messages in all`);
      check(
        lists.flat().some((m) => /not shown/.test(m)),
        'no message says what was left out',
      );
    },
  },
  {
    id: 'limits-depends-on-cycle',
    rule: 'PutPipelineDefinition: dependsOn cycles (A on B and B on A; A on itself) are INVALID_FIELD_VALUE errors; ActivatePipeline refuses them',
    run: async (ctx) => {
      const workerGroup = fresh();
      const act = (id: string, on: string) => obj(id, { type: 'ShellCommandActivity', command: 'echo x', workerGroup, dependsOn: { ref: on } });
      for (const objects of [[act('A', 'B'), act('B', 'A')], [act('A', 'A')]]) {
        const { pipelineId, put } = await withDefinition(ctx, [obj('Default', { scheduleType: 'ondemand' }), ...objects]);
        check(
          put.errored === true && messagesOf(put, 'A').some((m) => m.startsWith('INVALID_FIELD_VALUE') && /dependsOn/.test(m)),
          `put: ${JSON.stringify(put.validationErrors)}`,
        );
        fails(await sendCommand(ctx.sdk, new ActivatePipelineCommand({ pipelineId })), 'InvalidRequestException');
      }
    },
  },
  {
    id: 'limits-key-bytes',
    rule: "keys are measured in UTF-8: a worker group over 1,014 bytes (PollForTask, or an activity's) and a taskrunnerId over 1,024 bytes (ReportTaskRunnerHeartbeat) are refused; at the bound they are served",
    run: async (ctx) => {
      fails(await sendCommand(ctx.sdk, new PollForTaskCommand({ workerGroup: emoji(254) })), 'InvalidRequestException');
      fails(await sendCommand(ctx.sdk, new ReportTaskRunnerHeartbeatCommand({ taskrunnerId: emoji(1024) })), 'InvalidRequestException');
      out(await sendCommand(ctx.sdk, new ReportTaskRunnerHeartbeatCommand({ taskrunnerId: emoji(256), workerGroup: emoji(253) })));
      const { put } = await withDefinition(ctx, [
        obj('Default', { scheduleType: 'ondemand' }),
        obj('Act', { type: 'ShellCommandActivity', command: 'x', workerGroup: emoji(254) }),
      ]);
      check(
        messagesOf(put, 'Act').some((m) => m.startsWith('LIMIT_EXCEEDED')),
        `put: ${JSON.stringify(put.validationErrors)}`,
      );
    },
  },
  {
    id: 'limits-reported-fields',
    rule: 'ReportTaskProgress: fields over 96 KB (as JSON) are InvalidRequestException; smaller ones are kept',
    run: async (ctx) => {
      const workerGroup = fresh();
      const { pipelineId, put } = await withDefinition(ctx, [
        obj('Default', { scheduleType: 'ondemand', workerGroup }),
        obj('Act', { type: 'ShellCommandActivity', command: 'echo x' }),
      ]);
      check(put.errored === false, `errored: ${JSON.stringify(put.validationErrors)}`);
      out(await sendCommand(ctx.sdk, new ActivatePipelineCommand({ pipelineId })));
      const task = out(await sendCommand(ctx.sdk, new PollForTaskCommand({ workerGroup }))).taskObject;
      check(task?.taskId, 'no task handed out');
      const field = (n: number) => Array.from({ length: n }, (_, i) => ({ key: `k${i}`, stringValue: 'v'.repeat(1000) }));
      fails(await sendCommand(ctx.sdk, new ReportTaskProgressCommand({ taskId: task.taskId, fields: field(200) })), 'InvalidRequestException');
      out(await sendCommand(ctx.sdk, new ReportTaskProgressCommand({ taskId: task.taskId, fields: field(50) })));
    },
  },
];
