/**
 * kill -9 at any moment while 20 runners work: `npm start` (with --data, and --relaxed-limits so that lost
 * leases come back in seconds) is killed mid-run, started again on the same data, and the runners carry on.
 * Every instance ends FINISHED; no attempt was handed to two runners; none is left RUNNING.
 */
import { ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  ActivatePipelineCommand,
  CreatePipelineCommand,
  DataPipelineClient,
  DescribeObjectsCommand,
  PollForTaskCommand,
  PutPipelineDefinitionCommand,
  QueryObjectsCommand,
  ReportTaskProgressCommand,
  SetTaskStatusCommand,
} from '@aws-sdk/client-data-pipeline';
import { LOCAL_PROGRAM_ENV, localProgramArgs } from '../../local/program';

const ROOT = join(__dirname, '..', '..');
const READY = /endpoint (http:\/\/[0-9.]+:\d+) \|/;
jest.setTimeout(240_000);

/** The endpoint of the test and its runners, stopped after it even when the test times out. */
let running: ChildProcess | undefined;
let done = false;
afterAll(() => {
  done = true;
  running?.kill('SIGKILL');
});

const start = (dir: string, port: number) =>
  new Promise<{ child: ChildProcess; url: string }>((resolve, reject) => {
    const env: NodeJS.ProcessEnv = { ...process.env, ...LOCAL_PROGRAM_ENV, PORT: String(port), DYNAMODB_PORT: '0' };
    delete env.DYNAMODB_ENDPOINT;
    delete env.TABLE_PREFIX;
    const child = spawn(process.execPath, localProgramArgs(['--data', dir, '--relaxed-limits']), { cwd: ROOT, env, stdio: 'pipe' });
    let out = '';
    child.stdout.on('data', (c: Buffer) => {
      out += c.toString();
      const m = READY.exec(out);
      if (m) resolve({ child, url: m[1] });
    });
    child.stderr.on('data', (c: Buffer) => (out += c.toString()));
    child.on('exit', (code) => reject(new Error(`exited with ${code}: ${out}`)));
    running = child;
  });

it('20 runners, a kill -9 mid-run and a restart on the same data: every instance ends FINISHED, no attempt twice', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'kill-'));
  // Below the ephemeral range (32768 and up here): while the endpoint is down, the runners' reconnecting sockets take
  // ephemeral local ports, and one of them could take (or self-connect to) the port the restart needs.
  const port = 20000 + Math.floor(Math.random() * 12000);
  let server = await start(dir, port);
  const sdk = new DataPipelineClient({
    endpoint: server.url,
    region: 'us-east-1',
    credentials: { accessKeyId: 'AKIAKILLTEST00000001', secretAccessKey: 'x' },
    maxAttempts: 1,
  });
  try {
    const { pipelineId } = await sdk.send(new CreatePipelineCommand({ name: 'kill', uniqueId: 'kill' }));
    const activities = Array.from({ length: 60 }, (_, i) => ({
      id: `A${i}`,
      name: `A${i}`,
      fields: [
        { key: 'type', stringValue: 'ShellCommandActivity' },
        { key: 'command', stringValue: 'true' },
        ...(i >= 20 ? [{ key: 'dependsOn', refValue: `A${i - 20}` }] : []),
      ],
    }));
    const defaults = [
      { key: 'scheduleType', stringValue: 'ondemand' },
      { key: 'workerGroup', stringValue: 'kill' },
      { key: 'retryDelay', stringValue: '1 seconds' },
      // Leases of 10 s: short enough that work lost in the kill comes back quickly, long enough that a loaded
      // machine (CI runs this beside other suites) does not take leases away from runners that are working.
      { key: 'reportProgressTimeout', stringValue: '10 seconds' },
      { key: 'maximumRetries', stringValue: '5' },
    ];
    await sdk.send(new PutPipelineDefinitionCommand({ pipelineId, pipelineObjects: [{ id: 'Default', name: 'Default', fields: defaults }, ...activities] }));
    await sdk.send(new ActivatePipelineCommand({ pipelineId }));

    const handed: string[] = [];
    let finishedTasks = 0;
    /** Calls until the endpoint answers (it may be down for a moment); gives up once the test is over. */
    const persist = async <T>(f: () => Promise<T>): Promise<T> => {
      for (;;) {
        if (done) throw new Error('the test is over');
        try {
          return await f();
        } catch (err) {
          const name = (err as Error).name;
          if (name === 'PipelineDeletedException' || name === 'TaskNotFoundException' || name === 'InvalidRequestException') throw err;
          await new Promise((r) => setTimeout(r, 200));
        }
      }
    };
    const runner = async () => {
      while (!done) {
        const { taskObject } = await persist(() => sdk.send(new PollForTaskCommand({ workerGroup: 'kill' })));
        if (!taskObject?.taskId) continue;
        handed.push(taskObject.attemptId!);
        const { canceled } = await persist(() => sdk.send(new ReportTaskProgressCommand({ taskId: taskObject.taskId })));
        if (canceled) continue;
        await persist(() => sdk.send(new SetTaskStatusCommand({ taskId: taskObject.taskId, taskStatus: 'FINISHED' })));
        finishedTasks++;
      }
    };
    const runners = Array.from({ length: 20 }, runner);
    // Kill -9 once some work is done, then start again on the same data and port.
    while (finishedTasks < 15 && !done) await new Promise((r) => setTimeout(r, 20));
    server.child.kill('SIGKILL');
    await new Promise((r) => server.child.once('exit', r));
    server = await start(dir, port);

    const statuses = async () => {
      const ids = (await persist(() => sdk.send(new QueryObjectsCommand({ pipelineId, sphere: 'INSTANCE' })))).ids ?? [];
      const described = await persist(() => sdk.send(new DescribeObjectsCommand({ pipelineId, objectIds: ids })));
      return (described.pipelineObjects ?? []).map((o) => o.fields!.find((f) => f.key === '@status')?.stringValue);
    };
    // Until every instance is final, or 120 s have passed: the statuses then say what is stuck.
    const FINAL = ['FINISHED', 'FAILED', 'CASCADE_FAILED', 'CANCELED'];
    let s: (string | undefined)[] = [];
    for (const until = Date.now() + 120_000; Date.now() < until; await new Promise((r) => setTimeout(r, 500))) {
      s = await statuses();
      if (s.length === 60 && s.every((x) => FINAL.includes(x!))) break;
    }
    done = true;
    await Promise.allSettled(runners);
    expect(s.filter((x) => x !== 'FINISHED')).toEqual([]);
    expect(new Set(handed).size).toBe(handed.length);
    const attemptIds = (await sdk.send(new QueryObjectsCommand({ pipelineId, sphere: 'ATTEMPT', limit: 1000 }))).ids ?? [];
    const attempts = (
      await Promise.all(
        Array.from({ length: Math.ceil(attemptIds.length / 100) }, (_, i) =>
          sdk.send(new DescribeObjectsCommand({ pipelineId, objectIds: attemptIds.slice(i * 100, i * 100 + 100) })),
        ),
      )
    ).flatMap((d) => d.pipelineObjects ?? []);
    expect(attempts.filter((a) => a.fields!.some((f) => f.key === '@status' && f.stringValue === 'RUNNING'))).toEqual([]);
  } finally {
    sdk.destroy();
    server.child.kill('SIGTERM');
    rmSync(dir, { recursive: true, force: true });
  }
});
