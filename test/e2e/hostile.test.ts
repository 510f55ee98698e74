/**
 * Issue 16: no request valid by the service model can freeze, exhaust or kill the endpoint. Against
 * `npm start --relaxed-limits` in a child process (the program `npm start` execs, as npm-start.test.ts runs
 * it): every case of the hostile corpus (tools/hostile/corpus.ts) gets the documented answer and leaves another
 * account served; then 400 generated requests to all 19 operations (tools/hostile/fuzz.ts, fixed seed) get no
 * 5xx and no dropped connection; then the process's memory comes back within 100 MB of its level before the
 * corpus (its engine's tables on disk, so that stored data is not memory); and SIGTERM sent while requests are in flight still ends it with exit 0. Nothing here is timed: a request past its deadline is answered 500 by the endpoint itself, so
 * "an answer under 500 came" covers it (`npm run fuzz` and `npm run bench` report the times).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HOSTILE_CORPUS } from '../../tools/hostile/corpus';
import { OPERATION_INPUTS } from '../../tools/hostile/fuzz';
import { RawClient } from '../../tools/hostile/raw-client';
import { MAX_RSS_GROWTH_MB, quietRss, rssComesBackTo, runCase, runFuzz, spawnEndpoint, SpawnedEndpoint, stopWhileBusy, warmUp } from '../../tools/hostile/run';

let endpoint: SpawnedEndpoint | undefined;
let client: RawClient;
let other: RawClient;
let beforeMiB: number;
let dataDir: string | undefined;

beforeAll(async () => {
  // Its engine keeps the tables on disk (--data), so that what the corpus stores is not counted as memory.
  dataDir = mkdtempSync(join(tmpdir(), 'hostile-'));
  endpoint = await spawnEndpoint({ relaxed: true, dataDir });
  client = new RawClient({ endpoint: endpoint.url, accessKey: 'hostile-test' });
  other = client.as('hostile-test-bystander');
  await warmUp(client);
  beforeMiB = await quietRss(endpoint.pid);
});

afterAll(async () => {
  // Whatever happened above, no endpoint outlives the file (stop() ends it with SIGKILL if SIGTERM did not).
  if (endpoint) await endpoint.stop();
  client?.destroy();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

describe('the hostile corpus', () => {
  for (const c of HOSTILE_CORPUS) {
    // A slow case (tens of seconds) would take this file past its time; `npm run fuzz` runs it.
    (c.slow ? it.skip : it)(`${c.name}: ${c.expect.status}${c.expect.type ? ` ${c.expect.type}` : ''}, and another account is still served`, async () => {
      const r = await runCase(client, other, c, true, { timed: false });
      // The reason first: it names the answer, the check or the setup step that failed.
      expect(r.failure ?? 'passed').toBe('passed');
      expect({ status: r.status, type: r.type }).toEqual({ status: c.expect.status, type: c.expect.type });
      expect(r.otherAccountStatus).toBe(200);
    });
  }
});

it('400 generated requests to all 19 operations: every one answered, none 5xx, none without a documented __type, no connection dropped', async () => {
  const report = await runFuzz(client, other, { requests: 400, seed: 16, timed: false });
  expect(report.failures).toEqual([]);
  expect(report.requests).toBe(400);
  expect({ fiveXX: report.fiveXX, dropped: report.dropped }).toEqual({ fiveXX: 0, dropped: 0 });
  expect(Object.keys(report.byOperation).sort()).toEqual(Object.keys(OPERATION_INPUTS).sort());
}, 90_000);

/**
 * Issue 16's line: 100 MB. The endpoint collects both threads' heaps once it goes quiet (local/idle-collector.ts),
 * its engine closes every storage read (local/dynalite-fixes.ts; dynalite left them open, and each held its
 * LevelDB snapshot), and glibc maps large blocks apart (local/program.ts). Measured 2026-12-07 with all three
 * (docs/behaviour.md §11, Memory): +22.4 to +24.8 MiB on Node 22 and +25.0 to +25.9 on Node 24 in CI and alone;
 * once +94.7 on Node 24 under CI's load (this stops at the first reading under the line, so a busy machine shows
 * memory still on its way down); +96.6 MiB on Node 22 before the reads were closed.
 */
const MEMORY_LINE_MB = MAX_RSS_GROWTH_MB;
const MEMORY_LINE_MIB = (MEMORY_LINE_MB * 1e6) / 2 ** 20;

it(`the endpoint's memory comes back within ${MEMORY_LINE_MB} MB of its level before the corpus (its engine keeps the tables on disk)`, async () => {
  // The endpoint collects once it has been quiet for 2 s; V8 alone took 15 to 60 s (more on a busy machine).
  const back = await rssComesBackTo(endpoint!.pid, beforeMiB + MEMORY_LINE_MIB, 60_000);
  process.stderr.write(`hostile.test: memory ${beforeMiB.toFixed(1)} MiB before, ${back.lowestMiB.toFixed(1)} MiB after (Node ${process.versions.node})\n`);
  expect(back.lowestMiB - beforeMiB).toBeLessThanOrEqual(MEMORY_LINE_MIB);
}, 90_000);

it('exits 0 on SIGTERM sent while long polls and costly evaluations are in flight', async () => {
  expect((await stopWhileBusy(endpoint!, client)).code).toBe(0);
});
