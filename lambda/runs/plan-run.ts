/**
 * ActivatePipeline of an on-demand pipeline starts a run: one instance of each activity, with the settings its
 * fields give (own, parent chain, Default). Instances with nothing to wait for get their first attempt at once;
 * the others wait on their dependencies. Pure.
 */
import type { Definition, PipelineObject } from '../definitions/definition';
import { DEFAULT_OBJECT_ID } from '../definitions/definition';
import { Inheritance } from '../definitions/inheritance';
import { OBJECT_TYPES } from '../definitions/object-types';
import { ActivitySettings, Attempt, attemptIdOf, Instance, instanceIdOf, Run } from './run-model';
import { periodMs, RUN_DEFAULTS, RUN_LIMITS, RunLimits } from './run-limits';

export type PlannedRun = { readonly run: Run; readonly refusal?: undefined } | { readonly refusal: string };

const isActivity = (objects: Inheritance, o: PipelineObject): boolean => {
  const type = objects.type(o)?.stringValue;
  return type !== undefined && Object.hasOwn(OBJECT_TYPES, type) && OBJECT_TYPES[type].category === 'activity';
};

/** The settings of an activity under the limits: retries at most 5 and 2 minutes apart, unless relaxed. */
export const settingsOf = (objects: Inheritance, o: PipelineObject, activityIds: ReadonlySet<string>, limits: RunLimits): ActivitySettings => {
  const value = (key: string) => objects.field(o, key)?.stringValue;
  const retries = Number.parseInt(value('maximumRetries') ?? '', 10);
  const maximumRetries = Number.isNaN(retries) || retries < 0 ? RUN_DEFAULTS.maximumRetries : retries;
  const retryDelayMs = periodMs(value('retryDelay'), limits) ?? RUN_DEFAULTS.retryDelayMs;
  const reportProgressTimeoutMs = periodMs(value('reportProgressTimeout'), limits) ?? RUN_DEFAULTS.reportProgressTimeoutMs;
  const runsOn = objects.field(o, 'runsOn')?.refValue;
  const resource = runsOn === undefined ? undefined : objects.get(runsOn);
  const workerGroup = value('workerGroup') ?? (resource && objects.field(resource, 'workerGroup')?.stringValue) ?? runsOn ?? '';
  return {
    workerGroup,
    maximumRetries: limits.relaxed ? maximumRetries : Math.min(maximumRetries, RUN_LIMITS.maximumRetries),
    retryDelayMs: limits.relaxed ? retryDelayMs : Math.max(retryDelayMs, RUN_LIMITS.minimumRetryDelayMs),
    reportProgressTimeoutMs,
    // Relaxed, the acknowledgement window is the report timeout when that is shorter (so a test need not wait 2 minutes).
    acknowledgeTimeoutMs: limits.relaxed ? Math.min(RUN_DEFAULTS.acknowledgeTimeoutMs, reportProgressTimeoutMs) : RUN_DEFAULTS.acknowledgeTimeoutMs,
    cascade: (value('failureAndRerunMode') ?? '').toLowerCase() === 'cascade',
    dependsOn: [...new Set(objects.fields(o, 'dependsOn').flatMap((f) => (f.refValue && activityIds.has(f.refValue) ? [f.refValue] : [])))],
  };
};

export const planRun = (definition: Definition, at: Date, limits: RunLimits): PlannedRun => {
  const objects = new Inheritance(definition.pipelineObjects);
  const scheduleType = objects.get(DEFAULT_OBJECT_ID)?.fields.find((f) => f.key === 'scheduleType')?.stringValue;
  if ((scheduleType ?? '').toLowerCase() !== 'ondemand') {
    return {
      refusal: `This backend runs on-demand pipelines: the Default object's scheduleType must be ondemand (it is ${scheduleType === undefined ? 'not set, so cron' : `'${scheduleType.slice(0, 32)}'`}). Schedules are not supported yet.`,
    };
  }
  const activities = objects.all().filter((o) => isActivity(objects, o));
  const activityIds = new Set(activities.map((o) => o.id));
  const scheduledStartTime = at.toISOString();
  const availableAt = scheduledStartTime;
  const instances: Instance[] = [];
  const attempts: Attempt[] = [];
  for (const o of activities) {
    const settings = settingsOf(objects, o, activityIds, limits);
    const instanceId = instanceIdOf(o.id, scheduledStartTime);
    const ready = settings.dependsOn.length === 0;
    instances.push({
      instanceId,
      componentId: o.id,
      status: ready ? 'WAITING_FOR_RUNNER' : 'WAITING_ON_DEPENDENCIES',
      settings,
      scheduledStartTime,
      attemptCount: ready ? 1 : 0,
    });
    if (ready) attempts.push({ attemptId: attemptIdOf(instanceId, 1), instanceId, componentId: o.id, number: 1, status: 'WAITING_FOR_RUNNER', workerGroup: settings.workerGroup, availableAt });
  }
  return { run: { instances, attempts } };
};
