/**
 * Instances and attempts as DescribeObjects and QueryObjects show them: the fields the AWS CLI and console
 * read (`@status`, `@componentParent`, `@instanceParent`, `@headAttempt`, the four times, `@attemptCount`,
 * `hostname`, the error fields, `@sphere`), times as `YYYY-MM-DDTHH:MM:SS`.
 */
import type { Field, PipelineObject } from '../definitions/definition';
import type { StoredAttempt, StoredInstance } from '../store/run-store';
import { fieldTime } from './describe-pipelines';
import { componentOfInstance, FINAL_INSTANCE_STATUSES, instanceIdOf } from '../runs/run-model';
import type { Inheritance } from '../definitions/inheritance';
import type { PipelineRecord } from '../store/pipeline-store';
import type { RunSummary } from '../store/run-store';
import { isActivity, isRunnerChecked, refOf } from '../definitions/activity-settings';

/** Whether the component has instances: an activity, or a user-managed precondition. */
export const runsAsTasks = (objects: Inheritance, o: PipelineObject): boolean => isActivity(objects, o) || isRunnerChecked(objects, o);

/**
 * The runtime fields of a component that runs (an activity, a user-managed precondition), from the run summary
 * and the pipeline, read by key: the health of its latest ended instance (which, and when), its instances not
 * final (`@activeInstances`), the start of its latest run, and of its latest run that ended FINISHED, and the
 * pipeline's latest deactivation.
 */
export const componentRuntimeFields = (
  objects: Inheritance,
  component: PipelineObject,
  summary: RunSummary,
  pipeline: PipelineRecord,
  onDemand: boolean,
): Field[] => {
  if (!runsAsTasks(objects, component)) return [];
  const id = component.id;
  const from = summary.healthFrom[id];
  const scheduleId = refOf(objects, objects.field(component, 'schedule'));
  const latestRun = onDemand ? summary.lastRunStart : scheduleId === undefined ? undefined : summary.periods[scheduleId];
  return [
    ...str('@healthStatus', summary.health[id]),
    ...str('@healthStatusFromInstanceId', from?.instanceId),
    ...time('@healthStatusUpdatedTime', from?.at),
    ...summary.open
      .filter((i) => componentOfInstance(i) === id)
      .sort()
      .flatMap((i) => ref('@activeInstances', i)),
    ...time('@latestRunTime', latestRun),
    ...time('@latestCompletedRunTime', summary.completed[id]),
    ...time('@lastDeactivatedTime', pipeline.lastDeactivatedTime),
  ];
};

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
    ...(FINAL_INSTANCE_STATUSES.includes(i.status) ? time('@finishedTime', i.actualEndTime) : []),
    ...str('workerGroup', i.settings.workerGroup || undefined),
    ...(i.status === 'CASCADE_FAILED' ? ref('@cascadeFailedOn', i.cascadeFailedOn) : []),
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
    ...(a.status !== 'WAITING_FOR_RUNNER' && a.status !== 'RUNNING' ? time('@finishedTime', a.actualEndTime) : []),
    ...time('reportProgressTime', a.reportProgressTime),
    ...str('hostname', a.hostname),
    ...str('errorId', a.errorId),
    ...str('errorMessage', a.errorMessage),
    ...str('errorStackTrace', a.errorStackTrace),
    ...(a.reported ?? []),
  ],
});
