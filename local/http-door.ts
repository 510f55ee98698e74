/**
 * The local door: node:http in front of the Lambda handler, shaped like API Gateway's Lambda proxy
 * integration (POST /), and the console's files (GET /, local/console). It streams the body with a cap
 * (Lambda's 6 MB payload limit) and never lets a slow or vanished client take the process down.
 */
import { randomUUID } from 'node:crypto';
import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import type { APIGatewayProxyEvent, Context } from 'aws-lambda';
import type { ProxyHandler } from '../lambda/handler';
import { FUNCTION_TIMEOUT_SECONDS } from '../lambda/function-settings';
import { DEFAULT_ACCOUNT, localIdentity } from '../lambda/identity';
import { CONTENT_TYPE, INTERNAL_ERROR_MESSAGE } from '../lambda/protocol/aws-json';
import { CONSOLE_HEADERS, consoleAsset } from './console/assets';
import { hostRefusal, originRefusal } from './console/guard';

export type { ProxyHandler };

/** Lambda's limit on a synchronous invocation payload. */
export const MAX_BODY_BYTES = 6 * 1024 * 1024;

/**
 * The bodies of all requests in flight together stay under this: past it a request is refused with 429
 * `ThrottlingException`, which the SDKs retry. Eight bodies at the 6 MB limit; without a cap, 80 concurrent
 * 6 MB requests took the process from 115 to 515 MB.
 */
const MAX_IN_FLIGHT_BODY_BYTES = 8 * MAX_BODY_BYTES;

/** A client has this long to send its whole request (API Gateway's integration timeout is 29 s). */
const REQUEST_TIMEOUT_MS = 30_000;

/**
 * After a 413, the rest of an oversized body is read and thrown away up to this many bytes, so that a
 * client still sending sees the answer instead of a connection reset; past it the connection is cut.
 */
const MAX_DISCARD_BYTES = 2 * MAX_BODY_BYTES;

const sendError = (res: ServerResponse, status: number, type: string, message: string, requestId: string) => {
  if (res.headersSent || res.destroyed) return;
  res.writeHead(status, { 'Content-Type': CONTENT_TYPE, 'x-amzn-RequestId': requestId, 'x-amzn-ErrorType': type });
  res.end(JSON.stringify({ __type: type, message }));
};

/** Answers at once, then reads and throws away the rest of the body (see MAX_DISCARD_BYTES). */
const refuse = (req: IncomingMessage, res: ServerResponse, requestId: string, status: number, type: string, message: string) => {
  let discarded = 0;
  req.removeAllListeners('data');
  req.on('data', (chunk: Buffer) => {
    discarded += chunk.length;
    if (discarded > MAX_DISCARD_BYTES) req.socket.destroy();
  });
  req.resume();
  sendError(res, status, type, message, requestId);
};

const refuseTooLarge = (req: IncomingMessage, res: ServerResponse, requestId: string) =>
  refuse(req, res, requestId, 413, 'RequestEntityTooLargeException', `The request body exceeds ${MAX_BODY_BYTES} bytes.`);

const refuseBusy = (req: IncomingMessage, res: ServerResponse, requestId: string) =>
  refuse(req, res, requestId, 429, 'ThrottlingException', 'Too many request bytes in flight; retry the request.');

/** The bytes of request bodies held in memory right now, across all requests. */
class InFlightBytes {
  private held = 0;
  constructor(private readonly cap: number) {}
  /** Takes `n` more bytes if the cap allows it. */
  take(n: number): boolean {
    if (this.held + n > this.cap) return false;
    this.held += n;
    return true;
  }
  release(n: number): void {
    this.held -= n;
  }
}

/**
 * Reads the body, counting its bytes against `inFlight` (the caller releases `held` when the request is done).
 * Answers 413 as soon as the body is known to be too large, or 429 when the bytes in flight would pass the cap,
 * and then resolves undefined.
 */
