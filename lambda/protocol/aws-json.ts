/**
 * The awsJson 1.1 protocol as the Data Pipeline SDKs speak it: the target header names the operation,
 * the body is a JSON object, errors carry `__type` and `message` plus an `x-amzn-ErrorType` header.
 */

export const CONTENT_TYPE = 'application/x-amz-json-1.1';
const TARGET_PREFIX = 'DataPipeline.';

/** A request as both doors (API Gateway event, local node:http) present it; header names lower-cased. */
export interface HttpRequest {
  readonly headers: Readonly<Record<string, string | undefined>>;
  readonly body: string;
}

export interface HttpResponse {
  readonly statusCode: number;
  readonly headers: Record<string, string>;
  readonly body: string;
}

/** The only text a client sees of an unexpected failure; the details go to the log. */
export const INTERNAL_ERROR_MESSAGE = 'The service encountered an internal error. Try the request again.';

export interface WireError {
  readonly type: string;
  readonly message: string;
}

const STATUS_BY_TYPE: Readonly<Record<string, number>> = {
  InternalServiceError: 500,
  RequestEntityTooLargeException: 413,
};

/** The operation named by `X-Amz-Target`, or undefined when the header is missing or not ours. */
export const readOperation = (headers: HttpRequest['headers']): string | undefined => {
  const target = headers['x-amz-target'];
  return target?.startsWith(TARGET_PREFIX) ? target.slice(TARGET_PREFIX.length) : undefined;
};

const baseHeaders = (requestId: string): Record<string, string> => ({
  'Content-Type': CONTENT_TYPE,
  'x-amzn-RequestId': requestId,
});

/**
 * The largest answer body: Lambda returns at most 6 MB (6,291,456 bytes) of response payload, in which API
 * Gateway's proxy result carries the body as a JSON string (its quotes and backslashes escaped) beside the
 * headers. Every answer is bounded below this by the limits of docs/behaviour.md; this is the last guard.
 */
export const MAX_ANSWER_PAYLOAD_BYTES = 6_291_456 - 8_192;

/** The bytes the body takes inside a Lambda proxy result (a JSON string): its UTF-8 plus one per quote or backslash. */
export const payloadBytes = (body: string): number => {
  let escapes = 0;
  for (let i = body.indexOf('"'); i >= 0; i = body.indexOf('"', i + 1)) escapes++;
  for (let i = body.indexOf('\\'); i >= 0; i = body.indexOf('\\', i + 1)) escapes++;
  return Buffer.byteLength(body) + escapes;
};

export const encodeResult = (output: object, requestId: string): HttpResponse => {
  const body = JSON.stringify(output);
  // A UTF-16 unit is at most 3 UTF-8 bytes and one escape: only a body that could be over is measured.
  if (body.length * 4 > MAX_ANSWER_PAYLOAD_BYTES && payloadBytes(body) > MAX_ANSWER_PAYLOAD_BYTES) {
    return encodeError(
      {
        type: 'InvalidRequestException',
        message: `The answer would take ${payloadBytes(body)} bytes, more than the ${MAX_ANSWER_PAYLOAD_BYTES} an answer may carry: ask for less (fewer ids, a smaller limit).`,
      },
      requestId,
    );
  }
  return { statusCode: 200, headers: baseHeaders(requestId), body };
};

export const encodeError = (error: WireError, requestId: string): HttpResponse => ({
  statusCode: STATUS_BY_TYPE[error.type] ?? 400,
  headers: { ...baseHeaders(requestId), 'x-amzn-ErrorType': error.type },
  body: JSON.stringify({ __type: error.type, message: error.message }),
});
