/** Helpers for the pipeline calls through a dispatcher: call by operation name, and build definitions. */
import { FINAL_INSTANCE_STATUSES, type Instance } from '../../lambda/runs/run-model';
import type { OpenedSoFar } from '../../lambda/runs/schedule';
import { randomBytes } from 'node:crypto';
import type { Dispatch } from '../../lambda/dispatch';
import type { Caller } from '../../lambda/identity';
import { TEST_CALLER } from './engine';

/** Calls `operation` as `caller`; the answer's status and body. */
/** `operation` is a DataPipeline call's name, or a whole target (`DataPipelineLocal.ListTaskRunners`). */
export const op = async (dispatch: Dispatch, operation: string, input: Record<string, unknown>, caller: Caller = TEST_CALLER, budgetMs?: number) => {
  const res = await dispatch(
    { headers: { 'x-amz-target': operation.includes('.') ? operation : `DataPipeline.${operation}` }, body: JSON.stringify(input) },
    `req-${randomBytes(4).toString('hex')}`,
    { caller, ...(budgetMs !== undefined && { budgetMs }) },
  );

  return { status: res.statusCode, body: JSON.parse(res.body) };
};

/** A pipeline object from `{key: value}` (a `{ref}` value is a refValue; an array gives one field per element). */
/** A pipeline object as the SDKs type it (mutable lists). */
export interface WireObject {
  id: string;
  name: string;
  fields: { key: string; stringValue?: string; refValue?: string }[];
}

export const object = (id: string, fields: Record<string, string | { ref: string } | string[]>, name = id): WireObject => ({
  id,
  name,
  fields: Object.entries(fields).flatMap(([key, v]) => [v].flat().map((x) => (typeof x === 'string' ? { key, stringValue: x } : { key, refValue: x.ref }))),
});

/** An on-demand pipeline with one shell command for worker group `wg`. */
export const ON_DEMAND = [
  object('Default', { scheduleType: 'ondemand', workerGroup: 'wg', failureAndRerunMode: 'CASCADE' }),
  object('Hello', { type: 'ShellCommandActivity', command: 'echo hello' }, 'Say hello'),
];

export const newCaller = (): Caller => {
  const accountId = String(100000000000 + Math.floor(Math.random() * 899999999999));
  return { accountId, userId: `AIDA${randomBytes(6).toString('hex').toUpperCase()}` };
};

/** Creates a pipeline with a fresh uniqueId; its id. */
export const createPipeline = async (dispatch: Dispatch, caller: Caller = TEST_CALLER, name = 'p'): Promise<string> => {
  const res = await op(dispatch, 'CreatePipeline', { name, uniqueId: randomBytes(6).toString('hex') }, caller);
  if (res.status !== 200) throw new Error(JSON.stringify(res.body));
  return res.body.pipelineId;
};

/** What a schedule has opened, as a run summary would say, from the instances a test made. */
export const openedFrom = (instances: readonly Instance[]): OpenedSoFar => ({
  openOf: (c) => instances.filter((i) => i.componentId === c && !FINAL_INSTANCE_STATUSES.includes(i.status)).length,
  latestOf: () =>
    instances
      .map((i) => i.scheduledStartTime)
      .sort()
      .pop(),
});

export const NOTHING_OPEN: OpenedSoFar = openedFrom([]);
