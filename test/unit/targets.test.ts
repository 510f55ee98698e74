/** The client helper signs for execute-api when (and only when) the endpoint is an API Gateway URL. */
import { createServer, IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SetTaskStatusCommand } from '@aws-sdk/client-data-pipeline';
import { apiGatewayRegion, dataPipelineClient } from '../../tools/targets';

describe('apiGatewayRegion', () => {
  it('reads the region of an execute-api URL', () => {
    expect(apiGatewayRegion('https://a1b2c3d4e5.execute-api.eu-west-1.amazonaws.com/v1/')).toBe('eu-west-1');
  });
  it.each(['http://127.0.0.1:8080', 'https://datapipeline.us-east-1.amazonaws.com', 'https://execute-api.example.com/'])('finds none in %s', (url) => {
    expect(apiGatewayRegion(url)).toBeUndefined();
  });
});

describe('dataPipelineClient', () => {
  /**
   * Captures one request at a local server that answers like the backend. With `endpoint`, the client is
   * built for that URL and its signed request is redirected here just before it is sent.
   */
  const capture = async (endpoint?: string) => {
    let seen: { url?: string; headers: IncomingHttpHeaders } = { headers: {} };
    const server = createServer((req, res) => {
      seen = { url: req.url, headers: req.headers };
      req.resume();
      req.on('end', () => res.writeHead(200, { 'Content-Type': 'application/x-amz-json-1.1' }).end('{}'));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as AddressInfo).port;
    const client = dataPipelineClient(endpoint ?? `http://127.0.0.1:${port}`, {
      credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' },
      maxAttempts: 1,
    });
    if (endpoint) {
      client.middlewareStack.add(
        (next) => async (args) => {
          Object.assign(args.request as object, { protocol: 'http:', hostname: '127.0.0.1', port });
          return next(args);
        },
        { step: 'deserialize', name: 'redirectToCapture' },
      );
    }
    try {
      await client.send(new SetTaskStatusCommand({ taskId: 't', taskStatus: 'FINISHED' }));
    } finally {
      client.destroy();
      server.close();
    }
    return seen;
  };

  it('signs for datapipeline at a local endpoint', async () => {
    const seen = await capture();
    expect(seen.headers.authorization).toMatch(/Credential=AKIDEXAMPLE\/\d{8}\/us-east-1\/datapipeline\/aws4_request/);
    expect(seen.headers['x-amz-target']).toBe('DataPipeline.SetTaskStatus');
  });

  it("signs for execute-api in the URL's region, and posts to the stage path, at an API Gateway URL", async () => {
    const seen = await capture('https://a1b2c3d4e5.execute-api.eu-west-1.amazonaws.com/v1/');
    expect(seen.headers.authorization).toMatch(/Credential=AKIDEXAMPLE\/\d{8}\/eu-west-1\/execute-api\/aws4_request/);
    expect(seen.headers.host).toBe('a1b2c3d4e5.execute-api.eu-west-1.amazonaws.com');
    expect(seen.url).toBe('/v1/');
  });
});
