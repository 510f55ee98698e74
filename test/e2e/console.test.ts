/**
 * The console at GET / of the local endpoint (local/console): what it serves and what it refuses, over HTTP; and,
 * in a real headless browser (Debian's chromium, driven by puppeteer-core; skipped, saying so, without one), the
 * walk of issue 19: a pipeline created and activated through the API, a runner with one failing activity, the
 * console showing the failed instance with its error and the instance waiting on it, a rerun from the page, and
 * both finishing. Screenshots of each view go to artifacts/console (CONSOLE_SCREENSHOTS elsewhere).
 */
import { ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, request, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  ActivatePipelineCommand,
  CreatePipelineCommand,
  DataPipelineClient,
  DescribeObjectsCommand,
  PutPipelineDefinitionCommand,
  QueryObjectsCommand,
} from '@aws-sdk/client-data-pipeline';
import type { Browser, Page } from 'puppeteer-core';
import { chromium } from '../support/chromium';
import { RunningEndpoint, startEndpoint } from '../support/local-endpoint';

// The functions given to page.evaluate and waitForFunction run in the page, where these are the browser's.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
declare const document: any, location: any, window: any;

const SCREENSHOTS = process.env.CONSOLE_SCREENSHOTS ?? join(__dirname, '..', '..', 'artifacts', 'console');

let endpoint: RunningEndpoint;
let port: number;
beforeAll(async () => {
  endpoint = await startEndpoint();
  port = Number(new URL(endpoint.apiUrl).port);
});
afterAll(() => endpoint?.close());

interface Answer {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly body: string;
}

const send = (method: string, path: string, headers: Record<string, string>, body = '') =>
  new Promise<Answer>((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, method, path, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks).toString() }));
    });
    req.on('error', reject);
    req.end(body);
  });

const API = { 'Content-Type': 'application/x-amz-json-1.1' };
const target = (operation: string) => ({ ...API, 'X-Amz-Target': `DataPipeline.${operation}` });

describe('what the console serves, and to whom', () => {
  it('serves the page and its libraries from this endpoint, with headers that keep it out of frames and off other scripts', async () => {
    const page = await send('GET', '/', { Host: `127.0.0.1:${port}` });
    expect(page.status).toBe(200);
    expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(page.body).toContain('<script src="/console/console.js" defer></script>');
    expect(page.headers['content-security-policy']).toContain("frame-ancestors 'none'");
    expect(page.headers['content-security-policy']).toContain("script-src 'self'");
    expect(page.headers['x-frame-options']).toBe('DENY');
    expect(page.headers['access-control-allow-origin']).toBeUndefined();
    for (const asset of [
      '/console/console.js',
      '/console/console.css',
      '/console/vendor/cytoscape.min.js',
      '/console/vendor/vis-timeline-graph2d.min.js',
      '/console/vendor/vis-timeline-graph2d.min.css',
    ]) {
      const answer = await send('GET', asset, { Host: `localhost:${port}` });
      expect([asset, answer.status]).toEqual([asset, 200]);
      expect(answer.body.length).toBeGreaterThan(100);
    }
    expect((await send('HEAD', '/', { Host: `[::1]:${port}` })).status).toBe(200);
    expect((await send('GET', '/console/../package.json', { Host: `127.0.0.1:${port}` })).status).toBe(404);
    const missing = await send('GET', '/console/vendor/nothing.js', { Host: `127.0.0.1:${port}` });
    expect([missing.status, missing.headers['content-type']]).toEqual([404, 'text/plain; charset=utf-8']);
  });

  it('refuses its pages for a Host that is not this endpoint (DNS rebinding), and the API is not affected for SDKs', async () => {
    for (const host of ['evil.example', `evil.example:${port}`, `127.0.0.1.nip.io:${port}`]) {
      const refused = await send('GET', '/', { Host: host });
      expect([host, refused.status]).toEqual([host, 403]);
      // Said as text: a person reads it in a browser tab.
      expect([refused.headers['content-type'], refused.headers['x-amzn-errortype']]).toEqual(['text/plain; charset=utf-8', 'AccessDeniedException']);
      expect(refused.body).toMatch(/^Host .* is not allowed: open the console at http:\/\/127\.0\.0\.1/);
    }
    for (const host of [`localhost:${port}`, `console.localhost:${port}`, `127.0.0.1:${port}`, `[::1]:${port}`])
      expect([host, (await send('GET', '/', { Host: host })).status]).toEqual([host, 200]);
    // An SDK or the CLI pointed at a name of its own (docker compose, a LAN name) sends no Origin: served.
    expect((await send('POST', '/', { ...target('ListPipelines'), Host: 'pipelines.internal:8080' }, '{}')).status).toBe(200);
  });

  it('refuses a browser request from another origin, or from a rebound name, before the handler sees it; its own origin is served', async () => {
    const before = JSON.parse((await send('POST', '/', target('ListPipelines'), '{}')).body).pipelineIdList.length;
    const create = (headers: Record<string, string>) =>
      send('POST', '/', { ...target('CreatePipeline'), ...headers }, JSON.stringify({ name: 'csrf', uniqueId: `csrf-${Math.random()}` }));
    for (const headers of [
      { Host: `127.0.0.1:${port}`, Origin: 'http://evil.example' },
      { Host: `127.0.0.1:${port}`, Origin: 'null' },
      { Host: `127.0.0.1:${port}`, Origin: `http://127.0.0.1:${port + 1}` },
      { Host: `evil.example:${port}`, Origin: `http://evil.example:${port}` }, // DNS rebinding: same origin, foreign Host
    ]) {
      const refused = await create(headers);
      expect([headers, refused.status]).toEqual([headers, 403]);
      expect(refused.headers['access-control-allow-origin']).toBeUndefined();
    }
    expect(JSON.parse((await send('POST', '/', target('ListPipelines'), '{}')).body).pipelineIdList).toHaveLength(before);
    expect((await create({ Host: `127.0.0.1:${port}`, Origin: `http://127.0.0.1:${port}` })).status).toBe(200);
  });

  it('answers a CORS preflight without allowing anything', async () => {
    const preflight = await send('OPTIONS', '/', {
      Host: `127.0.0.1:${port}`,
      Origin: 'http://evil.example',
      'Access-Control-Request-Method': 'POST',
      'Access-Control-Request-Headers': 'x-amz-target,content-type',
    });
    expect(preflight.status).toBe(404);
    expect(Object.keys(preflight.headers).filter((h) => h.startsWith('access-control-'))).toEqual([]);
  });
});

