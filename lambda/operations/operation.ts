/**
 * What every operation is: its input shape (checked by the generic walker before it runs), the keys it
 * wants on the request's log lines, and a function of (input, request context) to an output or a modeled
 * error. Operations see stores (ports), never items or SDK clients.
 */
import type { Caller } from '../identity';
import type { StructureShape } from '../model/shapes';
import type { RunLimits } from '../definitions/run-limits';
import type { PipelineStore } from '../store/pipeline-store';
import type { RunStore } from '../store/run-store';
import type { TaskStore } from '../store/task-store';
import type { ModeledError } from './errors';

/** The ports of one request, bound to its deadline: their DynamoDB requests are aborted when it passes. */
export interface Stores {
  readonly pipelines: PipelineStore;
  readonly runs: RunStore;
  readonly tasks: TaskStore;
}

export interface RequestContext {
  readonly stores: Stores;
  readonly now: () => Date;
  /** Who is calling: pipelines belong to the caller's account and only it sees them. */
  readonly caller: Caller;
  /** The dp-limits.md limits, or relaxed ones (`--relaxed-limits`). */
  readonly limits: RunLimits;
  /** When the answer must be on its way (epoch ms, by the real clock): a long poll ends before it. */
  readonly deadline: number;
}

type LogKeys = Record<string, string | number | boolean | undefined>;

export type OperationResult =
  { readonly ok: true; readonly output: object; readonly log?: LogKeys } | { readonly ok: false; readonly error: ModeledError; readonly log?: LogKeys };

export interface Operation<I = never> {
  readonly input: StructureShape;
  /** Keys for the INFO line (ids, statuses). The dispatcher bounds every value it logs. */
  readonly infoKeys: (input: I) => LogKeys;
  /** Further request values, logged at DEBUG only (user text such as error messages). */
  readonly debugKeys?: (input: I) => LogKeys;
  readonly run: (input: I, ctx: RequestContext) => Promise<OperationResult>;
}
