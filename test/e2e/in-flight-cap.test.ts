/** The local door caps the request bytes it holds at once; past the cap it answers 429 ThrottlingException. */
import type { AddressInfo } from 'node:net';
import { request, Server } from 'node:http';
import { DataPipelineClient, SetTaskStatusCommand } from '@aws-sdk/client-data-pipeline';
import { createHttpDoor, ProxyHandler } from '../../local/http-door';

const CAP = 2000;
let server: Server;
let url: string;
let release: () => void = () => undefined;
let arrivals = 0;
let throttled = 0;

beforeAll(async () => {
  // Holds every request whose body mentions "hold" until release() is called.
  const handler: ProxyHandler = async (event) => {
    if (event.body?.includes('hold')) await new Promise<void>((resolve) => (release = resolve));
    return { statusCode: 200, headers: { 'Content-Type': 'application/x-amz-json-1.1' }, body: '{}' };
  };
  server = createHttpDoor(handler, () => undefined, { maxInFlightBodyBytes: CAP });
  server.on('request', (_req, res) => {
    arrivals++;
    res.on('finish', () => (throttled += res.statusCode === 429 ? 1 : 0));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const post = (body: string) =>
  new Promise<{ status: number; type: unknown; body: Record<string, string> }>((resolve, reject) => {
    const req = request(url, { method: 'POST', headers: { 'X-Amz-Target': 'DataPipeline.SetTaskStatus' } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode!, type: res.headers['x-amzn-errortype'], body: JSON.parse(Buffer.concat(chunks).toString()) }));
    });
    req.on('error', reject);
    req.end(body);
  });

const until = async (condition: () => boolean) => {
  while (!condition()) await new Promise((r) => setTimeout(r, 5));
};

describe('bytes in flight', () => {
  it('refuses a request that would pass the cap with 429 ThrottlingException, and takes it once the bytes are released', async () => {
    const held = post(JSON.stringify({ taskId: 'hold', pad: 'x'.repeat(1500) }));
    await until(() => arrivals === 1);
    const refused = await post(JSON.stringify({ taskId: 'next', pad: 'y'.repeat(1000) }));
    expect(refused).toEqual({
      status: 429,
      type: 'ThrottlingException',
      body: { __type: 'ThrottlingException', message: 'Too many request bytes in flight; retry the request.' },
    });
    release();
    expect((await held).status).toBe(200);
    expect((await post(JSON.stringify({ taskId: 'next', pad: 'y'.repeat(1000) }))).status).toBe(200);
  });

  it('is retried by the JS SDK until the bytes are free', async () => {
    arrivals = 0;
    throttled = 0;
    const held = post(JSON.stringify({ taskId: 'hold', pad: 'x'.repeat(1500) }));
    await until(() => arrivals === 1);
    const sdk = new DataPipelineClient({ endpoint: url, region: 'us-east-1', credentials: { accessKeyId: 'a', secretAccessKey: 'b' }, maxAttempts: 3 });
    const sent = sdk.send(new SetTaskStatusCommand({ taskId: 't', taskStatus: 'FINISHED', errorMessage: 'z'.repeat(1000) }));
    await until(() => throttled === 1); // the SDK's first attempt was refused
    release();
    const out = await sent;
    sdk.destroy();
    await held;
    expect(out.$metadata.attempts).toBe(2);
  });
});
