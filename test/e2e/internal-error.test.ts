/** InternalServiceError reaches the SDK as its typed class when the engine goes away under the endpoint. */
import { InternalServiceError, SetTaskStatusCommand } from '@aws-sdk/client-data-pipeline';
import { startEngine } from '../../local/engine';
import { RunningEndpoint, startEndpoint } from '../support/local-endpoint';

let endpoint: RunningEndpoint;
beforeAll(async () => {
  const engine = await startEngine({ host: '127.0.0.1', port: 0 });
  endpoint = await startEndpoint({ dynamodbEndpoint: engine.url });
  await engine.close();
});
afterAll(() => endpoint.close());

it('raises InternalServiceError (500, a server fault) with a request id and a generic message', async () => {
  const err = await endpoint.sdk.send(new SetTaskStatusCommand({ taskId: 't', taskStatus: 'FINISHED' })).then(
    () => undefined,
    (e: InternalServiceError) => e,
  );
  expect(err).toBeInstanceOf(InternalServiceError);
  expect(err?.$fault).toBe('server');
  expect(err?.$metadata.httpStatusCode).toBe(500);
  expect(err?.$metadata.requestId).toMatch(/^[0-9a-f-]{36}$/);
  expect(err?.message).not.toMatch(/ECONNREFUSED|127\.0\.0\.1/);
});
