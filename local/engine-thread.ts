/**
 * The embedded engine's thread (worker_threads, started by local/engine.ts): dynalite, on the second core.
 * It answers two doors onto the same tables:
 * - HTTP, for every outside client (tools, tests, the AWS CLI);
 * - messages from the handler's thread, which skip the socket: a request is the one the SDK signed, handed
 *   to dynalite's own request listener as it would arrive over HTTP, and its answer goes back as it would
 *   leave (status, headers, body). Same validation, same errors, same bytes; no loopback round trip.
 */
import { EventEmitter } from 'node:events';
import type { AddressInfo } from 'node:net';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { parentPort, workerData } from 'node:worker_threads';
import dynalite from 'dynalite';
import { EngineAnswer, EngineRequest, EngineThreadData, EngineThreadMessage, HandlerThreadMessage, Outbox } from './engine-messages';
import { collectThisThread } from './idle-collector';
import { fixDynaliteMemory } from './dynalite-fixes';

type RequestListener = (req: IncomingMessage, res: ServerResponse) => void;

/**
 * One request through dynalite's listener without a socket. The listener reads `method`, `url`, `headers`,
 * the body's 'data' and 'end' events, and answers with `statusCode`, `setHeader` and one `end(body)`: that is
 * all an HTTP request gives it, so that is what this gives it.
 */
const serveInProcess = (listener: RequestListener, request: EngineRequest, answer: (a: EngineAnswer) => void): void => {
  const req = Object.assign(new EventEmitter(), { method: request.method, url: request.path, headers: request.headers });
  const headers: Record<string, string> = {};
  const res = {
    statusCode: 200,
    setHeader(name: string, value: unknown) {
      headers[name.toLowerCase()] = String(value);
    },
    end(body?: string) {
      answer({ id: request.id, statusCode: res.statusCode, headers, body: body ?? '' });
    },
  };
  listener(req as unknown as IncomingMessage, res as unknown as ServerResponse);
  const { buffer, byteOffset, byteLength } = request.body;
  if (byteLength > 0) req.emit('data', Buffer.from(buffer, byteOffset, byteLength));
  req.emit('end');
};

const run = (port: NonNullable<typeof parentPort>, data: EngineThreadData) => {
  fixDynaliteMemory();
  const server: Server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0, ...(data.dataDir && { path: data.dataDir }) });
  const listener = server.listeners('request')[0] as RequestListener;
  const send = (m: EngineThreadMessage) => port.postMessage(m);
  server.once('error', (err) => send({ startError: err.message }));
  server.listen(data.port, data.host, () => send({ listening: (server.address() as AddressInfo).port }));
  const answers = new Outbox<EngineAnswer>((batch) => send(batch));
  /** What a request gets once the engine is closing, or when dynalite throws instead of answering: a 500, as a server would. */
  const unavailable = (request: EngineRequest, why: string): EngineAnswer => ({
    id: request.id,
    statusCode: 500,
    headers: { 'content-type': 'application/x-amz-json-1.0' },
    body: JSON.stringify({ __type: 'com.amazonaws.dynamodb.v20120810#InternalServerError', message: why }),
  });
  let closing = false;
  // A request dynalite had already scheduled when the engine closed (a Query waiting on its table's lock) opens its
  // read on closed storage, and abstract-level throws outside any callback: nothing is left to answer it (the
  // handler's side fails what it has in flight at the close), so that one error, then, is not a crash.
  process.on('uncaughtException', (err: Error & { code?: string }) => {
    if (closing && err.code === 'LEVEL_DATABASE_NOT_OPEN') return;
    throw err;
  });
  port.on('message', (m: HandlerThreadMessage) => {
    if (m === 'collect') return collectThisThread();
    if (m !== 'close') {
      // A request can still arrive after close (a long poll that outlives the endpoint's stop): answered, never a throw.
      for (const request of m) {
        if (closing) {
          answers.push(unavailable(request, 'The engine is closed.'));
          continue;
        }
        try {
          serveInProcess(listener, request, (a) => answers.push(a));
        } catch (err) {
          answers.push(unavailable(request, err instanceof Error ? err.message : String(err)));
        }
      }
      return;
    }
    closing = true;
    server.closeAllConnections();
    server.close(() => send({ closed: true }));
  });
};

if (parentPort && (workerData as Partial<EngineThreadData> | undefined)?.engineThread) run(parentPort, workerData as EngineThreadData);
