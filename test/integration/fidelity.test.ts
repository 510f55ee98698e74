/** Where the Developer Guide or AWS's own published usage says what happens (issue 18), on a real engine. */
import { dispatcherFor, startTestEngine, TestEngine } from '../support/engine';
import { createPipeline, newCaller, object, op } from '../support/pipelines';

let engine: TestEngine;
beforeAll(async () => {
  engine = await startTestEngine();
});
afterAll(() => engine.close());

const setUp = async (options: { relaxed?: boolean } = {}) => {
  const caller = newCaller();
  const dispatch = dispatcherFor(engine, { limits: { relaxed: options.relaxed ?? false } });
  const call = (operation: string, input: Record<string, unknown>, budgetMs?: number) => op(dispatch, operation, input, caller, budgetMs);
  return { call, pipelineId: await createPipeline(dispatch, caller) };
};

describe('parameters as the AWS CLI puts them (--parameter-values, no parameter objects)', () => {
  const objects = [
    object('Default', { scheduleType: 'ondemand', workerGroup: 'wg-params' }),
    object('Copy', { type: 'ShellCommandActivity', command: 'aws s3 cp #{myS3LogsPath} #{myTarget}' }),
  ];

  it('values given with the definition: errored false, and the task carries them', async () => {
    const { call, pipelineId } = await setUp();
    const put = await call('PutPipelineDefinition', {
      pipelineId,
      pipelineObjects: objects,
      parameterValues: [
        { id: 'myS3LogsPath', stringValue: 's3://logs/' },
        { id: 'myTarget', stringValue: '/tmp' },
      ],
    });
    expect(put.body).toEqual({ errored: false, validationErrors: [], validationWarnings: [] });
    expect((await call('GetPipelineDefinition', { pipelineId })).body.parameterValues).toEqual([
      { id: 'myS3LogsPath', stringValue: 's3://logs/' },
      { id: 'myTarget', stringValue: '/tmp' },
    ]);
    expect((await call('ActivatePipeline', { pipelineId })).status).toBe(200);
    const task = (await call('PollForTask', { workerGroup: 'wg-params' }, 3000)).body.taskObject;
    expect(task.objects.Copy.fields).toContainEqual({ key: 'command', stringValue: 'aws s3 cp s3://logs/ /tmp' });
  });

  it('without values: saved with a warning; activation names what has no value; activation with the values runs', async () => {
    const { call, pipelineId } = await setUp();
    const put = await call('PutPipelineDefinition', { pipelineId, pipelineObjects: objects });
    expect(put.body.errored).toBe(false);
    expect(put.body.validationWarnings).toEqual([
      { id: 'Copy', warnings: [expect.stringMatching(/^UNDECLARED_PARAMETER: field 'command' refers to 'myS3LogsPath'/), expect.stringMatching(/'myTarget'/)] },
    ]);
    const refused = await call('ActivatePipeline', { pipelineId });
    expect(refused.status).toBe(400);
    expect(refused.body.message).toMatch(/refers to 'myS3LogsPath', which has no value/);
    const given = await call('ActivatePipeline', {
      pipelineId,
      parameterValues: [
        { id: 'myS3LogsPath', stringValue: 's3://x/' },
        { id: 'myTarget', stringValue: '.' },
      ],
    });
    expect(given.status).toBe(200);
    expect((await call('PollForTask', { workerGroup: 'wg-params' }, 3000)).body.taskObject.objects.Copy.fields).toContainEqual({
      key: 'command',
      stringValue: 'aws s3 cp s3://x/ .',
    });
  });
});

