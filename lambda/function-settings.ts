/**
 * The function's limits, written once: the stack deploys with them and the local door gives each request
 * the same time budget Lambda would. Plain data: no CDK import.
 */

/**
 * Lambda's timeout. A request's deadline is this minus ANSWER_MARGIN_MS (lambda/handler.ts): DynamoDB work
 * still running then is aborted and the answer is a modeled 500, well before API Gateway's 29 s.
 */
export const FUNCTION_TIMEOUT_SECONDS = 15;

/** What a request leaves unspent of the function's remaining time, to encode, log and return its answer. */
export const ANSWER_MARGIN_MS = 1000;
