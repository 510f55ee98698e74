/**
 * API Gateway's own errors (IAM, throttling, size, integration failures) rewritten into the awsJson error
 * shape, so that SDKs raise typed errors and retry where right: botocore and the JS SDK read `__type`,
 * and both retry `ThrottlingException`, 429 and 5xx. The status code stays API Gateway's default.
 */
export interface GatewayErrorMapping {
  /** The API Gateway response type (ResponseType.of). */
  readonly responseType: string;
  /** The error name clients see as `__type` and `x-amzn-ErrorType`. */
  readonly errorType: string;
}

export const GATEWAY_ERRORS: readonly GatewayErrorMapping[] = [
  { responseType: 'ACCESS_DENIED', errorType: 'AccessDeniedException' },
  { responseType: 'MISSING_AUTHENTICATION_TOKEN', errorType: 'MissingAuthenticationTokenException' },
  { responseType: 'EXPIRED_TOKEN', errorType: 'ExpiredTokenException' },
  { responseType: 'INVALID_SIGNATURE', errorType: 'InvalidSignatureException' },
  { responseType: 'UNAUTHORIZED', errorType: 'UnrecognizedClientException' },
  { responseType: 'THROTTLED', errorType: 'ThrottlingException' },
  { responseType: 'QUOTA_EXCEEDED', errorType: 'ThrottlingException' },
  { responseType: 'REQUEST_TOO_LARGE', errorType: 'RequestEntityTooLargeException' },
  { responseType: 'INTEGRATION_FAILURE', errorType: 'InternalServiceError' },
  { responseType: 'INTEGRATION_TIMEOUT', errorType: 'InternalServiceError' },
  // The modeled InvalidRequestException already reads "verify that your request was properly formatted, that
  // the signature was generated with the correct credentials": the right catch-all for other 4xx.
  { responseType: 'DEFAULT_4XX', errorType: 'InvalidRequestException' },
  { responseType: 'DEFAULT_5XX', errorType: 'InternalServiceError' },
];

/** The mapping template: `$context.error.messageString` is already a quoted JSON string. */
export const gatewayErrorTemplate = (errorType: string): string => `{"__type":"${errorType}","message":$context.error.messageString}`;
