/** `npm run runner` (tools/runner.ts) against the local endpoint: it runs the commands of a run and stops cleanly. */
import { ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  ActivatePipelineCommand,
  CreatePipelineCommand,
  DescribeObjectsCommand,
  PutPipelineDefinitionCommand,
  QueryObjectsCommand,
} from '@aws-sdk/client-data-pipeline';
import { RunningEndpoint, startEndpoint } from '../support/local-endpoint';

let endpoint: RunningEndpoint;
let dir: string;
beforeAll(async () => {
  endpoint = await startEndpoint();
  dir = mkdtempSync(join(tmpdir(), 'runner-'));
});
afterAll(async () => {
  await endpoint.close();
  rmSync(dir, { recursive: true, force: true });
});

const until = async (condition: () => boolean | Promise<boolean>) => {
  while (!(await condition())) await new Promise((r) => setTimeout(r, 100));
};

it("runs each activity's command in order of dependencies, reports FAILED with stderr, and stops on SIGINT", async () => {
  const sdk = endpoint.sdk;
  const { pipelineId } = await sdk.send(new CreatePipelineCommand({ name: 'runner', uniqueId: 'runner' }));
  const out = join(dir, 'out.txt');
  await sdk.send(
    new PutPipelineDefinitionCommand({
      pipelineId,
      pipelineObjects: [
        {
          id: 'Default',
          name: 'Default',
          fields: [
            { key: 'scheduleType', stringValue: 'ondemand' },
            { key: 'workerGroup', stringValue: 'local' },
            { key: 'maximumRetries', stringValue: '0' },
          ],
        },
        {
          id: 'First',
          name: 'First',
          fields: [
            { key: 'type', stringValue: 'ShellCommandActivity' },
            { key: 'command', stringValue: `echo "$1" >> ${out}` },
            { key: 'scriptArgument', stringValue: 'first' },
          ],
        },
        {
          id: 'Second',
          name: 'Second',
          fields: [
            { key: 'type', stringValue: 'ShellCommandActivity' },
            { key: 'command', stringValue: `echo second >> ${out}` },
            { key: 'dependsOn', refValue: 'First' },
          ],
        },
        {
          id: 'Broken',
          name: 'Broken',
          fields: [
            { key: 'type', stringValue: 'ShellCommandActivity' },
            { key: 'command', stringValue: 'echo disk full >&2; exit 3' },
            { key: 'dependsOn', refValue: 'Second' },
          ],
        },
      ],
    }),
  );
  await sdk.send(new ActivatePipelineCommand({ pipelineId }));
  const runner: ChildProcess = spawn(
    process.execPath,
    [require.resolve('tsx/cli'), 'tools/runner.ts', '--endpoint', endpoint.apiUrl, '--worker-group', 'local'],
    {
      cwd: join(__dirname, '..', '..'),
      env: process.env,
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let output = '';
  runner.stdout!.on('data', (c: Buffer) => (output += c.toString()));
  runner.stderr!.on('data', (c: Buffer) => (output += c.toString()));
  const statuses = async () => {
    const ids = (await sdk.send(new QueryObjectsCommand({ pipelineId, sphere: 'INSTANCE' }))).ids ?? [];
    const objects = (await sdk.send(new DescribeObjectsCommand({ pipelineId, objectIds: ids }))).pipelineObjects ?? [];
    return Object.fromEntries(objects.map((o) => [o.id!.split('_')[0], o.fields!.find((f) => f.key === '@status')?.stringValue]));
  };
  try {
    await until(async () => (await statuses())['@Broken'] === 'FAILED');
    expect(await statuses()).toEqual({ '@First': 'FINISHED', '@Second': 'FINISHED', '@Broken': 'FAILED' });
    expect(readFileSync(out, 'utf8')).toBe('first\nsecond\n');
    const ids = (await sdk.send(new QueryObjectsCommand({ pipelineId, sphere: 'ATTEMPT' }))).ids ?? [];
    const broken = (await sdk.send(new DescribeObjectsCommand({ pipelineId, objectIds: ids.filter((id) => id.startsWith('@Broken')) }))).pipelineObjects![0];
    expect(broken.fields).toEqual(
      expect.arrayContaining([
        { key: 'errorId', stringValue: 'ExitCode3' },
        { key: 'errorMessage', stringValue: 'disk full\n' },
      ]),
    );
  } finally {
    const exited = new Promise<number | null>((resolve) => runner.on('exit', (code) => resolve(code)));
    runner.kill('SIGINT');
    expect(await exited).toBe(0);
  }
  expect(output).toContain('SIGINT: stopping');
  // One line per task: time, pipeline, object, attempt, outcome, seconds; then the summary.
  expect(output).toMatch(new RegExp(`\\d\\d:\\d\\d:\\d\\d  ${pipelineId}  First  @First_[^ ]+_Attempt=1  FINISHED  \\d+\\.\\d s`));
  expect(output).toMatch(new RegExp(`  ${pipelineId}  Broken  @Broken_[^ ]+_Attempt=1  FAILED  `));
  expect(output).toContain('stopped after 3 tasks: 2 FINISHED, 1 FAILED');
  expect(output).not.toContain('no pipeline in this account');
  expect(existsSync(out)).toBe(true);
});

it('says once, at the start, when no pipeline of its account names its worker group (a key of another account polls silently otherwise)', async () => {
  const runner: ChildProcess = spawn(
    process.execPath,
    [require.resolve('tsx/cli'), 'tools/runner.ts', '--endpoint', endpoint.apiUrl, '--worker-group', 'nobody-uses-this'],
    {
      cwd: join(__dirname, '..', '..'),
      env: { ...process.env, AWS_ACCESS_KEY_ID: 'AKIARUNNERLONELY0001', AWS_SECRET_ACCESS_KEY: 'x' },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let output = '';
  runner.stdout!.on('data', (c: Buffer) => (output += c.toString()));
  runner.stderr!.on('data', (c: Buffer) => (output += c.toString()));
  try {
    await until(() => output.includes('no pipeline in this account'));
  } finally {
    const exited = new Promise<number | null>((resolve) => runner.on('exit', (code) => resolve(code)));
    runner.kill('SIGINT');
    expect(await exited).toBe(0);
  }
  expect(output).toContain(
    "no pipeline in this account (its access key is the account): put and activate one whose activities have workerGroup 'nobody-uses-this'",
  );
  expect(output).toContain('stopped after 0 tasks');
});
