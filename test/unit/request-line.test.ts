/** npm start's one line a request on a terminal (local/http-door.ts): what the door reports, and how it reads. */
import { request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { AnsweredRequest, createHttpDoor, requestLine } from '../../local/http-door';
import { accountOfAccessKey } from '../../lambda/identity';

it('reports each answered request: account of its key, operation, status, time taken, request id; formats one line', async () => {
  const seen: AnsweredRequest[] = [];
  const door = createHttpDoor(
    async () => ({ statusCode: 400, headers: { 'x-amzn-RequestId': 'r' }, body: '{}' }),
    () => undefined,
    { onAnswered: (r) => seen.push(r) },
  );
  await new Promise<void>((resolve) => door.listen(0, '127.0.0.1', () => resolve()));
  const { port } = door.address() as AddressInfo;
  const send = (headers: Record<string, string>) =>
    new Promise<void>((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port, method: 'POST', path: '/', headers }, (res) => res.resume().on('end', () => resolve()));
      req.on('error', reject);
      req.end('{}');
    });
  await send({
    'X-Amz-Target': 'DataPipeline.PollForTask',
    Authorization: 'AWS4-HMAC-SHA256 Credential=AKIAREQUESTLINE00001/20260101/us-east-1/datapipeline/aws4_request, SignedHeaders=host, Signature=0',
  });
  await send({});
  await new Promise((resolve) => door.close(resolve));
  expect(seen.map(({ account, operation, status }) => ({ account, operation, status }))).toEqual([
    { account: accountOfAccessKey('AKIAREQUESTLINE00001'), operation: 'PollForTask', status: 400 },
    { account: '000000000000', operation: '-', status: 400 },
  ]);
  expect(
    requestLine({ at: new Date('2026-12-07T12:00:01.234Z'), account: '123456789012', operation: 'PollForTask', status: 200, ms: 20015, requestId: 'abc' }),
  ).toBe('12:00:01.234  123456789012  PollForTask                 200   20015 ms  abc');
});
