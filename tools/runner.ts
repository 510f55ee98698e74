/**
 * `npm run runner -- --worker-group WG [--endpoint URL] [--hostname H] [--runner-id ID]` (`--help` lists the defaults)
 * A minimal task runner, doing what AWS's Task Runner does for ShellCommandActivity: polls for a task of its
 * worker group, acknowledges it, runs its `command` (with its `scriptArgument`s as $1, $2, ...) in a shell,
 * reports progress while it runs (and stops it if the service says it was canceled), and ends the task FINISHED
 * or FAILED (exit code and the end of stderr); a ShellCommandPrecondition's command ends it FINISHED (met) or
 * FALSE (not met yet). Heartbeats every 15 minutes. Ctrl-C (or SIGTERM) stops it
 * cleanly: no new task is taken, a command still running is stopped and its task reported FAILED.
 * It evaluates nothing itself: what it runs is what PollForTask handed out.
 */
import { spawn } from 'node:child_process';
import { hostname as osHostname } from 'node:os';
import {
  PollForTaskCommand,
  ReportTaskProgressCommand,
  ReportTaskRunnerHeartbeatCommand,
  SetTaskStatusCommand,
  TaskObject,
} from '@aws-sdk/client-data-pipeline';
import { LOCAL_ENDPOINT, parseFlags, runTool, UsageError, usageText } from './cli';
import { dataPipelineClient } from './targets';

const PROGRESS_EVERY_MS = 60_000; // the model's doc: "Task runners should call ReportTaskProgress every 60 seconds"
const HEARTBEAT_EVERY_MS = 15 * 60_000;
const STDERR_KEPT = 4000;

const FLAGS = {
  'worker-group': { type: 'string', help: 'the worker group to take tasks of (required)' },
  endpoint: { type: 'string', help: 'the Data Pipeline endpoint', default: `${LOCAL_ENDPOINT}, npm start's` },
  hostname: { type: 'string', help: 'the hostname PollForTask reports', default: 'this machine\'s' },
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
  while (!stopping) {
    const polled = await sdk.send(new PollForTaskCommand({ workerGroup, hostname }), { abortSignal: polling.signal }).catch((err: Error) => {
      if (stopping) return undefined;
      throw err;
    });
    const taskObject = polled?.taskObject;
    if (!taskObject?.taskId) continue;
    await runTask(taskObject, (s) => (stopCurrent = s), () => stopping);
    stopCurrent = undefined;
  }
  clearInterval(beating);
  sdk.destroy();
  console.log('stopped');

  async function runTask(task: TaskObject, onStop: (stop: () => void) => void, isStopping: () => boolean): Promise<void> {
    const taskId = task.taskId!;
    const fields = task.objects?.[task.attemptId!]?.fields ?? [];
    const command = fields.find((f) => f.key === 'command')?.stringValue;
    const args = fields.filter((f) => f.key === 'scriptArgument').map((f) => f.stringValue ?? '');
    if ((await sdk.send(new ReportTaskProgressCommand({ taskId }))).canceled) return;
    if (command === undefined) {
      await sdk.send(new SetTaskStatusCommand({ taskId, taskStatus: 'FAILED', errorId: 'NoCommand', errorMessage: 'The task has no command (scriptUri is not supported by this runner).' }));
      return;
    }
    console.log(`${task.attemptId}: ${command}`);
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
    if (canceled) return; // the service canceled it: nothing to report (SetTaskStatus's doc)
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
    console.log(`${task.attemptId}: ${status}`);
  }
};

runTool('runner', USAGE, main);
