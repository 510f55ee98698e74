/**
 * docs/behaviour.md §1-3 (SetTaskStatus) as black-box checks: every case talks to the endpoint over HTTP through
 * the real SDK (rewriting the request where the SDK would refuse to send it). Tasks are made through the API (an
 * on-demand pipeline activated, its attempt polled) and their outcome read back from the attempt
 * (DescribeObjects); the two cases whose task cannot be made so (its pipeline never written) seed the tables.
 */
import { randomBytes } from 'node:crypto';
import {
  ActivatePipelineCommand,
  CreatePipelineCommand,
  DataPipelineClient,
  DeletePipelineCommand,
  DescribeObjectsCommand,
  InvalidRequestException,
  PipelineDeletedException,
  PipelineNotFoundException,
  PollForTaskCommand,
  PutPipelineDefinitionCommand,
  SetStatusCommand,
  TaskNotFoundException,
} from '@aws-sdk/client-data-pipeline';
import { EMPTY_PLAN, newAttemptId, newPipelineId, newTaskId, seed, SeededTask, SeedPlan, writeTasks } from '../seeding';
import { recordCreated } from './lifecycle-cases';
import { Case, CaseContext, check, fails, ok } from './checks';
import { send } from './probe';

/** The tables of a case that seeds (`needsTables`: skipped when the run has no table access). */
const tablesOf = (ctx: CaseContext) => {
  if (!ctx.tables) throw new Error('this case needs table access');
  return ctx.tables;
};
const seedOne = async (ctx: CaseContext, plan: Partial<SeedPlan>): Promise<SeededTask> =>
  (await seed(tablesOf(ctx).client, tablesOf(ctx).names, { ...EMPTY_PLAN, ...plan }, tablesOf(ctx)))[0];
interface ApiTask {
  readonly taskId: string;
  readonly pipelineId: string;
  readonly attemptId: string;
}

/** A RUNNING task made through the API: an on-demand pipeline of one activity, activated, its attempt polled. */
const running = async (ctx: CaseContext): Promise<ApiTask> => {
  const wg = `conformance-${randomBytes(6).toString('hex')}`;
  const pipelineId = (await ctx.sdk.send(new CreatePipelineCommand({ name: 'conformance-task', uniqueId: wg }))).pipelineId!;
  recordCreated(ctx.sdk, pipelineId);
  const objects = [
    {
      id: 'Default',
      name: 'Default',
      fields: [
        { key: 'scheduleType', stringValue: 'ondemand' },
        { key: 'workerGroup', stringValue: wg },
      ],
    },
    {
      id: 'Task',
      name: 'Task',
      fields: [
        { key: 'type', stringValue: 'ShellCommandActivity' },
        { key: 'command', stringValue: 'true' },
      ],
    },
  ];
  check((await ctx.sdk.send(new PutPipelineDefinitionCommand({ pipelineId, pipelineObjects: objects }))).errored === false, 'the definition was refused');
  await ctx.sdk.send(new ActivatePipelineCommand({ pipelineId }));
  const task = (await ctx.sdk.send(new PollForTaskCommand({ workerGroup: wg }))).taskObject;
  check(task?.taskId && task.attemptId, 'PollForTask handed out no task');
  return { taskId: task!.taskId!, pipelineId, attemptId: task!.attemptId! };
};

/** The task's attempt as DescribeObjects shows it: key → value. */
const attemptOf = async (ctx: CaseContext, t: ApiTask): Promise<Record<string, string | undefined>> => {
  const described = await ctx.sdk.send(new DescribeObjectsCommand({ pipelineId: t.pipelineId, objectIds: [t.attemptId] }));
  return Object.fromEntries((described.pipelineObjects?.[0]?.fields ?? []).map((f) => [f.key, f.stringValue ?? f.refValue]));
};
const state = async (ctx: CaseContext, t: ApiTask) => JSON.stringify(await attemptOf(ctx, t));

/** A rewrite that sets a header (replacing it in any letter case), or removes it when `value` is undefined. */
const header = (name: string, value?: string) => (r: { headers: Record<string, string> }) => {
  for (const key of Object.keys(r.headers)) if (key.toLowerCase() === name) delete r.headers[key];
  if (value !== undefined) r.headers[name] = value;
};

