/**
 * The local door: node:http in front of the Lambda handler, shaped like API Gateway's Lambda proxy
 * integration. It streams the body with a cap (Lambda's 6 MB payload limit) and never lets a slow or
 * vanished client take the process down.
 */
import { randomUUID } from 'node:crypto';
import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import { CONTENT_TYPE, INTERNAL_ERROR_MESSAGE } from '../lambda/protocol/aws-json';

export type ProxyHandler = (event: APIGatewayProxyEvent, context: Context) => Promise<APIGatewayProxyResult>;

/** Lambda's limit on a synchronous invocation payload. */
export const MAX_BODY_BYTES = 6 * 1024 * 1024;

/** A client has this long to send its whole request (API Gateway's integration timeout is 29 s). */
export const REQUEST_TIMEOUT_MS = 30_000;

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

const refuseTooLarge = (req: IncomingMessage, res: ServerResponse, requestId: string) => {
  let discarded = 0;
  req.removeAllListeners('data');
  req.on('data', (chunk: Buffer) => {
    discarded += chunk.length;
    if (discarded > MAX_DISCARD_BYTES) req.socket.destroy();
  });
  req.resume();
  sendError(res, 413, 'RequestEntityTooLargeException', `The request body exceeds ${MAX_BODY_BYTES} bytes.`, requestId);
};

/** Reads the body, or answers 413 and resolves undefined as soon as it is known to be too large. */
const readBody = (req: IncomingMessage, res: ServerResponse, requestId: string): Promise<Buffer | undefined> =>
  new Promise((resolve) => {
    const declared = Number(req.headers['content-length']);
    if (Number.isFinite(declared) && declared > MAX_BODY_BYTES) {
      refuseTooLarge(req, res, requestId);
      resolve(undefined);
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        chunks.length = 0;
        refuseTooLarge(req, res, requestId);
        resolve(undefined);
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks, size)));
    req.on('error', () => resolve(undefined)); // aborted: nobody is left to answer
  });

const lambdaContext = (requestId: string): Context => ({
  callbackWaitsForEmptyEventLoop: false,
  functionName: 'datapipeline-task-runner-local',
  functionVersion: '$LATEST',
  invokedFunctionArn: 'arn:aws:lambda:local:000000000000:function:datapipeline-task-runner-local',
  memoryLimitInMB: '0',
  awsRequestId: requestId,
  logGroupName: 'local',
  logStreamName: 'local',
  getRemainingTimeInMillis: () => REQUEST_TIMEOUT_MS,
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
    requestContext: { requestId, httpMethod: 'POST', path: '/', resourcePath: '/', stage: 'local' } as APIGatewayProxyEvent['requestContext'],
  };
};

export const createHttpDoor = (handler: ProxyHandler, onError: (err: unknown) => void): Server => {
  const server = createServer(async (req, res) => {
    const requestId = randomUUID();
    try {
      const path = (req.url ?? '/').split('?')[0];
      if (req.method !== 'POST' || path !== '/') {
        req.resume();
        sendError(res, 404, 'UnknownOperationException', 'This endpoint serves POST / only.', requestId);
        return;
      }
      const body = await readBody(req, res, requestId);
      if (body === undefined) return;
      const result = await handler(proxyEvent(req, body, requestId), lambdaContext(requestId));
      if (res.destroyed) return;
      res.writeHead(result.statusCode, result.headers as Record<string, string>);
      res.end(result.body);
    } catch (err) {
      onError(err);
      sendError(res, 500, 'InternalServiceError', INTERNAL_ERROR_MESSAGE, requestId);
    }
  });
  server.requestTimeout = REQUEST_TIMEOUT_MS;
  server.headersTimeout = 10_000;
  return server;
};
