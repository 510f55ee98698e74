/**
 * `npm run runner -- --worker-group WG [--endpoint URL] [--hostname H] [--runner-id ID]` (`--help` lists the defaults)
 * A minimal task runner, doing what AWS's Task Runner does for ShellCommandActivity: polls for a task of its
 * worker group, acknowledges it, runs its `command` (with its `scriptArgument`s as $1, $2, ...) in a shell,
 * reports progress while it runs (and stops it if the service says it was canceled), and ends the task FINISHED
 * or FAILED (exit code and the end of stderr); a ShellCommandPrecondition's command ends it FINISHED (met) or
 * FALSE (not met yet). Heartbeats every 15 minutes. Ctrl-C (or SIGTERM) stops it
 * cleanly: no new task is taken, a command still running is stopped and its task reported FAILED.
 * It evaluates nothing itself: what it runs is what PollForTask handed out. It prints one line per task (time,
 * pipeline, object, attempt, outcome, seconds), a summary when it stops, and once, at the start, a hint when no
 * pipeline of its account names its worker group.
 */
import { spawn } from 'node:child_process';
import { hostname as osHostname } from 'node:os';
import {
  GetPipelineDefinitionCommand,
  ListPipelinesCommand,
  PollForTaskCommand,
  ReportTaskProgressCommand,
  ReportTaskRunnerHeartbeatCommand,
  SetTaskStatusCommand,
  TaskObject,
} from '@aws-sdk/client-data-pipeline';
import { LOCAL_ENDPOINT, parseFlags, runTool, UsageError, usageText } from '../local/cli';
import { dataPipelineClient } from './targets';

const PROGRESS_EVERY_MS = 60_000; // the model's doc: "Task runners should call ReportTaskProgress every 60 seconds"
const HEARTBEAT_EVERY_MS = 15 * 60_000;
const STDERR_KEPT = 4000;

const FLAGS = {
  'worker-group': { type: 'string', help: 'the worker group to take tasks of (required)' },
  endpoint: { type: 'string', help: 'the Data Pipeline endpoint', default: `${LOCAL_ENDPOINT}, npm start's` },
  hostname: { type: 'string', help: 'the hostname PollForTask reports', default: "this machine's" },
  'runner-id': { type: 'string', help: 'the taskrunnerId of its heartbeats', default: 'runner-<hostname>-<pid>' },
  help: { type: 'boolean', help: 'print this text and exit' },
} as const;
const USAGE = usageText('npm run runner -- --worker-group WG [--endpoint URL] [--hostname H] [--runner-id ID]', FLAGS);

