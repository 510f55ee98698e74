/**
 * Instances and attempts as DescribeObjects and QueryObjects show them: the fields the AWS CLI and console
 * read (`@status`, `@componentParent`, `@instanceParent`, `@headAttempt`, the four times, `@attemptCount`,
 * `hostname`, the error fields, `@sphere`), times as `YYYY-MM-DDTHH:MM:SS`.
 */
import type { Field, PipelineObject } from '../definitions/definition';
import type { StoredAttempt, StoredInstance } from '../store/run-store';
import { fieldTime } from './describe-pipelines';
import { instanceIdOf } from '../runs/run-model';
import type { Inheritance } from '../definitions/inheritance';

/**
 * A run object as its instance sees itself: its component's fields (resolved: own, parent chain, Default) that
 * its own runtime fields do not set, then those. So `command` shows on an instance and its attempts, and with
 * `evaluateExpressions` is evaluated in the instance's context (its `@scheduledStartTime`).
 */
export const withComponentFields = (objects: Inheritance, o: PipelineObject): PipelineObject => {
  const parent = o.fields.find((f) => f.key === '@componentParent')?.refValue;
  const component = parent === undefined ? undefined : objects.get(parent);
  if (!component) return o;
  const own = new Set(o.fields.map((f) => f.key));
  return { ...o, fields: [...objects.resolvedFields(component).filter((f) => !own.has(f.key)), ...o.fields] };
};

const str = (key: string, value: string | undefined): Field[] => (value === undefined ? [] : [{ key, stringValue: value }]);
const time = (key: string, value: string | undefined): Field[] => str(key, value === undefined ? undefined : fieldTime(value));
const ref = (key: string, value: string | undefined): Field[] => (value === undefined ? [] : [{ key, refValue: value }]);

export const describeInstance = (i: StoredInstance): PipelineObject => ({
  id: i.instanceId,
  name: i.instanceId,
  fields: [
    ...str('@sphere', 'INSTANCE'),
    ...str('@status', i.status),
    ...ref('@componentParent', i.componentId),
    ...ref('@headAttempt', i.headAttempt),
    ...time('@scheduledStartTime', i.scheduledStartTime),
    ...time('@scheduledEndTime', i.scheduledEndTime),
    ...time('@actualStartTime', i.actualStartTime),
    ...time('@actualEndTime', i.actualEndTime),
    ...str('@attemptCount', String(i.attemptCount)),
    ...str('workerGroup', i.settings.workerGroup || undefined),
    // The guide's runtime slot: the dependencies (their instances in this run) it still waits on.
    ...(i.status === 'WAITING_ON_DEPENDENCIES' ? (i.pending ?? []).flatMap((c) => ref('@waitingOn', instanceIdOf(c, i.scheduledStartTime))) : []),
  ],
});

export const describeAttempt = (a: StoredAttempt, instance: StoredInstance | undefined): PipelineObject => ({
  id: a.attemptId,
  name: a.attemptId,
  fields: [
    ...str('@sphere', 'ATTEMPT'),
    ...str('@status', a.status),
    ...ref('@componentParent', a.componentId),
    ...ref('@instanceParent', a.instanceId),
    ...time('@scheduledStartTime', instance?.scheduledStartTime),
    ...time('@scheduledEndTime', instance?.scheduledEndTime),
    ...time('@actualStartTime', a.actualStartTime),
    ...time('@actualEndTime', a.actualEndTime),
    ...str('@attemptNumber', String(a.number)),
    ...str('hostname', a.hostname),
    ...str('errorId', a.errorId),
    ...str('errorMessage', a.errorMessage),
    ...str('errorStackTrace', a.errorStackTrace),
    ...(a.reported ?? []),
  ],
});
