/** Raw HTTP against the local endpoint: what the SDKs would never send, and clients that misbehave. */
import { connect } from 'node:net';
import { request } from 'node:http';
import { MAX_BODY_BYTES } from '../../local/http-door';
import { RunningEndpoint, startEndpoint } from '../support/local-endpoint';

let endpoint: RunningEndpoint;
let port: number;
beforeAll(async () => {
  endpoint = await startEndpoint();
  port = Number(new URL(endpoint.apiUrl).port);
});
afterAll(() => endpoint.close());

const TARGET = { 'X-Amz-Target': 'DataPipeline.SetTaskStatus', 'Content-Type': 'application/x-amz-json-1.1' };

const post = (body: string | Buffer, headers: Record<string, string> = TARGET, method = 'POST', path = '/') =>
  new Promise<{ status: number; headers: Record<string, unknown>; body: Record<string, string> }>((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, method, path, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: JSON.parse(Buffer.concat(chunks).toString()) }));
    });
    req.on('error', reject);
    req.end(body);
  });

/** Sends raw bytes on a socket and resolves with everything the server sent before it closed. */
const rawExchange = (bytes: string) =>
  new Promise<string>((resolve) => {
    const socket = connect(port, '127.0.0.1', () => socket.write(bytes));
    let data = '';
    socket.on('data', (c) => {
      data += c.toString();
      if (data.includes('}')) socket.destroy(); // the JSON error body is complete
    });
    socket.on('close', () => resolve(data));
    socket.on('error', () => undefined);
  });

describe('the wire', () => {
  it('answers malformed JSON with 400 SerializationException, its headers and a request id', async () => {
    const res = await post('{"taskId": ');
    expect(res.status).toBe(400);
    expect(res.body.__type).toBe('SerializationException');
    expect(res.headers['x-amzn-errortype']).toBe('SerializationException');
    expect(res.headers['content-type']).toBe('application/x-amz-json-1.1');
    expect(res.headers['x-amzn-requestid']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('answers a missing target with UnknownOperationException', async () => {
    expect((await post('{}', { 'Content-Type': 'application/x-amz-json-1.1' })).body.__type).toBe('UnknownOperationException');
  });

  it("serves POST / (the API) and GET of the console's files, nothing else", async () => {
    const put = await post('{}', TARGET, 'PUT');
    expect(put.status).toBe(404);
    expect(put.body.__type).toBe('UnknownOperationException');
    expect((await post('{}', TARGET, 'POST', '/other')).status).toBe(404);
  });
});

describe('body size', () => {
  it('refuses a declared Content-Length over 6 MB with 413 before the body is sent', async () => {
    const reply = await rawExchange(
      `POST / HTTP/1.1\r\nHost: x\r\nX-Amz-Target: DataPipeline.SetTaskStatus\r\nContent-Length: ${MAX_BODY_BYTES + 1}\r\n\r\n{"taskId":`,
    );
    expect(reply).toMatch(/^HTTP\/1\.1 413 /);
    expect(reply).toMatch(/x-amzn-RequestId: [0-9a-f-]{36}/);
    expect(reply).toContain('"__type":"RequestEntityTooLargeException"');
  });

  it('refuses a chunked body once it passes 6 MB, without waiting for the rest', async () => {
    const status = await new Promise<number>((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port, method: 'POST', path: '/', headers: TARGET }, (res) => {
        res.resume();
        resolve(res.statusCode!);
      });
      req.on('error', () => undefined); // the server closes while we are still sending
      const chunk = Buffer.alloc(1024 * 1024, 'a');
      let sent = 0;
      const pump = () => {
        while (sent < 64 && !req.destroyed) {
          sent++;
          if (!req.write(chunk)) return void req.once('drain', pump);
        }
        if (sent >= 64) reject(new Error('sent 64 MB without an answer'));
      };
      pump();
    });
    expect(status).toBe(413);
  });

  it('reads a body just under the limit and judges its content (400, not 413)', async () => {
    const padding = 'm'.repeat(MAX_BODY_BYTES - 100);
    const res = await post(JSON.stringify({ taskId: 't', taskStatus: 'FAILED', errorMessage: padding }));
    expect(res.status).toBe(400);
    expect(res.body.__type).toBe('InvalidRequestException');
    expect(res.body.message).toContain("at 'errorMessage'");
  });
});

describe('misbehaving clients', () => {
  it('survive a client that aborts halfway through its body', async () => {
    await new Promise<void>((resolve) => {
      const socket = connect(port, '127.0.0.1', () => {
        socket.write('POST / HTTP/1.1\r\nHost: x\r\nX-Amz-Target: DataPipeline.SetTaskStatus\r\nContent-Length: 1000\r\n\r\n{"taskId":"');
        setImmediate(() => {
          socket.destroy();
          resolve();
        });
      });
    });
    expect((await post('{}')).body.__type).toBe('InvalidRequestException');
  });

  it('answer a request that arrives a byte at a time', async () => {
    const body = '{"taskId":"t","taskStatus":"FINISHED"}';
    const head = `POST / HTTP/1.1\r\nHost: x\r\nX-Amz-Target: DataPipeline.SetTaskStatus\r\nConnection: close\r\nContent-Length: ${body.length}\r\n\r\n`;
    const reply = await new Promise<string>((resolve) => {
      const socket = connect(port, '127.0.0.1', async () => {
        for (const ch of head + body) {
          socket.write(ch);
          await new Promise((r) => setImmediate(r));
        }
      });
      let data = '';
      socket.on('data', (c) => (data += c.toString()));
      socket.on('close', () => resolve(data));
    });
    expect(reply).toContain('TaskNotFoundException');
  });
});
