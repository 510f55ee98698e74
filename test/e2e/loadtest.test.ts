/** The load generator against the local endpoint: the library in-process, and the CLI as a user runs it. */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runLoad } from '../../tools/load/driver';
import { KINDS, parseMix, prepareMix } from '../../tools/load/mix';
import { dataPipelineClient, resolveTables } from '../../tools/targets';
import { RunningEndpoint, startEndpoint } from '../support/local-endpoint';

let endpoint: RunningEndpoint;
beforeAll(async () => {
  endpoint = await startEndpoint();
});
afterAll(() => endpoint.close());

const tables = () => resolveTables({ dynamodbEndpoint: endpoint.dynamodbUrl });

it('sends exactly the requested number of calls, and each kind gets the outcome the reference gives it', async () => {
  const sdk = dataPipelineClient(endpoint.apiUrl, { maxAttempts: 1 });
  const expected: Record<string, string> = {};
  for (const kind of Object.keys(KINDS)) {
    const next = await prepareMix(parseMix(`${kind}=1`), sdk, await tables(), 20);
    const result = await runLoad({ next, concurrency: 4, durationSec: 60, requests: 20 });
    expect(result).toMatchObject({ requests: 20, stoppedBy: 'requests', model: 'closed' });
    expect(Object.keys(result.outcomes)).toHaveLength(1);
    expected[kind] = Object.keys(result.outcomes)[0];
  }
  sdk.destroy();
  expect(expected).toEqual({
    finished: 'ok',
    failed: 'ok',
    false: 'ok',
    repeat: 'ok',
    conflict: 'InvalidRequestException',
    canceled: 'ok',
    deleted: 'PipelineDeletedException',
    missing: 'PipelineNotFoundException',
    unknown: 'TaskNotFoundException',
    invalid: 'InvalidRequestException',
  });
});

it('stops by itself when the seeded tasks run out, and in the open model', async () => {
  const sdk = dataPipelineClient(endpoint.apiUrl, { maxAttempts: 1 });
  const next = await prepareMix(parseMix('finished=1'), sdk, await tables(), 30);
  const result = await runLoad({ next, concurrency: 64, durationSec: 60, rate: 500 });
  sdk.destroy();
  expect(result).toMatchObject({ requests: 30, stoppedBy: 'exhausted', model: 'open', outcomes: { ok: 30 } });
});

it('`npm run loadtest` prints the table and writes the JSON figures', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'loadtest-'));
  try {
    const file = join(dir, 'out.json');
    // Asynchronously: the endpoint it drives runs in this process.
    const run = await promisify(execFile)(
      process.execPath,
      [
        require.resolve('tsx/cli'),
        'tools/loadtest.ts',
        '--endpoint',
        endpoint.apiUrl,
        '--dynamodb-endpoint',
        endpoint.dynamodbUrl,
        '--requests',
        '100',
        '--concurrency',
        '8',
        '--json',
        file,
      ],
      { cwd: join(__dirname, '..', '..'), env: process.env, encoding: 'utf8' },
    );
    expect(run.stdout).toMatch(/latency p99\.9 +\d+\.\d{3} ms/);
    expect(run.stderr).toMatch(/deleted the \d+ tasks it wrote \(and their attempts and pipelines\)/);
    const json = JSON.parse(readFileSync(file, 'utf8'));
    expect(json).toMatchObject({
      requests: 100,
      durationSec: expect.any(Number),
      throughputPerSec: expect.any(Number),
      latencyMs: { p50: expect.any(Number), p90: expect.any(Number), p99: expect.any(Number), p999: expect.any(Number), max: expect.any(Number) },
    });
    expect(Object.keys(json.outcomes).sort()).toEqual(['TaskNotFoundException', 'ok']);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