const readBody = (
  req: IncomingMessage,
  res: ServerResponse,
  requestId: string,
  inFlight: InFlightBytes,
  held: { bytes: number },
): Promise<Buffer | undefined> =>
  new Promise((resolve) => {
    const declared = Number(req.headers['content-length']);
    if (Number.isFinite(declared) && declared > MAX_BODY_BYTES) {
      refuseTooLarge(req, res, requestId);
      resolve(undefined);
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    const stop = (refusal: typeof refuseBusy) => {
      chunks.length = 0;
      refusal(req, res, requestId);
      resolve(undefined);
    };
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) return stop(refuseTooLarge);
      if (!inFlight.take(chunk.length)) return stop(refuseBusy);
      held.bytes += chunk.length;
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks, size)));
    req.on('error', () => resolve(undefined)); // aborted: nobody is left to answer
  });

/** Like Lambda's: the time left of the function's timeout, counted from when the request arrived. */
const lambdaContext = (requestId: string, startedAt: number): Context => ({
  callbackWaitsForEmptyEventLoop: false,
  functionName: 'datapipeline-task-runner-local',
  functionVersion: '$LATEST',
  invokedFunctionArn: 'arn:aws:lambda:local:000000000000:function:datapipeline-task-runner-local',
  memoryLimitInMB: '0',
  awsRequestId: requestId,
  logGroupName: 'local',
  logStreamName: 'local',
  getRemainingTimeInMillis: () => FUNCTION_TIMEOUT_SECONDS * 1000 - (Date.now() - startedAt),
  done: () => undefined,
  fail: () => undefined,
  succeed: () => undefined,
});

const proxyEvent = (req: IncomingMessage, body: Buffer, requestId: string): APIGatewayProxyEvent => {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(',') : value;
  }
  return {
    resource: '/',
    path: '/',
    httpMethod: 'POST',
    headers,
    multiValueHeaders: {},
    queryStringParameters: null,
    multiValueQueryStringParameters: null,
    pathParameters: null,
    stageVariables: null,
    body: body.toString('utf8'),
    isBase64Encoded: false,
    // As API Gateway fills it after checking the signature (here: the access key id, not verified).
    requestContext: {
      requestId,
      httpMethod: 'POST',
      path: '/',
      resourcePath: '/',
      stage: 'local',
      identity: localIdentity(headers.authorization),
    } as APIGatewayProxyEvent['requestContext'],
  };
};

/** What the door saw of one request, once answered: what a person watching `npm start` wants to read. */
export interface AnsweredRequest {
  readonly at: Date;
  readonly account: string;
  /** The X-Amz-Target's operation, as sent (cut at 64 characters), or `-`. */
  readonly operation: string;
  readonly status: number;
  readonly ms: number;
  readonly requestId: string;
}

/** `12:00:01.234  123456789012  PollForTask  200  20015 ms  <request id>` */
export const requestLine = (r: AnsweredRequest): string =>
  `${r.at.toISOString().slice(11, 23)}  ${r.account}  ${r.operation.padEnd(26)}  ${r.status}  ${String(r.ms).padStart(6)} ms  ${r.requestId}`;

export interface DoorOptions {
  /** The cap on request bodies held at once (MAX_IN_FLIGHT_BODY_BYTES). */
  readonly maxInFlightBodyBytes?: number;
  /** Told of each request once answered (npm start's one line a request on a terminal). */
  readonly onAnswered?: (r: AnsweredRequest) => void;
  /** The interface the door listens on: a name given there is an allowed Host (local/console/guard.ts). */
  readonly listenHost?: string;
  /**
   * Told when the door starts on a request and when it has done with it: after its handler settled (a handler
   * goes on after its client left), its refusal was sent, or its body never came (local/idle-collector.ts).
   * Not the response's `finish` or `close`: a pipelined answer queued behind one its client never read gets neither.
   */
  readonly work?: { begin(): void; done(): void };
}