const call = (ctx: CaseContext, input: Record<string, unknown>, rewrite?: Parameters<typeof send>[2]) => send(ctx.sdk, input, rewrite);
const unknownTask = { taskId: 'conformance-unknown-task', taskStatus: 'FINISHED' };
const PATTERN = '[\\u0020-\\uD7FF\\uE000-\\uFFFD\\uD800\\uDC00-\\uDBFF\\uDFFF\\r\\n\\t]*';
const invalid = (member: string, constraint: string, value = 'Value') =>
  `1 validation error detected: ${value} at '${member}' failed to satisfy constraint: ${constraint}`;

export const SET_TASK_STATUS_CASES: readonly Case[] = [
  // 1. The wire
  {
    id: 'wire-success',
    rule: 'success is 200 with {} and the JSON 1.1 content type, and carries x-amzn-RequestId',
    run: async (ctx) => {
      const t = await running(ctx);
      const a = await call(ctx, { taskId: t.taskId, taskStatus: 'FINISHED' });
      ok(a);
      check(a.headers['content-type']?.startsWith('application/x-amz-json-1.1'), `content type ${a.headers['content-type']}`);
      check(a.headers['x-amzn-requestid'], 'no x-amzn-RequestId');
    },
  },
  {
    id: 'wire-error-shape',
    rule: 'an error has __type and message, an x-amzn-ErrorType header equal to __type, and a request id',
    run: async (ctx) => {
      const a = await call(ctx, unknownTask);
      fails(a, 'TaskNotFoundException', { typed: TaskNotFoundException });
      check(a.headers['x-amzn-errortype']?.split(':')[0] === 'TaskNotFoundException', `x-amzn-ErrorType ${a.headers['x-amzn-errortype']}`);
      check(a.headers['x-amzn-requestid'] && a.error?.$metadata?.requestId === a.headers['x-amzn-requestid'], 'no request id on the error');
    },
  },
  {
    id: 'wire-missing-target',
    rule: 'a request without X-Amz-Target is UnknownOperationException',
    run: async (ctx) => fails(await call(ctx, unknownTask, header('x-amz-target')), 'UnknownOperationException'),
  },
  {
    id: 'wire-other-operation',
    rule: 'another operation in X-Amz-Target is UnknownOperationException',
    run: async (ctx) => fails(await call(ctx, unknownTask, header('x-amz-target', 'DataPipeline.NoSuchOperation')), 'UnknownOperationException'),
  },
  {
    id: 'wire-bad-json',
    rule: 'a body that is not JSON is SerializationException',
    run: async (ctx) => fails(await call(ctx, unknownTask, (r) => (r.body = '{"taskId": ')), 'SerializationException'),
  },
  {
    id: 'wire-not-object',
    rule: 'a JSON body that is not an object is SerializationException',
    run: async (ctx) => fails(await call(ctx, unknownTask, (r) => (r.body = '["taskId"]')), 'SerializationException'),
  },
  {
    id: 'wire-wrong-type',
    rule: 'a member of the wrong JSON type is SerializationException',
    run: async (ctx) => fails(await call(ctx, { taskId: 42, taskStatus: 'FINISHED' }), 'SerializationException'),
  },
  {
    id: 'wire-null-member',
    rule: 'a null member counts as absent',
    run: async (ctx) =>
      fails(await call(ctx, { taskId: 'x', taskStatus: null }), 'InvalidRequestException', {
        typed: InvalidRequestException,
        message: invalid('taskStatus', 'Member must not be null', 'Value null'),
      }),
  },
  {
    id: 'wire-unknown-member',
    rule: 'unknown members are ignored',
    run: async (ctx) => {
      const t = await running(ctx);
      ok(await call(ctx, { taskId: t.taskId, taskStatus: 'FINISHED', somethingNew: { nested: [1, 2] } }));
    },
  },
  {
    id: 'wire-empty-body',
    rule: 'an empty body counts as {}',
    run: async (ctx) =>
      fails(await call(ctx, unknownTask, (r) => (r.body = '')), 'InvalidRequestException', {
        message: /^2 validation errors detected: Value null at 'taskId'.*; Value null at 'taskStatus'/,
      }),
  },
  {
    id: 'wire-content-type',
    rule: 'the Content-Type is not checked',
    run: async (ctx) => fails(await call(ctx, unknownTask, header('content-type', 'text/plain')), 'TaskNotFoundException'),
  },
  {
    id: 'wire-signing-name',
    rule: 'deployed, a call signed for datapipeline instead of execute-api is InvalidSignatureException',
    run: async (ctx) => {
      if (ctx.isLocal) return { skip: 'the local endpoint checks no signatures' };
      const wrong = new DataPipelineClient({ endpoint: ctx.endpoint, region: await ctx.sdk.config.region(), maxAttempts: 1 });
      try {
        fails(await send(wrong, unknownTask), 'InvalidSignatureException');
      } finally {
        wrong.destroy();
      }
      return undefined;
    },
  },
  {
    id: 'wire-body-limit',
    rule: 'a body over 6 MB is 413 RequestEntityTooLargeException (local endpoint)',
    run: async (ctx) => {
      if (!ctx.isLocal) return { skip: "deployed, the limits are API Gateway's and Lambda's" };
      const big = JSON.stringify({ ...unknownTask, errorMessage: 'm'.repeat(6 * 1024 * 1024) });
      fails(await call(ctx, unknownTask, (r) => (r.body = big)), 'RequestEntityTooLargeException');
      return undefined;
    },
  },
  // 2. Validation
  {
    id: 'validate-taskId-required',
    rule: 'taskId is required',
    run: async (ctx) =>
      fails(await call(ctx, { taskStatus: 'FINISHED' }), 'InvalidRequestException', {
        message: invalid('taskId', 'Member must not be null', 'Value null'),
      }),
  },
  {
    id: 'validate-taskId-length',
    rule: 'taskId has 1 to 2048 characters',
    run: async (ctx) => {
      fails(await call(ctx, { taskId: '', taskStatus: 'FINISHED' }), 'InvalidRequestException', {
        message: invalid('taskId', 'Member must have length greater than or equal to 1'),
      });
      fails(await call(ctx, { taskId: 'a'.repeat(2049), taskStatus: 'FINISHED' }), 'InvalidRequestException', {
        message: invalid('taskId', 'Member must have length less than or equal to 2048'),
      });
      fails(await call(ctx, { taskId: 'a'.repeat(2048), taskStatus: 'FINISHED' }), 'TaskNotFoundException');
    },
  },
  {
    id: 'validate-taskId-pattern',
    rule: 'taskId follows the documented pattern (no control characters but CR LF TAB)',
    run: async (ctx) => {
      fails(await call(ctx, { taskId: 'a\u0001b', taskStatus: 'FINISHED' }), 'InvalidRequestException', {
        message: invalid('taskId', `Member must satisfy regular expression pattern: ${PATTERN}`),
      });
      fails(await call(ctx, { taskId: 'a\r\n\tb', taskStatus: 'FINISHED' }), 'TaskNotFoundException');
    },
  },
  {
    id: 'validate-taskId-key-size',
    rule: 'a taskId over 2048 UTF-8 bytes (but within 2048 characters) names no task',
    run: async (ctx) => fails(await call(ctx, { taskId: '\u20ac'.repeat(700), taskStatus: 'FINISHED' }), 'TaskNotFoundException'),
  },
  {
    id: 'validate-taskStatus-enum',
    rule: 'taskStatus is one of FINISHED, FAILED, FALSE; the value is echoed',
    run: async (ctx) =>
      fails(await call(ctx, { taskId: 'x', taskStatus: 'RUNNING' }), 'InvalidRequestException', {
        message: invalid('taskStatus', 'Member must satisfy enum value set: [FINISHED, FAILED, FALSE]', "Value 'RUNNING'"),
      }),
  },
  {
    id: 'validate-errorStackTrace-length',
    rule: "errorStackTrace has at most 4095 characters (the API page, not the model's 1024)",
    run: async (ctx) => {
      fails(await call(ctx, { ...unknownTask, errorStackTrace: 's'.repeat(4095) }), 'TaskNotFoundException');
      fails(await call(ctx, { ...unknownTask, errorStackTrace: 's'.repeat(4096) }), 'InvalidRequestException', {
        message: invalid('errorStackTrace', 'Member must have length less than or equal to 4095'),
      });
    },
  },
  {
    id: 'validate-errorId-prefix',
    rule: 'errorId must not start with Service_',
    run: async (ctx) => {
      fails(await call(ctx, { ...unknownTask, errorId: 'Service_Failure' }), 'InvalidRequestException', {
        message: invalid('errorId', "Member must not start with 'Service_', which is reserved by the service"),
      });
      fails(await call(ctx, { ...unknownTask, errorId: 'service_failure' }), 'TaskNotFoundException');
    },
  },
  {
    id: 'validate-errorMessage-bound',
    rule: 'errorMessage has at most 65536 characters',
    run: async (ctx) => {
      fails(await call(ctx, { ...unknownTask, errorMessage: 'm'.repeat(65536) }), 'TaskNotFoundException');
      fails(await call(ctx, { ...unknownTask, errorMessage: 'm'.repeat(65537) }), 'InvalidRequestException', {
        message: invalid('errorMessage', 'Member must have length less than or equal to 65536'),
      });
    },
  },
  {
    id: 'validate-errorMessage-unicode',
    rule: 'errorMessage takes control characters but no unpaired surrogate',
    run: async (ctx) => {
      fails(await call(ctx, { ...unknownTask, errorMessage: 'bell\u0007 nul\u0000' }), 'TaskNotFoundException');
      fails(
        await call(ctx, unknownTask, (r) => (r.body = '{"taskId":"conformance-unknown-task","taskStatus":"FINISHED","errorMessage":"x\\ud800y"}')),
        'InvalidRequestException',
        { message: invalid('errorMessage', 'Member must be well-formed Unicode text (no unpaired surrogate code unit)') },
      );
    },
  },
  {
    id: 'validate-all-listed',
    rule: 'every violation is listed and counted',
    run: async (ctx) =>
      fails(await call(ctx, { taskStatus: 'DONE', errorId: 'Service_x' }), 'InvalidRequestException', {
        message: /^3 validation errors detected: Value null at 'taskId'.*; Value 'DONE' at 'taskStatus'.*; Value at 'errorId'/,
      }),
  },
  {
    id: 'validate-before-lookup',
    rule: 'an invalid request for a task that does not exist is InvalidRequestException',
    run: async (ctx) => fails(await call(ctx, { taskId: 'conformance-unknown-task', taskStatus: 'DONE' }), 'InvalidRequestException'),
  },
  // 3. State rules
  {
    id: 'state-unknown-task',
    rule: 'an unknown taskId is TaskNotFoundException',
    run: async (ctx) => fails(await call(ctx, unknownTask), 'TaskNotFoundException', { typed: TaskNotFoundException }),
  },
  {
    id: 'state-missing-pipeline',
    needsTables: true,
    rule: 'a task whose pipeline does not exist is PipelineNotFoundException',
    run: async (ctx) => {
      const t = await seedOne(ctx, { missingPipelines: 1 });
      fails(await call(ctx, { taskId: t.taskId, taskStatus: 'FINISHED' }), 'PipelineNotFoundException', { typed: PipelineNotFoundException });
    },
  },
  {
    id: 'state-deleted-pipeline',
    rule: 'a task of a deleted pipeline is PipelineDeletedException, every time',
    run: async (ctx) => {
      const t = await running(ctx);
      await ctx.sdk.send(new DeletePipelineCommand({ pipelineId: t.pipelineId }));
      fails(await call(ctx, { taskId: t.taskId, taskStatus: 'FINISHED' }), 'PipelineDeletedException', { typed: PipelineDeletedException });
      fails(await call(ctx, { taskId: t.taskId, taskStatus: 'FAILED' }), 'PipelineDeletedException');
    },
  },
  {
    id: 'state-deleted-before-canceled',
    needsTables: true,
    rule: 'a deleted pipeline wins over a canceled task',
    run: async (ctx) => {
      const t: SeededTask = {
        taskId: newTaskId(),
        pipelineId: newPipelineId(),
        attemptId: newAttemptId(new Date()),
        pipelineState: 'DELETED',
        taskState: 'CANCELED',
      };
      await writeTasks(tablesOf(ctx).client, tablesOf(ctx).names, [t], new Date(), tablesOf(ctx));
      fails(await call(ctx, { taskId: t.taskId, taskStatus: 'FINISHED' }), 'PipelineDeletedException');
    },
  },
  {
    id: 'state-finish',
    rule: 'a RUNNING task moves to FINISHED; its attempt records the status and an end time',
    run: async (ctx) => {
      const t = await running(ctx);
      ok(await call(ctx, { taskId: t.taskId, taskStatus: 'FINISHED' }));
      const attempt = await attemptOf(ctx, t);
      check(attempt['@status'] === 'FINISHED', 'attempt not FINISHED');
      check(!Number.isNaN(Date.parse(`${attempt['@actualEndTime']}Z`)), 'attempt has no @actualEndTime');
      check(
        attempt.errorId === undefined && attempt.errorMessage === undefined && attempt.errorStackTrace === undefined,
        'attempt has error fields nobody sent',
      );
    },
  },
  {
    id: 'state-fail-with-error-fields',
    rule: 'a RUNNING task moves to FAILED; its attempt records exactly the error fields given',
    run: async (ctx) => {
      const t = await running(ctx);
      ok(await call(ctx, { taskId: t.taskId, taskStatus: 'FAILED', errorId: 'E42', errorMessage: 'disk full', errorStackTrace: '' }));
      const a = await attemptOf(ctx, t);
      check(a['@status'] === 'FAILED' && a.errorId === 'E42' && a.errorMessage === 'disk full' && a.errorStackTrace === '', `attempt is ${JSON.stringify(a)}`);
    },
  },
  {
    id: 'state-false',
    rule: 'a RUNNING task moves to FALSE (preconditions)',
    run: async (ctx) => {
      const t = await running(ctx);
      ok(await call(ctx, { taskId: t.taskId, taskStatus: 'FALSE' }));
      check((await attemptOf(ctx, t))['@status'] === 'FALSE', 'attempt not FALSE');
    },
  },
  {
    id: 'state-repeat',
    rule: 'the same status again is 200 and changes nothing, error fields included',
    run: async (ctx) => {
      const t = await running(ctx);
      ok(await call(ctx, { taskId: t.taskId, taskStatus: 'FAILED', errorMessage: 'first' }));
      const before = await state(ctx, t);
      ok(await call(ctx, { taskId: t.taskId, taskStatus: 'FAILED', errorMessage: 'second' }));
      check((await state(ctx, t)) === before, 'the repeat changed the task or the attempt');
    },
  },
  {
    id: 'state-conflict',
    rule: 'another status for a finished task is InvalidRequestException naming the current status, and changes nothing',
    run: async (ctx) => {
      const t = await running(ctx);
      ok(await call(ctx, { taskId: t.taskId, taskStatus: 'FINISHED' }));
      const before = await state(ctx, t);
      fails(await call(ctx, { taskId: t.taskId, taskStatus: 'FAILED' }), 'InvalidRequestException', { typed: InvalidRequestException, message: /FINISHED/ });
      check((await state(ctx, t)) === before, 'the refused call changed the task or the attempt');
    },
  },
  {
    id: 'state-canceled',
    rule: 'a task the service canceled answers 200 and changes nothing',
    run: async (ctx) => {
      const t = await running(ctx);
      await ctx.sdk.send(new SetStatusCommand({ pipelineId: t.pipelineId, objectIds: [t.attemptId.replace(/_Attempt=\d+$/, '')], status: 'TRY_CANCEL' }));
      const before = await state(ctx, t);
      check(JSON.parse(before)['@status'] === 'CANCELED', 'TRY_CANCEL did not cancel the attempt');
      ok(await call(ctx, { taskId: t.taskId, taskStatus: 'FAILED' }));
      check((await state(ctx, t)) === before, 'the canceled task changed');
    },
  },
  {
    id: 'state-concurrent',
    rule: 'of 32 concurrent calls with different statuses exactly one status wins; task and attempt agree',
    run: async (ctx) => {
      const t = await running(ctx);
      const statuses = ['FINISHED', 'FAILED', 'FALSE'];
      const answers = await Promise.all(
        Array.from({ length: 32 }, (_, i) => call(ctx, { taskId: t.taskId, taskStatus: statuses[i % 3], errorId: `caller-${i}` })),
      );
      const attempt = await attemptOf(ctx, t);
      const winner = attempt['@status'];
      check(winner && statuses.includes(winner), `attempt status is ${winner}`);
      answers.forEach((a, i) => {
        if (statuses[i % 3] === winner) ok(a);
        else fails(a, 'InvalidRequestException');
      });
      // The winner's own error id is on the attempt: one call's outcome, not a mix.
      const winners = answers.map((a, i) => (a.status === 200 ? `caller-${i}` : undefined)).filter((x) => x !== undefined);
      check(winners.includes(attempt.errorId!), `the attempt's errorId ${attempt.errorId} is not one of the winning calls'`);
    },
  },
];
