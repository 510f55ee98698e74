/**
 * Every tool's command line, one way (local/cli.ts, issue 19): `--help` prints the usage with every flag and
 * exits 0; an unknown flag is one line naming it, then the usage, exit 2. Run as `npm run X` runs them.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..');
const TOOLS: readonly [string, string][] = [
  ['npm start', 'local/main.ts'],
  ['seed', 'tools/seed.ts'],
  ['runner', 'tools/runner.ts'],
  ['loadtest', 'tools/loadtest.ts'],
  ['conformance', 'tools/conformance.ts'],
  ['fuzz', 'tools/hostile/run.ts'],
  ['bench', 'bench/run.ts'],
];
const run = (file: string, args: string[]) =>
  spawnSync(process.execPath, ['--require', 'tsx/cjs', file, ...args], { cwd: ROOT, encoding: 'utf8', timeout: 30_000 });

describe.each(TOOLS)('%s', (name, file) => {
  it('--help: the usage and every flag, exit 0', () => {
    const r = run(file, ['--help']);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^usage: /);
    expect(r.stdout).toMatch(/--help +print this text and exit/);
  });
  it('an unknown flag: one line naming it, the usage, exit 2', () => {
    const r = run(file, ['--no-such-flag']);
    expect(r.status).toBe(2);
    expect(r.stderr.split('\n')[0]).toBe(`${name}: Unknown option '--no-such-flag'`);
    expect(r.stderr).toMatch(/\nusage: /);
  });
});