/** GET and HEAD: the console's page and files (local/console), for an allowed Host only. */
const serveConsole = (req: IncomingMessage, res: ServerResponse, path: string, listenHost: string, requestId: string) => {
  req.resume();
  // A person reads these in a browser tab: plain text (a browser shows an awsJson body as an invalid response).
  const refuse = (status: number, type: string, message: string) => {
    res.writeHead(status, {
      'Content-Type': 'text/plain; charset=utf-8',
      'x-amzn-RequestId': requestId,
      'x-amzn-ErrorType': type,
      'X-Content-Type-Options': 'nosniff',
    });
    res.end(req.method === 'HEAD' ? undefined : `${message}\n`);
  };
  const refusal = hostRefusal(req, listenHost);
  if (refusal) return refuse(refusal.status, 'AccessDeniedException', refusal.message);
  const asset = consoleAsset(path);
  if (asset === undefined) return refuse(404, 'UnknownOperationException', 'Not found: the console is at GET /, and the API at POST /.');
  res.writeHead(200, { ...CONSOLE_HEADERS, 'Content-Type': asset.type, 'Content-Length': asset.body.length, 'x-amzn-RequestId': requestId });
  res.end(req.method === 'HEAD' ? undefined : asset.body);
};

export const createHttpDoor = (handler: ProxyHandler, onError: (err: unknown) => void, options: DoorOptions = {}): Server => {
  const { onAnswered, listenHost = '127.0.0.1', work } = options;
  const inFlight = new InFlightBytes(options.maxInFlightBodyBytes ?? MAX_IN_FLIGHT_BODY_BYTES);
  const server = createServer(async (req, res) => {
    work?.begin();
    const requestId = randomUUID();
    const held = { bytes: 0 };
    if (onAnswered) {
      const at = new Date();
      res.once('finish', () => {
        const target = req.headers['x-amz-target']?.toString();
        // The call; for the console's files, the method and path; `-` for a POST that names no call.
        const operation =
          target !== undefined
            ? target.slice(target.indexOf('.') + 1, target.indexOf('.') + 65)
            : req.method === 'POST'
              ? '-'
              : `${req.method} ${(req.url ?? '/').slice(0, 60)}`;
        onAnswered({
          at,
          account: localIdentity(req.headers.authorization).accountId ?? DEFAULT_ACCOUNT,
          operation: operation || '-',
          status: res.statusCode,
          ms: Date.now() - at.getTime(),
          requestId,
        });
      });
    }
    try {
      const path = (req.url ?? '/').split('?')[0];
      if (req.method === 'GET' || req.method === 'HEAD') return serveConsole(req, res, path, listenHost, requestId);
      if (req.method !== 'POST' || path !== '/') {
        req.resume();
        sendError(res, 404, 'UnknownOperationException', 'This endpoint serves POST / (the API) and GET / (the console) only.', requestId);
        return;
      }
      const refusal = originRefusal(req, listenHost);
      // Refused before the body is read, like a 413: the rest of it is read and thrown away, up to a bound.
      if (refusal) return refuse(req, res, requestId, refusal.status, 'AccessDeniedException', refusal.message);
      const body = await readBody(req, res, requestId, inFlight, held);
      if (body === undefined) return;
      const result = await handler(proxyEvent(req, body, requestId), lambdaContext(requestId, Date.now()));
      if (res.destroyed) return;
      res.writeHead(result.statusCode, result.headers as Record<string, string>);
      res.end(result.body);
    } catch (err) {
      onError(err);
      sendError(res, 500, 'InternalServiceError', INTERNAL_ERROR_MESSAGE, requestId);
    } finally {
      inFlight.release(held.bytes);
      work?.done();
    }
  });
  server.requestTimeout = REQUEST_TIMEOUT_MS;
  server.headersTimeout = 10_000;
  return server;
};