describe('user-managed preconditions (dp-concepts-preconditions)', () => {
  it("a precondition's #{node...} fields: DescribeObjects with evaluateExpressions shows its instance and attempt as the runner got them (hostile review)", async () => {
    const { call, pipelineId } = await setUp();
    const check = "check #{format(minusMinutes(node.@scheduledStartTime,30),'YYYY-MM-dd hh:mm:ss')} #{node.name}";
    await call('PutPipelineDefinition', {
      pipelineId,
      pipelineObjects: [
        object('Default', { scheduleType: 'ondemand' }),
        object('Ready', { type: 'ShellCommandPrecondition', command: check }),
        object('Work', { type: 'ShellCommandActivity', command: 'echo go', workerGroup: 'wg-node-describe', precondition: { ref: 'Ready' } }),
      ],
    });
    expect((await call('ActivatePipeline', { pipelineId })).status).toBe(200);
    const task = (await call('PollForTask', { workerGroup: 'wg-node-describe' }, 3000)).body.taskObject;
    expect(task.attemptId).toMatch(/^@Ready_/);
    const polled = (task.objects.Ready.fields as { key: string; stringValue?: string }[]).find((f) => f.key === 'command')!.stringValue;
    expect(polled).toMatch(/^check \d{4}-\d\d-\d\d \d\d:\d\d:\d\d Work$/);
    const instanceId = task.attemptId.replace(/_Attempt=\d+$/, '');
    const described = (await call('DescribeObjects', { pipelineId, objectIds: [instanceId, task.attemptId], evaluateExpressions: true })).body
      .pipelineObjects as {
      fields: { key: string; stringValue?: string }[];
    }[];
    expect(described.map((o) => o.fields.find((f) => f.key === 'command')?.stringValue)).toEqual([polled, polled]);
  });

  it('"The workerGroup resource is derived from the activity that uses the precondition": a ShellCommandPrecondition without one runs as a task on its activity\'s worker group, first', async () => {
    const { call, pipelineId } = await setUp();
    const put = await call('PutPipelineDefinition', {
      pipelineId,
      pipelineObjects: [
        object('Default', { scheduleType: 'ondemand' }),
        object('Ready', { type: 'ShellCommandPrecondition', command: 'test -f /tmp/ready' }),
        object('Work', { type: 'ShellCommandActivity', command: 'echo go', workerGroup: 'wg-derived', precondition: { ref: 'Ready' } }),
      ],
    });
    expect(put.body).toEqual({ errored: false, validationErrors: [], validationWarnings: [] });
    expect((await call('ActivatePipeline', { pipelineId })).status).toBe(200);
    const check = (await call('PollForTask', { workerGroup: 'wg-derived' }, 3000)).body.taskObject;
    expect(check.attemptId).toMatch(/^@Ready_.*_Attempt=1$/);
    expect(check.objects.Ready.fields).toContainEqual({ key: 'command', stringValue: 'test -f /tmp/ready' });
    expect((await call('PollForTask', { workerGroup: 'wg-derived' }, 1500)).body).toEqual({}); // the activity waits for it
    expect((await call('SetTaskStatus', { taskId: check.taskId, taskStatus: 'FINISHED' })).status).toBe(200);
    expect((await call('PollForTask', { workerGroup: 'wg-derived' }, 3000)).body.taskObject.attemptId).toMatch(/^@Work_.*_Attempt=1$/);
  });

  it('a system-managed precondition (S3KeyExists) is not a task: a warning, and it counts as met', async () => {
    const { call, pipelineId } = await setUp();
    const put = await call('PutPipelineDefinition', {
      pipelineId,
      pipelineObjects: [
        object('Default', { scheduleType: 'ondemand', workerGroup: 'wg-system' }),
        object('Key', { type: 'S3KeyExists', s3Key: 's3://bucket/key' }),
        object('Work', { type: 'ShellCommandActivity', command: 'echo go', precondition: { ref: 'Key' } }),
      ],
    });
    expect(put.body.validationWarnings).toEqual([{ id: 'Key', warnings: [expect.stringMatching(/^PRECONDITION_NOT_CHECKED/)] }]);
    expect((await call('ActivatePipeline', { pipelineId })).status).toBe(200);
    expect((await call('PollForTask', { workerGroup: 'wg-system' }, 3000)).body.taskObject.attemptId).toMatch(/^@Work_.*_Attempt=1$/);
  });
});

