/**
 * README's "Pipelines: a walk-through" runs as written: its shell blocks, in order, in one bash (with the AWS CLI;
 * skipped, saying so, on a machine without `aws`), and its JavaScript block as the `hello.mjs` it tells the reader
 * to save. The only changes are the endpoint's address (a free port, not 8080) and, since the script runs in a
 * fresh folder rather than the repository's, an `npm` first on the PATH that runs the repository's scripts.
 */
import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RunningEndpoint, startEndpoint } from '../support/local-endpoint';

const ROOT = join(__dirname, '..', '..');

const section = (() => {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const start = readme.indexOf('## Pipelines: a walk-through');
  return readme.slice(start, readme.indexOf('\n## ', start + 3));
})();
const blocks = (language: string) => [...section.matchAll(new RegExp('```' + language + '\\n([\\s\\S]*?)```', 'g'))].map((m) => m[1]);

const aws = (() => {
  try {
    execFileSync('aws', ['--version'], { stdio: 'pipe', timeout: 30_000 });
    return true;
  } catch {
    return false;
  }
})();

let endpoint: RunningEndpoint;
let dir: string;
beforeAll(async () => {
  endpoint = await startEndpoint();
  dir = mkdtempSync(join(tmpdir(), 'walkthrough-'));
});
afterAll(async () => {
  await endpoint?.close();
  rmSync(dir, { recursive: true, force: true });
});

const local = (code: string) => code.replaceAll('http://127.0.0.1:8080', endpoint.apiUrl);

/** Runs a program in a process group of its own; whatever it started is stopped when it ends or the test fails. */
const run = (command: string, args: string[], cwd: string, timeoutMs: number) =>
  new Promise<{ code: number | null; output: string }>((resolve) => {
    const child = spawn(command, args, { cwd, env: process.env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (c: Buffer) => (output += c.toString()));
    child.stderr.on('data', (c: Buffer) => (output += c.toString()));
    const stopAll = () => {
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        // the group has already ended
      }
    };
    const timer = setTimeout(stopAll, timeoutMs);
    child.on('exit', (code) => {
      clearTimeout(timer);
      stopAll(); // a background job it left (the runner) goes with it
      resolve({ code, output });
    });
  });

test('the walk-through has the blocks this test runs', () => {
  expect(blocks('sh')).toHaveLength(2);
  expect(blocks('js')).toHaveLength(1);
});

(aws ? test : test.skip)(
  `its shell blocks run top to bottom: the pipeline is put, activated, run by npm run runner, listed by list-runs, deleted${aws ? '' : ' (skipped: no AWS CLI on this machine)'}`,
  async () => {
    // `npm` as the reader's, in the repository: a wrapper that execs it (so that `kill %1` reaches npm itself).
    const bin = join(dir, 'bin');
    mkdirSync(bin);
    const npm = execFileSync('which', ['npm'], { encoding: 'utf8' }).trim();
    writeFileSync(join(bin, 'npm'), `#!/bin/sh\nexec ${JSON.stringify(npm)} --prefix ${JSON.stringify(ROOT)} "$@"\n`, { mode: 0o755 });
    writeFileSync(join(dir, 'walk.sh'), ['set -euo pipefail', `PATH=${JSON.stringify(bin)}:$PATH`, ...blocks('sh').map(local)].join('\n'));
    const { code, output } = await run('bash', ['walk.sh'], dir, 150_000);
    expect({ code, tail: output.slice(-3000) }).toMatchObject({ code: 0 });
    expect(output).toContain('"errored": false');
    expect(output).toMatch(/1\.\s+Hello\s+\S+\s+FINISHED/); // list-runs' table
    expect(output).toContain('stopped after 1 task: 1 FINISHED'); // the runner, stopped by kill %1
  },
  180_000,
);

test('its JavaScript block runs as hello.mjs in the repository', async () => {
  const folder = join(ROOT, 'artifacts', `walkthrough-${process.pid}`);
  mkdirSync(folder, { recursive: true });
  try {
    writeFileSync(join(folder, 'hello.mjs'), local(blocks('js')[0]));
    const { code, output } = await run(process.execPath, ['hello.mjs'], folder, 60_000);
    expect({ code, output }).toMatchObject({ code: 0 });
    expect(output).toContain("stringValue: 'SCHEDULED'");
    expect(output).toContain("name: 'hello-js'");
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
});
