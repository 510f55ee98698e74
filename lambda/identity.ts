/**
 * Who is calling. Deployed, API Gateway has authenticated the SigV4 signature (AWS_IAM) and names the caller
 * in `requestContext.identity`; the local door fills the same fields from the access key id of the
 * `Authorization` header, without verifying the signature, as other local emulators do.
 */
import { createHash } from 'node:crypto';

export interface Caller {
  /** The AWS account that owns what the caller creates and is the only one that sees it. */
  readonly accountId: string;
  /** The principal: `@userId` and `pipelineCreator` of what it creates. */
  readonly userId: string;
}

/** The account of unsigned local calls (and of a deployed request without an identity, which AWS_IAM prevents). */
export const DEFAULT_ACCOUNT = '000000000000';

/** The fields of API Gateway's `requestContext.identity` that name the caller. */
export interface GatewayIdentity {
  readonly accountId?: string | null;
  readonly user?: string | null;
  readonly accessKey?: string | null;
}

export const callerOf = (identity: GatewayIdentity | null | undefined): Caller => {
  const accountId = identity?.accountId || DEFAULT_ACCOUNT;
  return { accountId, userId: identity?.user || accountId };
};

/** The access key id of a SigV4 `Authorization` header, or undefined when the request is not signed that way. */
const accessKeyOf = (authorization: string | undefined): string | undefined =>
  authorization === undefined ? undefined : /^AWS4-HMAC-SHA256\s+Credential=([^/,\s]+)\//.exec(authorization)?.[1];

/**
 * Locally, the account of an access key id: a 12-digit key is that account (as LocalStack does); any other key
 * is an account of its own, 12 digits derived from the key, so two keys are two accounts.
 */
export const accountOfAccessKey = (accessKeyId: string): string => {
  if (/^\d{12}$/.test(accessKeyId)) return accessKeyId;
  const digest = createHash('sha256').update(accessKeyId).digest();
  return (digest.readBigUInt64BE(0) % 10n ** 12n).toString().padStart(12, '0');
};

/** What the local door puts in `requestContext.identity`, like API Gateway does after checking the signature. */
export const localIdentity = (authorization: string | undefined): GatewayIdentity => {
  const accessKey = accessKeyOf(authorization);
  return accessKey === undefined ? {} : { accountId: accountOfAccessKey(accessKey), user: accessKey, accessKey };
};