const main = async () => {
  const values = parseFlags(process.argv.slice(2), FLAGS) as Record<string, string | undefined>;
  values.endpoint ??= LOCAL_ENDPOINT;
  if (!values['worker-group']) throw new UsageError('--worker-group WG is required: the worker group of the activities it should run');
  const workerGroup = values['worker-group'];
  const hostname = values.hostname ?? osHostname();
  const runnerId = values['runner-id'] ?? `runner-${hostname}-${process.pid}`;
  const sdk = dataPipelineClient(values.endpoint);
  let stopping = false;
  let stopCurrent: (() => void) | undefined;
  const polling = new AbortController();
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`${signal}: stopping (no new task)`);
    polling.abort(); // a long poll in progress ends now
    stopCurrent?.();
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));

  const heartbeat = () => sdk.send(new ReportTaskRunnerHeartbeatCommand({ taskrunnerId: runnerId, workerGroup, hostname })).catch(() => undefined);
  await heartbeat();
  const beating = setInterval(heartbeat, HEARTBEAT_EVERY_MS);
  console.log(`runner ${runnerId} polling ${values.endpoint} for worker group ${workerGroup} | Ctrl-C stops`);
  const outcomes: Record<string, number> = {};
  // Said once, at the start, while the first poll waits: a runner of the wrong account or group would wait silently.
  void whyNothing(sdk, workerGroup).then(
    (hint) => hint && console.log(hint),
    () => undefined,
  );
  while (!stopping) {
    const polled = await sdk.send(new PollForTaskCommand({ workerGroup, hostname }), { abortSignal: polling.signal }).catch((err: Error) => {
      if (stopping) return undefined;
      throw err;
    });
    const taskObject = polled?.taskObject;
    if (!taskObject?.taskId) continue;
    const started = Date.now();
    const outcome = await runTask(
      taskObject,
      (s) => (stopCurrent = s),
      () => stopping,
    );
    stopCurrent = undefined;
    outcomes[outcome] = (outcomes[outcome] ?? 0) + 1;
    const object = taskObject.attemptId!.replace(/^@/, '').replace(/_\d{4}-\d\d-\d\dT[\d:]+_Attempt=\d+$/, '');
    console.log(
      `${new Date().toISOString().slice(11, 19)}  ${taskObject.pipelineId}  ${object}  ${taskObject.attemptId}  ${outcome}  ${((Date.now() - started) / 1000).toFixed(1)} s`,
    );
  }
  clearInterval(beating);
  sdk.destroy();
  const total = Object.values(outcomes).reduce((a, b) => a + b, 0);
  console.log(
    `stopped after ${total} task${total === 1 ? '' : 's'}${
      total
        ? `: ${Object.entries(outcomes)
            .map(([k, n]) => `${n} ${k}`)
            .join(', ')}`
        : ''
    }`,
  );

  /** Runs the task and reports its outcome; what it was (FINISHED, FAILED, FALSE, or CANCELED by the service). */
  async function runTask(task: TaskObject, onStop: (stop: () => void) => void, isStopping: () => boolean): Promise<string> {
    const taskId = task.taskId!;
    const fields = task.objects?.[task.attemptId!]?.fields ?? [];
    const command = fields.find((f) => f.key === 'command')?.stringValue;
    const args = fields.filter((f) => f.key === 'scriptArgument').map((f) => f.stringValue ?? '');
    if ((await sdk.send(new ReportTaskProgressCommand({ taskId }))).canceled) return 'CANCELED';
    if (command === undefined) {
      await sdk.send(
        new SetTaskStatusCommand({
          taskId,
          taskStatus: 'FAILED',
          errorId: 'NoCommand',
          errorMessage: 'The task has no command (scriptUri is not supported by this runner).',
        }),
      );
      return 'FAILED';
    }
    const child = spawn('/bin/sh', ['-c', command, 'sh', ...args], { stdio: ['ignore', 'inherit', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => {
      process.stderr.write(c);
      stderr = (stderr + c.toString()).slice(-STDERR_KEPT);
    });
    let canceled = false;
    onStop(() => child.kill('SIGTERM'));
    const progress = setInterval(async () => {
      const answer = await sdk.send(new ReportTaskProgressCommand({ taskId })).catch(() => undefined);
      if (answer?.canceled) {
        canceled = true;
        child.kill('SIGTERM');
      }
    }, PROGRESS_EVERY_MS);
    const code = await new Promise<number | null>((resolve) => child.on('close', (c) => resolve(c)));
    clearInterval(progress);
    if (canceled) return 'CANCELED'; // the service canceled it: nothing to report (SetTaskStatus's doc)
    const ok = code === 0 && !isStopping();
    // A precondition's command that exits non-zero means "not met yet" (FALSE: the service checks again later).
    const precondition = fields.find((f) => f.key === 'type')?.stringValue === 'ShellCommandPrecondition' && !isStopping();
    const status = ok ? 'FINISHED' : precondition ? 'FALSE' : 'FAILED';
    await sdk.send(
      new SetTaskStatusCommand(
        status === 'FAILED'
          ? { taskId, taskStatus: 'FAILED', errorId: isStopping() ? 'RunnerStopped' : `ExitCode${code}`, errorMessage: stderr || `exit code ${code}` }
          : { taskId, taskStatus: status },
      ),
    );
    return status;
  }
};

/**
 * Whether any pipeline of this account (the access key is the account) sends work to the worker group, from its
 * first page of pipelines (up to 25 definitions read): a line saying what to check when none does.
 */
const whyNothing = async (sdk: ReturnType<typeof dataPipelineClient>, workerGroup: string): Promise<string | undefined> => {
  const ids = ((await sdk.send(new ListPipelinesCommand({}))).pipelineIdList ?? []).map((p) => p.id!).slice(0, 25);
  if (ids.length === 0)
    return `no pipeline in this account (its access key is the account): put and activate one whose activities have workerGroup '${workerGroup}'`;
  for (const pipelineId of ids) {
    const definition = await sdk.send(new GetPipelineDefinitionCommand({ pipelineId })).catch(() => undefined);
    if (definition?.pipelineObjects?.some((o) => o.fields?.some((f) => f.key === 'workerGroup' && f.stringValue === workerGroup))) return undefined;
  }
  return `none of this account's pipelines${ids.length === 25 ? ' (the first 25)' : ''} names worker group '${workerGroup}': waiting anyway (an activity's runsOn resource's workerGroup, or its id, counts too)`;
};

runTool('runner', USAGE, main);