describe("DescribeObjects of instances and attempts: the component's fields as the instance sees them", () => {
  it("shows `command` on the instance and its attempt, as written, and with evaluateExpressions in the instance's context", async () => {
    const { call, pipelineId } = await setUp();
    await call('PutPipelineDefinition', {
      pipelineId,
      pipelineObjects: [
        object('Default', { scheduleType: 'ondemand', workerGroup: 'wg-describe' }),
        object('Dated', {
          type: 'ShellCommandActivity',
          command: "echo #{format(@scheduledStartTime, 'YYYY-MM-dd')}",
          directoryPath: 's3://b/#{@scheduledStartTime}',
        }),
      ],
    });
    expect((await call('ActivatePipeline', { pipelineId })).status).toBe(200);
    const [instanceId] = (await call('QueryObjects', { pipelineId, sphere: 'INSTANCE' })).body.ids as string[];
    const attemptId = `${instanceId}_Attempt=1`;
    const start = instanceId.slice(instanceId.lastIndexOf('_') + 1);
    const fieldsOf = async (evaluateExpressions: boolean) =>
      Object.fromEntries(
        (
          (await call('DescribeObjects', { pipelineId, objectIds: [instanceId, attemptId], evaluateExpressions })).body.pipelineObjects as {
            id: string;
            fields: { key: string; stringValue?: string }[];
          }[]
        ).map((o) => [
          o.id,
          Object.fromEntries(
            o.fields.filter((f) => ['command', 'directoryPath', 'type', '@status', 'workerGroup'].includes(f.key)).map((f) => [f.key, f.stringValue]),
          ),
        ]),
      );
    const asWritten = {
      command: "echo #{format(@scheduledStartTime, 'YYYY-MM-dd')}",
      directoryPath: 's3://b/#{@scheduledStartTime}',
      type: 'ShellCommandActivity',
      workerGroup: 'wg-describe',
    };
    expect(await fieldsOf(false)).toEqual({
      [instanceId]: { ...asWritten, '@status': 'WAITING_FOR_RUNNER' },
      [attemptId]: { ...asWritten, '@status': 'WAITING_FOR_RUNNER' },
    });
    const evaluated = { command: `echo ${start.slice(0, 10)}`, directoryPath: `s3://b/${start}`, type: 'ShellCommandActivity', workerGroup: 'wg-describe' };
    expect(await fieldsOf(true)).toEqual({
      [instanceId]: { ...evaluated, '@status': 'WAITING_FOR_RUNNER' },
      [attemptId]: { ...evaluated, '@status': 'WAITING_FOR_RUNNER' },
    });
  });
});

