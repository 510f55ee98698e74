/** An HTTP proxy in front of a DynamoDB engine that counts the requests passing through, by operation. */
import { createServer, request as httpRequest, Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface CountingProxy {
  readonly url: string;
  /** Counts since the last take, by operation (`GetItem`, `UpdateItem`, ...); resets them. */
  take(): Record<string, number>;
  close(): Promise<void>;
}

export const startCountingProxy = async (target: string): Promise<CountingProxy> => {
  const { hostname, port } = new URL(target);
  let counts: Record<string, number> = {};
  const server: Server = createServer((req, res) => {
    const op = String(req.headers['x-amz-target'] ?? 'unknown')
      .split('.')
      .pop()!;
    counts[op] = (counts[op] ?? 0) + 1;
    const upstream = httpRequest({ hostname, port, method: req.method, path: req.url, headers: req.headers }, (up) => {
      res.writeHead(up.statusCode ?? 502, up.headers);
      up.pipe(res);
    });
    upstream.on('error', () => res.destroy());
    req.pipe(upstream);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    take: () => {
      const out = counts;
      counts = {};
      return out;
    },
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
};
