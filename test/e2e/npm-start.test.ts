/**
 * The `npm start` program itself (local/main.ts) in a child process: the ready line, a real SDK call,
 * a clean stop on SIGTERM and SIGINT, and `--data DIR` keeping state across a restart.
 */
import { ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  ActivatePipelineCommand,
  CreatePipelineCommand,
  DataPipelineClient,
  EvaluateExpressionCommand,
  InvalidRequestException,
  PollForTaskCommand,
  PutPipelineDefinitionCommand,
  ReportTaskProgressCommand,
  SetTaskStatusCommand,
} from '@aws-sdk/client-data-pipeline';
import { tableNamesFromEnv } from '../../lambda/store/tables';
import { dynamoDbClient } from '../../local/dynamodb';
import { LOCAL_PROGRAM_ENV, localProgramArgs } from '../../local/program';
import { EMPTY_PLAN, seed } from '../../tools/seeding';

const ROOT = join(__dirname, '..', '..');
const READY = /endpoint (http:\/\/[0-9.]+:\d+) \| DynamoDB engine (http:\/\/[0-9.]+:\d+)/;

interface Started {
  child: ChildProcess;
  apiUrl: string;
  dynamodbUrl: string;
  output: () => string;
}

/**
 * What a test started and has not seen exit: whatever happens to the test, it is killed after it (with its process
 * group: `npm start` is npm, then the node it execs), so that a failing test cannot leave jest waiting.
 */
