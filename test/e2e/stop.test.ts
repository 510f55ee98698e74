/** Stopping the local endpoint lets a request in flight finish (its own file: one endpoint per file). */
import { connect } from 'node:net';
import { startEndpoint } from '../support/local-endpoint';

it('lets a request in flight finish before the endpoint closes', async () => {
  const endpoint = await startEndpoint();
  const [task] = await endpoint.seed({ pipelines: 1 });
  const body = JSON.stringify({ taskId: task.taskId, taskStatus: 'FINISHED' });
  let closing: Promise<void> | undefined;
  const reply = await new Promise<string>((resolve) => {
    const socket = connect(Number(new URL(endpoint.apiUrl).port), '127.0.0.1', () =>
      socket.write(
        `POST / HTTP/1.1\r\nHost: x\r\nX-Amz-Target: DataPipeline.SetTaskStatus\r\nAuthorization: AWS4-HMAC-SHA256 Credential=local/20261129/us-east-1/datapipeline/aws4_request, SignedHeaders=host, Signature=0\r\nExpect: 100-continue\r\nContent-Length: ${body.length}\r\n\r\n`,
      ),
    );
    let data = '';
    socket.on('data', (chunk) => {
      data += chunk.toString();
      // The server has the request's headers: stop it now, then send the body.
      if (!closing && data.includes('100 Continue')) {
        closing = endpoint.close();
        socket.write(body);
      }
      if (/\r\n\r\n\{\}$/.test(data) || data.includes('"__type"')) socket.end();
    });
    socket.on('close', () => resolve(data));
  });
  expect(reply).toMatch(/HTTP\/1\.1 200 OK/);
  await closing;
});
