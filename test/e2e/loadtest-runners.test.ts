/**
 * The runners mode of the load test against the local endpoint: a fleet does the real loop, its check reads the
 * outcome back through the API, and its HTML report draws charts from the run's data in a real headless
 * Chromium (Debian's `chromium`, when the machine has it; the browser part is skipped, saying so, without it).
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { htmlReport } from '../../tools/load/html-report';
import { RunnersResult, runRunners } from '../../tools/load/runners';
import { chromium } from '../support/chromium';
import { RunningEndpoint, startEndpoint } from '../support/local-endpoint';

jest.setTimeout(120_000);

let endpoint: RunningEndpoint;
let result: RunnersResult;
beforeAll(async () => {
  endpoint = await startEndpoint();
  // On moto (CI's second engine) one runner: its conditional writes are not atomic under concurrency (docs/decisions.md).
  const runners = process.env.DYNAMODB_ENDPOINT ? 1 : 4;
  const run = await runRunners(endpoint.sdk, { pipelines: 2, activities: 10, runners, dependencies: true, failShare: 0, durationSec: 90, heartbeatSec: 1 });
  result = run.result;
  await run.cleanup();
});
afterAll(() => endpoint.close());

it('every task is handed out once and finished; the check reads all instances FINISHED through the API; calls and tasks are measured', () => {
  expect(result.check).toMatchObject({ ok: true, instances: 20, byStatus: { FINISHED: 20 }, handedTwice: 0, problems: [] });
  expect(result.stoppedBy).toBe('done');
  expect(result.tasksCompleted).toBe(20);
  expect(result.calls.SetTaskStatus).toMatchObject({ count: 20, outcomes: { ok: 20 } });
  expect(result.calls.ReportTaskProgress.count).toBe(20);
  expect(result.calls.ReportTaskRunnerHeartbeat.count).toBeGreaterThanOrEqual(result.setup.runners);
  expect(result.taskLatencyMs.max).toBeGreaterThan(0);
  expect(result.timeline.reduce((n, t) => n + (t.calls.SetTaskStatus?.count ?? 0), 0)).toBe(20);
});

(chromium ? it : it.skip)(
  `the HTML report draws its charts from the run's data in headless Chromium${chromium ? '' : ' (skipped: no chromium on this machine)'}`,
  () => {
    const dir = mkdtempSync(join(tmpdir(), 'report-'));
    try {
      const file = join(dir, 'report.html');
      writeFileSync(file, htmlReport(result, 'test run'));
      const dom = execFileSync(
        chromium!,
        ['--headless', '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', `--user-data-dir=${join(dir, 'profile')}`, '--dump-dom', `file://${file}`],
        {
          encoding: 'utf8',
          timeout: 60_000,
          stdio: ['ignore', 'pipe', 'ignore'],
        },
      );
      expect(dom).toContain('data-charts="drawn"');
      const pointsOf = (id: string) => Number(new RegExp(`<svg id="${id}"[^>]*data-points="(\\d+)"`).exec(dom)?.[1]);
      const perSecond = result.timeline.reduce((n, t) => n + Object.keys(t.calls).length, 0);
      expect(pointsOf('throughput')).toBe(perSecond);
      expect(pointsOf('latency')).toBe(2 * perSecond);
      expect(pointsOf('distribution')).toBe(Object.keys(result.distribution).length * 10);
      // Axes with round ticks: latency on a log scale from the power of ten just under the fastest call.
      const ticksOf = (id: string, axis: 'x' | 'y') => new RegExp(`<svg id="${id}"[^>]*data-${axis}-ticks="([^"]*)"`).exec(dom)![1].split(' ').map(Number);
      const fastest = Math.min(...result.timeline.flatMap((t) => Object.values(t.calls).map((c) => c.p50)).filter((v) => v > 0));
      const latencyTicks = ticksOf('latency', 'y');
      expect(latencyTicks[0]).toBeLessThanOrEqual(fastest);
      expect(latencyTicks[0] * 10).toBeGreaterThan(fastest);
      expect(ticksOf('throughput', 'y')[0]).toBe(0);
      expect(ticksOf('distribution', 'x')).toEqual([0, 10, 20, 30, 40, 50, 60, 70, 80, 90, 100]);
      expect(dom).toContain('20 tasks in');
      // A picture of it beside the console's, for a person to look at (CI keeps artifacts/).
      const shots = join(__dirname, '..', '..', 'artifacts', 'report');
      mkdirSync(shots, { recursive: true });
      execFileSync(
        chromium!,
        [
          '--headless',
          '--no-sandbox',
          '--disable-gpu',
          '--disable-dev-shm-usage',
          '--hide-scrollbars',
          `--user-data-dir=${join(dir, 'profile')}`,
          '--window-size=960,1250',
          `--screenshot=${join(shots, 'fleet-report.png')}`,
          `file://${file}`,
        ],
        { timeout: 60_000, stdio: 'ignore' },
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
);