const running = new Set<ChildProcess>();
afterEach(() => {
  for (const child of running) {
    if (child.exitCode !== null || child.signalCode !== null) continue;
    try {
      process.kill(-child.pid!, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  running.clear();
});

/** Runs `npm start` itself, or (faster) the program it execs. */
const start = (args: string[], via: 'npm' | 'node' = 'node'): Promise<Started> =>
  new Promise((resolve, reject) => {
    const env: NodeJS.ProcessEnv = { ...process.env, ...(via === 'node' && LOCAL_PROGRAM_ENV), PORT: '0', DYNAMODB_PORT: '0' };
    delete env.DYNAMODB_ENDPOINT;
    delete env.TABLE_PREFIX;
    const child =
      via === 'npm'
        ? spawn('npm', ['start', '--silent', '--', ...args], { cwd: ROOT, env, stdio: 'pipe', detached: true })
        : spawn(process.execPath, localProgramArgs(args), { cwd: ROOT, env, stdio: 'pipe', detached: true });
    running.add(child);
    child.once('exit', () => running.delete(child));
    let out = '';
    const onData = (chunk: Buffer) => {
      out += chunk.toString();
      const m = READY.exec(out);
      if (m) resolve({ child, apiUrl: m[1], dynamodbUrl: m[2], output: () => out });
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', (c: Buffer) => (out += c.toString()));
    child.on('exit', (code) => reject(new Error(`exited with ${code} before ready:\n${out}`)));
  });

const stop = (s: Started, signal: NodeJS.Signals) =>
  new Promise<number | null>((resolve) => {
    s.child.removeAllListeners('exit');
    s.child.on('exit', (code) => resolve(code));
    s.child.kill(signal);
  });

const sdk = (apiUrl: string) =>
  new DataPipelineClient({ endpoint: apiUrl, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' }, maxAttempts: 1 });

const seedOne = async (dynamodbUrl: string) => {
  const db = dynamoDbClient(dynamodbUrl);
  const [task] = await seed(db, tableNamesFromEnv({}), { ...EMPTY_PLAN, pipelines: 1 });
  db.destroy();
  return task;
};

/** True when something accepts connections at the URL. */
const listening = (url: string) =>
  new Promise<boolean>((resolve) => {
    const { hostname, port } = new URL(url);
    const socket = connect(Number(port), hostname, () => {
      socket.destroy();
      resolve(true);
    });
    socket.on('error', () => resolve(false));
  });

it('`npm start` prints one ready line with both endpoints and the console, serves the SDK and the console, and on SIGTERM exits 0 leaving nothing listening', async () => {
  const s = await start([], 'npm');
  const task = await seedOne(s.dynamodbUrl);
  const client = sdk(s.apiUrl);
  expect((await client.send(new SetTaskStatusCommand({ taskId: task.taskId, taskStatus: 'FINISHED' }))).$metadata.httpStatusCode).toBe(200);
  client.destroy();
  const ready = s
    .output()
    .split('\n')
    .filter((l) => READY.test(l));
  expect(ready).toHaveLength(1);
  expect(ready[0]).not.toMatch(/relaxed limits/);
  // The console is at the same address: the ready line names it, and a browser gets the page there.
  expect(ready[0]).toContain(` | console ${s.apiUrl}/ | `);
  const page = await fetch(`${s.apiUrl}/`);
  expect([page.status, page.headers.get('content-type')]).toEqual([200, 'text/html; charset=utf-8']);
  expect(await stop(s, 'SIGTERM')).toBe(0);
  expect(await listening(s.apiUrl)).toBe(false);
  expect(await listening(s.dynamodbUrl)).toBe(false);
});

it('exits 0 on SIGTERM while its heaviest requests run (evaluations at their budget, a long poll): every piece of work is bounded', async () => {
  const s = await start(['--relaxed-limits']);
  const client = sdk(s.apiUrl);
  const { pipelineId } = await client.send(new CreatePipelineCommand({ name: 'heavy', uniqueId: 'heavy' }));
  await client.send(
    new PutPipelineDefinitionCommand({
      pipelineId,
      pipelineObjects: [
        {
          id: 'Act',
          name: 'Act',
          fields: [
            { key: 'type', stringValue: 'ShellCommandActivity' },
            { key: 'command', stringValue: 'x' },
            { key: 'workerGroup', stringValue: 'wg' },
          ],
        },
      ],
      parameterObjects: [{ id: 'myL', attributes: [{ key: 'type', stringValue: 'String' }] }],
      parameterValues: Array.from({ length: 49 }, (_, i) => ({ id: 'myL', stringValue: String(i) })),
    }),
  );
  const heavy = () =>
    client.send(new EvaluateExpressionCommand({ pipelineId, objectId: 'Act', expression: '#{myL+myL+myL+myL+myL+myL}' })).then(
      () => 'answered',
      (e: Error) => e.name,
    );
  const inFlight = [
    heavy(),
    heavy(),
    heavy(),
    client.send(new PollForTaskCommand({ workerGroup: 'idle' })).then(
      () => 'answered',
      (e: Error) => e.name,
    ),
    heavy(),
  ];
  await new Promise((resolve) => setTimeout(resolve, 200));
  expect(await stop(s, 'SIGTERM')).toBe(0);
  // Each got its answer (the budget's 400), or its connection was cut at the end of the drain: none hangs.
  for (const outcome of await Promise.all(inFlight)) expect(['answered', 'InvalidRequestException', 'TimeoutError', 'Error', 'ECONNRESET']).toContain(outcome);
  client.destroy();
});

it('exits 0 on SIGINT (Ctrl-C)', async () => {
  const s = await start([]);
  expect(await stop(s, 'SIGINT')).toBe(0);
});

/** The IPv4 address a local TCP port listens on, from the kernel's socket table (no traffic sent). */
const listenAddress = (port: number): string | undefined => {
  for (const line of readFileSync('/proc/net/tcp', 'utf8').split('\n').slice(1)) {
    const [, local, , state] = line.trim().split(/\s+/);
    if (!local || state !== '0A') continue; // 0A: LISTEN
    const [hexAddress, hexPort] = local.split(':');
    if (parseInt(hexPort, 16) !== port) continue;
    return [3, 2, 1, 0].map((i) => parseInt(hexAddress.slice(i * 2, i * 2 + 2), 16)).join('.');
  }
  return undefined;
};

it('with --host 0.0.0.0 exposes the API only: the engine stays on the loopback interface unless --dynamodb-host says otherwise', async () => {
  const s = await start(['--host', '0.0.0.0']);
  try {
    expect(listenAddress(Number(new URL(s.apiUrl).port))).toBe('0.0.0.0');
    expect(listenAddress(Number(new URL(s.dynamodbUrl).port))).toBe('127.0.0.1');
  } finally {
    await stop(s, 'SIGTERM');
  }
  const t = await start(['--dynamodb-host', '0.0.0.0']);
  try {
    expect(listenAddress(Number(new URL(t.apiUrl).port))).toBe('127.0.0.1');
    expect(listenAddress(Number(new URL(t.dynamodbUrl).port))).toBe('0.0.0.0');
  } finally {
    await stop(t, 'SIGTERM');
  }
});

it('with --relaxed-limits takes periods in seconds (its ready line says so): the JS SDK runs a task loop with a retry a second later', async () => {
  const s = await start(['--relaxed-limits']);
  expect(
    s
      .output()
      .split('\n')
      .find((l) => READY.test(l)),
  ).toMatch(/ \| relaxed limits \| Ctrl-C stops$/);
  const client = sdk(s.apiUrl);
  try {
    const { pipelineId } = await client.send(new CreatePipelineCommand({ name: 'relaxed', uniqueId: 'relaxed' }));
    const put = await client.send(
      new PutPipelineDefinitionCommand({
        pipelineId,
        pipelineObjects: [
          {
            id: 'Default',
            name: 'Default',
            fields: [
              { key: 'scheduleType', stringValue: 'ondemand' },
              { key: 'workerGroup', stringValue: 'wg' },
              { key: 'retryDelay', stringValue: '1 seconds' },
            ],
          },
          {
            id: 'A',
            name: 'A',
            fields: [
              { key: 'type', stringValue: 'ShellCommandActivity' },
              { key: 'command', stringValue: 'false' },
            ],
          },
        ],
      }),
    );
    expect(put.errored).toBe(false);
    await client.send(new ActivatePipelineCommand({ pipelineId }));
    const first = (await client.send(new PollForTaskCommand({ workerGroup: 'wg', hostname: 'h' }))).taskObject!;
    expect(first.attemptId).toMatch(/_Attempt=1$/);
    expect((await client.send(new ReportTaskProgressCommand({ taskId: first.taskId }))).canceled).toBe(false);
    await client.send(new SetTaskStatusCommand({ taskId: first.taskId, taskStatus: 'FAILED' }));
    // The retry is ready a second later: a long poll returns it as soon as it is.
    const second = (await client.send(new PollForTaskCommand({ workerGroup: 'wg' }))).taskObject!;
    expect(second.attemptId).toMatch(/_Attempt=2$/);
  } finally {
    client.destroy();
    await stop(s, 'SIGTERM');
  }
});

it('keeps its state in --data DIR across a restart', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'dp-data-'));
  try {
    const first = await start(['--data', dir]);
    const task = await seedOne(first.dynamodbUrl);
    const c1 = sdk(first.apiUrl);
    await c1.send(new SetTaskStatusCommand({ taskId: task.taskId, taskStatus: 'FINISHED' }));
    c1.destroy();
    expect(await stop(first, 'SIGTERM')).toBe(0);

    const second = await start(['--data', dir]);
    const c2 = sdk(second.apiUrl);
    // The task is remembered as FINISHED: a different status now conflicts.
    await expect(c2.send(new SetTaskStatusCommand({ taskId: task.taskId, taskStatus: 'FAILED' }))).rejects.toBeInstanceOf(InvalidRequestException);
    c2.destroy();
    expect(await stop(second, 'SIGTERM')).toBe(0);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