const KEY = 'AKIACONSOLEWALK00001';

(chromium ? describe : describe.skip)(`in headless Chromium${chromium ? '' : " (skipped: no chromium on this machine; CI installs Debian's)"}`, () => {
  let browser: Browser;
  let dir: string;
  const errors: string[] = [];
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'console-'));
    mkdirSync(SCREENSHOTS, { recursive: true });
    const puppeteer = await import('puppeteer-core');
    browser = await puppeteer.launch({
      executablePath: chromium,
      headless: true,
      args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', `--user-data-dir=${join(dir, 'profile')}`],
    });
  });
  afterAll(async () => {
    await browser?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const open = async (hash: string): Promise<Page> => {
    const page = await browser.newPage();
    await page.setViewport({ width: 1400, height: 1000 });
    page.on('pageerror', (err) => errors.push(String(err)));
    // A 400 the page asked for (an action the service refuses) is logged by the browser too: not the page's error.
    page.on(
      'console',
      (m) => m.type() === 'error' && !/^Failed to load resource: the server responded with a status of 400/.test(m.text()) && errors.push(m.text()),
    );
    await page.goto(`${endpoint.apiUrl}/${hash}`);
    return page;
  };
  const shoot = (page: Page, name: string) => page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true });
  const statusOf = (page: Page, instancePrefix: string) =>
    page.evaluate(
      (prefix) => document.querySelector(`#instances tr[data-instance-id^="${prefix}"] [data-status]`)?.getAttribute('data-status') ?? null,
      instancePrefix,
    );
  const waitForStatus = (page: Page, instancePrefix: string, status: string) =>
    page.waitForFunction(
      (prefix, want) => document.querySelector(`#instances tr[data-instance-id^="${prefix}"] [data-status]`)?.getAttribute('data-status') === want,
      { timeout: 45_000 },
      instancePrefix,
      status,
    );

  it('walks: a failed instance with its error and the instance waiting on it; a rerun from the page; both finish', async () => {
    const sdk = new DataPipelineClient({
      endpoint: endpoint.apiUrl,
      region: 'us-east-1',
      credentials: { accessKeyId: KEY, secretAccessKey: 'x' },
      maxAttempts: 1,
    });
    const marker = join(dir, 'second-time');
    const { pipelineId } = await sdk.send(
      new CreatePipelineCommand({ name: 'console-walk', uniqueId: 'console-walk', tags: [{ key: 'team', value: 'data' }] }),
    );
    await sdk.send(
      new PutPipelineDefinitionCommand({
        pipelineId,
        pipelineObjects: [
          {
            id: 'Default',
            name: 'Default',
            fields: [
              { key: 'scheduleType', stringValue: 'ondemand' },
              { key: 'workerGroup', stringValue: 'console' },
              { key: 'maximumRetries', stringValue: '0' },
            ],
          },
          // Fails the first time (disk full), succeeds when run again.
          {
            id: 'Extract',
            name: 'Extract',
            fields: [
              { key: 'type', stringValue: 'ShellCommandActivity' },
              { key: 'command', stringValue: `if [ -f ${marker} ]; then echo ok; else touch ${marker}; echo disk full >&2; exit 3; fi` },
            ],
          },
          {
            id: 'Load',
            name: 'Load',
            fields: [
              { key: 'type', stringValue: 'ShellCommandActivity' },
              { key: 'command', stringValue: 'echo loaded' },
              { key: 'dependsOn', refValue: 'Extract' },
            ],
          },
        ],
      }),
    );
    await sdk.send(new ActivatePipelineCommand({ pipelineId }));
    const runner: ChildProcess = spawn(
      process.execPath,
      [require.resolve('tsx/cli'), 'tools/runner.ts', '--endpoint', endpoint.apiUrl, '--worker-group', 'console'],
      {
        cwd: join(__dirname, '..', '..'),
        env: { ...process.env, AWS_ACCESS_KEY_ID: KEY, AWS_SECRET_ACCESS_KEY: 'x' },
        stdio: ['ignore', 'ignore', 'ignore'],
      },
    );
    const exited = new Promise<void>((resolve) => runner.on('exit', () => resolve()));
    try {
      const extractStatus = async () => {
        const ids = (await sdk.send(new QueryObjectsCommand({ pipelineId, sphere: 'INSTANCE' }))).ids ?? [];
        const objects = (await sdk.send(new DescribeObjectsCommand({ pipelineId, objectIds: ids }))).pipelineObjects ?? [];
        return objects.find((o) => o.id!.startsWith('@Extract_'))?.fields?.find((f) => f.key === '@status')?.stringValue;
      };
      for (let i = 0; i < 600 && (await extractStatus()) !== 'FAILED'; i++) await new Promise((r) => setTimeout(r, 100));
      expect(await extractStatus()).toBe('FAILED');

      // The unsigned account has none of it; the access key switches to the account that has.
      const page = await open('#/');
      await page.waitForSelector('#pipelines');
      await page.waitForFunction(() => document.getElementById('account-shown')?.textContent?.includes('000000000000'));
      expect(await page.$(`tr[data-pipeline-id="${pipelineId}"]`)).toBeNull();
      await page.type('#account-key', KEY);
      await page.click('#account button[type=submit]');
      await page.waitForSelector(`tr[data-pipeline-id="${pipelineId}"]`);
      expect(page.url()).toContain(`key=${KEY}`);
      const row = await page.$eval(`tr[data-pipeline-id="${pipelineId}"]`, (tr) => tr.textContent);
      expect(row).toContain('console-walk');
      expect(row).toContain('team=data');
      await shoot(page, '1-pipelines');

      // The pipeline: its graph, its run on the timeline, the failed instance and the one waiting on it.
      await page.click(`tr[data-pipeline-id="${pipelineId}"] a`);
      await waitForStatus(page, '@Extract_', 'FAILED');
      expect(await statusOf(page, '@Load_')).toBe('WAITING_ON_DEPENDENCIES');
      expect(await page.$eval('#graph', (g) => g.getAttribute('data-nodes'))).toBe('3');
      expect(await page.$eval('#timeline', (t) => t.getAttribute('data-items'))).toBe('2');
      const extractId = await page.$eval('#instances tr[data-instance-id^="@Extract_"]', (tr) => tr.getAttribute('data-instance-id')!);
      await page.click('#instances tr[data-instance-id^="@Extract_"] a');
      await page.waitForFunction((id) => document.getElementById('instance-id')?.textContent === id, {}, extractId);
      expect(page.url()).toContain(`instance=${encodeURIComponent(extractId)}`);
      expect(await page.$eval('.attempt .error-message', (e) => e.textContent)).toBe('disk full\n');
      expect(await page.$eval('#dependents', (e) => e.textContent)).toMatch(/@Load_\S+ WAITING_ON_DEPENDENCIES/);
      await shoot(page, '2-pipeline-failed-instance');

      // An action the service refuses says why, and keeps saying it through the refreshes after it: the run is
      // still active (Load waits on the failed Extract), so another activation is refused (maxActiveInstances 1).
      const loaded = () => page.evaluate(() => Number(document.body.dataset.loaded));
      await page.click('#action-activate');
      await page.waitForFunction(() => !document.getElementById('error').hidden && /in progress/.test(document.getElementById('error').textContent));
      const at = await loaded();
      await page.waitForFunction((t) => Number(document.body.dataset.loaded) > t, { timeout: 20_000 }, at);
      await page.waitForFunction((t) => Number(document.body.dataset.loaded) > t, { timeout: 20_000 }, await loaded());
      expect(await page.$eval('#error', (e) => !e.hidden && e.textContent)).toMatch(/^InvalidRequestException: .*in progress/);

      // A link shows what you saw: the same URL in a new page opens on the same instance.
      const again = await open(new URL(page.url()).hash);
      await again.waitForFunction((id) => document.getElementById('instance-id')?.textContent === id, {}, extractId);
      await again.close();

      // Rerun from the page: the runner takes it again, it finishes, and so does the instance that waited on it.
      await page.click('#action-rerun');
      await waitForStatus(page, '@Extract_', 'FINISHED');
      await waitForStatus(page, '@Load_', 'FINISHED');
      await page.waitForFunction(() => document.querySelectorAll('.attempt').length === 2);
      await shoot(page, '3-pipeline-after-rerun');

      // Filters are in the URL too.
      await page.select('#status-filter', 'FINISHED');
      await page.waitForFunction(() => location.hash.includes('status=FINISHED'));

      // The task runner, by its heartbeat.
      await page.goto(`${endpoint.apiUrl}/#/runners?key=${KEY}`);
      await page.waitForSelector('table[data-worker-group="console"] tr[data-taskrunner-id]');
      await shoot(page, '4-task-runners');
      await page.close();
    } finally {
      runner.kill('SIGINT');
      await exited;
      sdk.destroy();
    }
    expect(errors).toEqual([]);
  });

  it('shows values from the API as text, never as markup, and a malformed link as an error rather than a broken page', async () => {
    const sdk = new DataPipelineClient({
      endpoint: endpoint.apiUrl,
      region: 'us-east-1',
      credentials: { accessKeyId: KEY, secretAccessKey: 'x' },
      maxAttempts: 1,
    });
    const markup = '<b id="injected">bold</b><img src=x onerror="window.injected=1">';
    try {
      const { pipelineId } = await sdk.send(new CreatePipelineCommand({ name: markup, uniqueId: 'console-markup', tags: [{ key: markup, value: markup }] }));
      await sdk.send(
        new PutPipelineDefinitionCommand({
          pipelineId,
          pipelineObjects: [
            {
              id: 'Default',
              name: 'Default',
              fields: [
                { key: 'scheduleType', stringValue: 'ondemand' },
                { key: 'workerGroup', stringValue: 'nobody' },
              ],
            },
            {
              id: markup,
              name: markup,
              fields: [
                { key: 'type', stringValue: 'ShellCommandActivity' },
                { key: 'command', stringValue: markup },
              ],
            },
          ],
        }),
      );
      await sdk.send(new ActivatePipelineCommand({ pipelineId }));
      const page = await open(`#/pipeline/${encodeURIComponent(pipelineId!)}?key=${KEY}`);
      await page.waitForFunction(() => Number(document.getElementById('timeline')?.getAttribute('data-items')) === 1);
      expect(await page.$eval('#timeline', (t) => t.textContent)).toContain('bold</b>');
      expect(await page.$eval('#view', (v) => v.textContent)).toContain(markup);
      expect(await page.evaluate(() => [document.querySelectorAll('#injected').length, window.injected ?? 'none'])).toEqual([0, 'none']);
      await page.goto(`${endpoint.apiUrl}/#/pipeline/%E0%A4?key=${KEY}`);
      await page.waitForFunction(() => !document.getElementById('error').hidden);
      expect(await page.$eval('#error', (e) => e.textContent)).toMatch(/^PipelineNotFoundException/);
      await page.close();
    } finally {
      sdk.destroy();
    }
    expect(errors).toEqual([]);
  });

  it("a page of another origin can neither call the API nor change state through the visitor's browser", async () => {
    const evil: Server = createServer((_, res) => res.end('<!doctype html><title>elsewhere</title>'));
    await new Promise<void>((resolve) => evil.listen(0, '127.0.0.1', resolve));
    const page = await browser.newPage();
    try {
      await page.goto(`http://127.0.0.1:${(evil.address() as AddressInfo).port}/`);
      const outcome = await page.evaluate(async (api) => {
        const tries: string[] = [];
        try {
          await fetch(api, {
            method: 'POST',
            headers: { 'X-Amz-Target': 'DataPipeline.CreatePipeline', 'Content-Type': 'application/x-amz-json-1.1' },
            body: JSON.stringify({ name: 'csrf-browser', uniqueId: 'csrf-browser' }),
          });
          tries.push('read an answer');
        } catch {
          tries.push('blocked');
        }
        // No preflight for a "simple" request: it is sent, and the door refuses it by its Origin.
        await fetch(api, { method: 'POST', mode: 'no-cors', headers: { 'Content-Type': 'text/plain' }, body: '{}' }).catch(() => undefined);
        return tries;
      }, `${endpoint.apiUrl}/`);
      expect(outcome).toEqual(['blocked']);
    } finally {
      await page.close();
      evil.close();
    }
    const created = await send('POST', '/', target('ListPipelines'), '{}');
    expect(created.status).toBe(200);
    expect(JSON.parse(created.body).pipelineIdList.map((p: { name: string }) => p.name)).not.toContain('csrf-browser');
  });
});