describe("runtime fields of the guide's object tables", () => {
  it('@cascadeFailedOn on a CASCADE_FAILED instance, @finishedTime on ended instances and attempts, reportProgressTime on an attempt that reported', async () => {
    const { call, pipelineId } = await setUp();
    await call('PutPipelineDefinition', {
      pipelineId,
      pipelineObjects: [
        object('Default', { scheduleType: 'ondemand', workerGroup: 'wg-runtime', failureAndRerunMode: 'CASCADE', maximumRetries: '0' }),
        object('A', { type: 'ShellCommandActivity', command: 'false' }),
        object('B', { type: 'ShellCommandActivity', command: 'echo b', dependsOn: { ref: 'A' } }),
      ],
    });
    expect((await call('ActivatePipeline', { pipelineId })).status).toBe(200);
    const task = (await call('PollForTask', { workerGroup: 'wg-runtime' }, 3000)).body.taskObject;
    const fieldsOf = async (id: string) => {
      const [o] = (await call('DescribeObjects', { pipelineId, objectIds: [id] })).body.pipelineObjects as {
        fields: { key: string; stringValue?: string; refValue?: string }[];
      }[];
      return Object.fromEntries(
        o.fields.filter((f) => f.key.startsWith('@') || f.key === 'reportProgressTime').map((f) => [f.key, f.stringValue ?? f.refValue]),
      );
    };
    expect((await fieldsOf(task.attemptId)).reportProgressTime).toBeUndefined();
    expect((await call('ReportTaskProgress', { taskId: task.taskId })).body).toEqual({ canceled: false });
    expect((await fieldsOf(task.attemptId)).reportProgressTime).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d$/);
    expect((await fieldsOf(task.attemptId))['@finishedTime']).toBeUndefined();
    expect((await call('SetTaskStatus', { taskId: task.taskId, taskStatus: 'FAILED', errorMessage: 'no' })).status).toBe(200);
    const instanceA = task.attemptId.replace(/_Attempt=1$/, '');
    const instanceB = instanceA.replace('@A_', '@B_');
    const [a, attempt, b] = [await fieldsOf(instanceA), await fieldsOf(task.attemptId), await fieldsOf(instanceB)];
    expect(a['@status']).toBe('FAILED');
    expect(a['@finishedTime']).toBe(a['@actualEndTime']);
    expect(attempt['@finishedTime']).toBe(attempt['@actualEndTime']);
    expect(b).toMatchObject({ '@status': 'CASCADE_FAILED', '@cascadeFailedOn': instanceA });
  });

  it("PollForTask's instance carries its @actualStartTime (its run's opening, as DescribeObjects shows it), on a retry's attempt too", async () => {
    const { call, pipelineId } = await setUp({ relaxed: true }); // a retry a second later
    await call('PutPipelineDefinition', {
      pipelineId,
      pipelineObjects: [
        object('Default', { scheduleType: 'ondemand', workerGroup: 'wg-started', maximumRetries: '1', retryDelay: '1 seconds' }),
        object('A', { type: 'ShellCommandActivity', command: 'false' }),
      ],
    });
    expect((await call('ActivatePipeline', { pipelineId })).status).toBe(200);
    const instanceStart = (task: { attemptId: string; objects: Record<string, { fields: { key: string; stringValue?: string }[] }> }) =>
      task.objects[task.attemptId.replace(/_Attempt=\d+$/, '')].fields.find((f) => f.key === '@actualStartTime')?.stringValue;
    const first = (await call('PollForTask', { workerGroup: 'wg-started' }, 3000)).body.taskObject;
    const instanceId = first.attemptId.replace(/_Attempt=1$/, '');
    const [described] = (await call('DescribeObjects', { pipelineId, objectIds: [instanceId] })).body.pipelineObjects as {
      fields: { key: string; stringValue?: string }[];
    }[];
    const opened = described.fields.find((f) => f.key === '@actualStartTime')?.stringValue;
    expect(opened).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d$/);
    expect(instanceStart(first)).toBe(opened);
    expect((await call('SetTaskStatus', { taskId: first.taskId, taskStatus: 'FAILED', errorMessage: 'retry' })).status).toBe(200);
    const retry = (await call('PollForTask', { workerGroup: 'wg-started' }, 5000)).body.taskObject;
    expect(retry.attemptId).toBe(`${instanceId}_Attempt=2`);
    expect(instanceStart(retry)).toBe(opened);
  });

  it('a component shows the health of its latest ended instance (which, when), its active instances, its latest run and latest completed run, and the last deactivation', async () => {
    const { call, pipelineId } = await setUp();
    await call('PutPipelineDefinition', {
      pipelineId,
      pipelineObjects: [
        object('Default', { scheduleType: 'ondemand', workerGroup: 'wg-health', maxActiveInstances: '2' }),
        object('A', { type: 'ShellCommandActivity', command: 'true' }),
      ],
    });
    expect((await call('ActivatePipeline', { pipelineId })).status).toBe(200);
    const componentFields = async () => {
      const [o] = (await call('DescribeObjects', { pipelineId, objectIds: ['A'] })).body.pipelineObjects as {
        fields: { key: string; stringValue?: string; refValue?: string }[];
      }[];
      return o.fields.filter((f) => f.key.startsWith('@'));
    };
    const [first] = (await call('QueryObjects', { pipelineId, sphere: 'INSTANCE' })).body.ids as string[];
    const runTime = first.slice(-19);
    expect(await componentFields()).toEqual([
      { key: '@activeInstances', refValue: first },
      { key: '@latestRunTime', stringValue: runTime },
    ]);
    const task = (await call('PollForTask', { workerGroup: 'wg-health' }, 3000)).body.taskObject;
    expect((await call('SetTaskStatus', { taskId: task.taskId, taskStatus: 'FINISHED' })).status).toBe(200);
    expect((await call('DeactivatePipeline', { pipelineId })).status).toBe(200);
    const fields = Object.fromEntries((await componentFields()).map((f) => [f.key, f.stringValue ?? f.refValue]));
    expect(fields).toEqual({
      '@healthStatus': 'HEALTHY',
      '@healthStatusFromInstanceId': first,
      '@healthStatusUpdatedTime': expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d$/),
      '@latestRunTime': runTime,
      '@latestCompletedRunTime': runTime,
      '@lastDeactivatedTime': expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d$/),
    });
  });
});

