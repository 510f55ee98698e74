/**
 * What an SDK makes of the stack's gateway responses: each template rendered as API Gateway renders it
 * (`$context.error.messageString` is a quoted JSON string), served with the response type's default status,
 * and read by the real Data Pipeline client.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SetTaskStatusCommand } from '@aws-sdk/client-data-pipeline';
import { GATEWAY_ERRORS, gatewayErrorTemplate } from '../../lib/gateway-responses';
import { dataPipelineClient } from '../../tools/targets';

/** API Gateway's default status code per response type (DEFAULT_4XX/5XX take the error's; 400 and 500 here). */
const DEFAULT_STATUS: Record<string, number> = {
  ACCESS_DENIED: 403,
  MISSING_AUTHENTICATION_TOKEN: 403,
  EXPIRED_TOKEN: 403,
  INVALID_SIGNATURE: 403,
  UNAUTHORIZED: 401,
  THROTTLED: 429,
  QUOTA_EXCEEDED: 429,
  REQUEST_TOO_LARGE: 413,
  INTEGRATION_FAILURE: 504,
  INTEGRATION_TIMEOUT: 504,
  DEFAULT_4XX: 400,
  DEFAULT_5XX: 500,
};

const answerWith = async (status: number, errorType: string) => {
  let attempts = 0;
  const server = createServer((req, res) => {
    attempts++;
    req.resume();
    req.on('end', () =>
      res
        .writeHead(status, { 'Content-Type': 'application/json', 'x-amzn-ErrorType': errorType, 'x-amzn-RequestId': 'gw-id' })
        .end(gatewayErrorTemplate(errorType).replace('$context.error.messageString', JSON.stringify('from the gateway'))),
    );
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const client = dataPipelineClient(`http://127.0.0.1:${(server.address() as AddressInfo).port}`, { maxAttempts: 2 });
  try {
    const err = await client.send(new SetTaskStatusCommand({ taskId: 't', taskStatus: 'FINISHED' })).then(
      () => undefined,
      (e: Error & { $metadata: { requestId?: string } }) => e,
    );
    return { err, attempts };
  } finally {
    client.destroy();
    server.close();
  }
};

it.each(GATEWAY_ERRORS.map((g) => [g.responseType, g.errorType]))(
  '%s reaches the SDK as %s, with its message and request id',
  async (responseType, errorType) => {
    const { err } = await answerWith(DEFAULT_STATUS[responseType], errorType);
    expect(err?.name).toBe(errorType);
    expect(err?.message).toBe('from the gateway');
    expect(err?.$metadata.requestId).toBe('gw-id');
  },
);

/** As docs/behaviour.md §1 lists them. */
const RETRIED: Record<string, boolean> = {
  ACCESS_DENIED: false,
  MISSING_AUTHENTICATION_TOKEN: false,
  EXPIRED_TOKEN: false,
  INVALID_SIGNATURE: false,
  UNAUTHORIZED: false,
  THROTTLED: true,
  QUOTA_EXCEEDED: true,
  REQUEST_TOO_LARGE: false,
  INTEGRATION_FAILURE: true,
  INTEGRATION_TIMEOUT: true,
  DEFAULT_4XX: false,
  DEFAULT_5XX: true,
};

it.each(Object.entries(RETRIED))('%s is retried by the JS SDK: %s', async (responseType, retried) => {
  const { errorType } = GATEWAY_ERRORS.find((g) => g.responseType === responseType)!;
  const { attempts } = await answerWith(DEFAULT_STATUS[responseType], errorType);
  expect(attempts).toBe(retried ? 2 : 1);
});
