/** What every conformance case uses: its context, and checks that fail with a reason. */
import type { DataPipelineClient } from '@aws-sdk/client-data-pipeline';
import type { TablesTarget } from '../targets';
import { randomBytes } from 'node:crypto';
import type { Answer } from './probe';

export interface CaseContext {
  readonly sdk: DataPipelineClient;
  /** Table access (--dynamodb-endpoint, --stack): only the cases that seed tasks straight into the tables need it. */
  readonly tables?: TablesTarget;
  /** False for API Gateway URLs, where limits belong to API Gateway and Lambda, not to the handler. */
  readonly isLocal: boolean;
  readonly endpoint: string;
  /** A client of another account (another access key), where the endpoint tells accounts apart by key. */
  readonly otherAccount?: DataPipelineClient;
}

export interface Case {
  readonly id: string;
  readonly rule: string;
  /** It seeds its state straight into the tables (a task whose pipeline was never written, say): skipped without table access. */
  readonly needsTables?: boolean;
  /** Runs the check; throws with the reason on a failure; returns 'skip' with a reason when it does not apply. */
  readonly run: (ctx: CaseContext) => Promise<void | { skip: string }>;
}

class CheckFailed extends Error {}
export const check = (condition: unknown, message: string): void => {
  if (!condition) throw new CheckFailed(message);
};
const show = (a: Answer) => (a.error ? `${a.status} ${a.error.name}: ${a.error.message}` : `${a.status} ${JSON.stringify(a.output)}`);

export const ok = (a: Answer) => check(a.status === 200 && !a.error && Object.keys(a.output ?? {}).length === 0, `expected 200 {}, got ${show(a)}`);

export type ErrorClass = new (...args: never[]) => Error;
const STATUS: Record<string, number> = { InternalServiceError: 500, RequestEntityTooLargeException: 413, InvalidSignatureException: 403 };
export const fails = (a: Answer, type: string, options: { typed?: ErrorClass; message?: string | RegExp } = {}) => {
  check(a.error?.name === type, `expected ${type}, got ${show(a)}`);
  check(a.status === (STATUS[type] ?? 400), `expected the status of ${type}, got ${a.status}`);
  if (options.typed) check(a.error instanceof options.typed, `${type} did not arrive as the SDK's typed class`);
  const m = options.message;
  if (m !== undefined) {
    const text = a.error?.message ?? '';
    check(typeof m === 'string' ? text === m : m.test(text), `message ${JSON.stringify(text)} does not match ${m}`);
  }
};

/** A pipeline object as the API carries it. */
export type Field = { key: string; stringValue?: string; refValue?: string };
export type WireObject = { id: string; name: string; fields: Field[] };

/** An object from `{key: value}`: a string is a stringValue, `{ref}` a refValue, a list one field per element. */
export const obj = (id: string, fields: Record<string, string | { ref: string } | (string | { ref: string })[]>, name = id): WireObject => ({
  id,
  name,
  fields: Object.entries(fields).flatMap(([key, v]) => [v].flat().map((x) => (typeof x === 'string' ? { key, stringValue: x } : { key, refValue: x.ref }))),
});

/** The output of a 200 answer; a check failure otherwise. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export const out = (a: Answer): any => {
  check(a.status === 200 && !a.error, `expected 200, got ${show(a)}`);
  return a.output ?? {};
};

/** A name no other run of the cases uses (unique ids, worker groups). */
export const fresh = () => `conformance-${randomBytes(6).toString('hex')}`;