describe('from a hostile reading of the guide', () => {
  it("dp-object-s3datanode: \"A data node is not marked 'READY' until all preconditions have been met\": an Exists on an activity's input runs first, with its node in the task", async () => {
    const { call, pipelineId } = await setUp();
    await call('PutPipelineDefinition', {
      pipelineId,
      pipelineObjects: [
        object('Default', { scheduleType: 'ondemand' }),
        object('InputData', { type: 'S3DataNode', directoryPath: 's3://bucket/in', precondition: { ref: 'Ready' } }),
        object('Ready', { type: 'Exists' }),
        object('Copy', { type: 'ShellCommandActivity', command: 'echo copy', input: { ref: 'InputData' }, workerGroup: 'wg-exists' }),
      ],
    });
    expect((await call('ActivatePipeline', { pipelineId })).status).toBe(200);
    const check = (await call('PollForTask', { workerGroup: 'wg-exists' }, 3000)).body.taskObject;
    expect(check.attemptId).toMatch(/^@Ready_/);
    expect(check.objects.InputData.fields).toContainEqual({ key: 'directoryPath', stringValue: 's3://bucket/in' });
    expect((await call('PollForTask', { workerGroup: 'wg-exists' }, 1500)).body).toEqual({});
    expect((await call('SetTaskStatus', { taskId: check.taskId, taskStatus: 'FINISHED' })).status).toBe(200);
    expect((await call('PollForTask', { workerGroup: 'wg-exists' }, 3000)).body.taskObject.attemptId).toMatch(/^@Copy_/);
  });

  it("runsOn makes Default's workerGroup ignored: the task goes to the resource's id (a resource inherits no workerGroup from Default)", async () => {
    const { call, pipelineId } = await setUp();
    await call('PutPipelineDefinition', {
      pipelineId,
      pipelineObjects: [
        object('Default', { scheduleType: 'ondemand', workerGroup: 'wg-default' }),
        object('Box', { type: 'Ec2Resource', role: 'r', resourceRole: 'rr' }),
        object('Work', { type: 'ShellCommandActivity', command: 'echo', runsOn: { ref: 'Box' } }),
      ],
    });
    expect((await call('ActivatePipeline', { pipelineId })).status).toBe(200);
    expect((await call('PollForTask', { workerGroup: 'wg-default' }, 1500)).body).toEqual({});
    expect((await call('PollForTask', { workerGroup: 'Box' }, 3000)).body.taskObject.attemptId).toMatch(/^@Work_/);
  });

  it('dp-expressions-functions: "the maximum period is 3 years": 36 months and 3 years validate, 4 years and 157 weeks do not', async () => {
    const { call, pipelineId } = await setUp();
    const errorsOf = async (period: string) =>
      (
        (
          await call('ValidatePipelineDefinition', {
            pipelineId,
            pipelineObjects: [object('S', { type: 'Schedule', period, startAt: 'FIRST_ACTIVATION_DATE_TIME' })],
          })
        ).body.validationErrors as { errors: string[] }[]
      ).flatMap((e) => e.errors);
    expect(await errorsOf('3 years')).toEqual([]);
    expect(await errorsOf('36 months')).toEqual([]);
    expect(await errorsOf('4 years')).toEqual(["INVALID_FIELD_VALUE: 'period' must be at most 3 years."]);
    expect(await errorsOf('157 weeks')).toEqual(["INVALID_FIELD_VALUE: 'period' must be at most 3 years."]);
  });

  it('RERUN of a failed instance clears its @actualEndTime (a live instance has not ended)', async () => {
    const { call, pipelineId } = await setUp();
    await call('PutPipelineDefinition', {
      pipelineId,
      pipelineObjects: [
        object('Default', { scheduleType: 'ondemand', workerGroup: 'wg-rerun', maximumRetries: '0' }),
        object('A', { type: 'ShellCommandActivity', command: 'false' }),
      ],
    });
    expect((await call('ActivatePipeline', { pipelineId })).status).toBe(200);
    const task = (await call('PollForTask', { workerGroup: 'wg-rerun' }, 3000)).body.taskObject;
    await call('SetTaskStatus', { taskId: task.taskId, taskStatus: 'FAILED' });
    const instance = task.attemptId.replace(/_Attempt=\d+$/, '');
    const keys = async () =>
      ((await call('DescribeObjects', { pipelineId, objectIds: [instance] })).body.pipelineObjects[0].fields as { key: string }[]).map((f) => f.key);
    expect(await keys()).toContain('@actualEndTime');
    expect((await call('SetStatus', { pipelineId, objectIds: [instance], status: 'RERUN' })).status).toBe(200);
    expect(await keys()).not.toContain('@actualEndTime');
  });

  it('EvaluateExpression of #{node...} on a precondition or an alarm: node is the object that names it (dp-pipeline-expressions, "Node Expression")', async () => {
    const { call, pipelineId } = await setUp();
    await call('PutPipelineDefinition', {
      pipelineId,
      pipelineObjects: [
        object('Default', { scheduleType: 'ondemand', workerGroup: 'wg-node' }),
        object('Ready', { type: 'ShellCommandPrecondition', command: 'test -f /tmp/x' }),
        object('Alarm', { type: 'SnsAlarm', topicArn: 'arn:aws:sns:us-east-1:123456789012:t', subject: 's', message: 'm', role: 'r' }),
        object('Act', { type: 'ShellCommandActivity', command: 'echo', precondition: { ref: 'Ready' }, onFail: { ref: 'Alarm' } }),
      ],
    });
    const evaluate = async (objectId: string, expression: string) => (await call('EvaluateExpression', { pipelineId, objectId, expression })).body;
    expect(await evaluate('Ready', '#{node.name} #{node.command}')).toEqual({ evaluatedExpression: 'Act echo' });
    expect(await evaluate('Alarm', 'failed: #{node.name}')).toEqual({ evaluatedExpression: 'failed: Act' });
    expect((await evaluate('Act', '#{node.name}')).message).toMatch(/nothing refers to 'Act' that way/);
  });

  it("dp-pipeline-expressions' list example: #{'this is ' + myList} is two values in a field, and EvaluateExpression answers them in one string", async () => {
    const { call, pipelineId } = await setUp();
    await call('PutPipelineDefinition', {
      pipelineId,
      pipelineObjects: [
        object('Default', { scheduleType: 'ondemand', workerGroup: 'wg-list' }),
        object('Act', { type: 'ShellCommandActivity', command: 'echo', myList: ['one', 'two'], myGreeting: "#{'this is ' + myList}" }),
      ],
    });
    const [act] = (await call('DescribeObjects', { pipelineId, objectIds: ['Act'], evaluateExpressions: true })).body.pipelineObjects as {
      fields: { key: string; stringValue?: string }[];
    }[];
    expect(act.fields.filter((f) => f.key === 'myGreeting')).toEqual([
      { key: 'myGreeting', stringValue: 'this is one' },
      { key: 'myGreeting', stringValue: 'this is two' },
    ]);
    expect((await call('EvaluateExpression', { pipelineId, objectId: 'Act', expression: "#{'this is ' + myList}" })).body).toEqual({
      evaluatedExpression: 'this is one,this is two',
    });
  });
});
