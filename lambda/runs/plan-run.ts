/**
 * The instances of a run: one of each activity, with the settings its fields give (own, parent chain, Default).
 * Instances with nothing to wait for get their first attempt; the others wait on their dependencies. An
 * on-demand pipeline's activation makes one run; a scheduled pipeline's periods are runs (runs/schedule.ts). Pure.
 */
import type { Definition, Field, PipelineObject } from '../definitions/definition';
import { DEFAULT_OBJECT_ID } from '../definitions/definition';
import { Inheritance } from '../definitions/inheritance';
import { OBJECT_TYPES } from '../definitions/object-types';
import { ActivitySettings, Attempt, attemptIdOf, Instance, instanceIdOf, Run } from './run-model';
import { periodMs, RUN_DEFAULTS, RUN_LIMITS, RunLimits } from './run-limits';

export type PlannedRun = { readonly run: Run; readonly refusal?: undefined } | { readonly refusal: string };

export const isActivity = (objects: Inheritance, o: PipelineObject): boolean => {
  const type = objects.type(o)?.stringValue;
  return type !== undefined && Object.hasOwn(OBJECT_TYPES, type) && OBJECT_TYPES[type].category === 'activity';
};

export const activitiesOf = (objects: Inheritance): PipelineObject[] => objects.all().filter((o) => isActivity(objects, o));

/**
 * The object a reference field names: its refValue, or a stringValue that is the id of an object of the
 * pipeline (definitions such as moto's write `"schedule": "Schedule"`; validation warns about them).
 */
export const refOf = (objects: Inheritance, f: Field | undefined): string | undefined => {
  if (f === undefined) return undefined;
  if (f.refValue !== undefined) return f.refValue;
  return f.stringValue !== undefined && objects.get(f.stringValue) ? f.stringValue : undefined;
};

/** The settings of an activity under the limits: retries at most 5 and 2 minutes apart, unless relaxed. */
/** A resource's workerGroup from itself or its parents, not from Default. */
const ownWorkerGroup = (objects: Inheritance, resource: PipelineObject): string | undefined => {
  for (const c of objects.chain(resource)) {
    if (c.id === DEFAULT_OBJECT_ID) break;
    const f = objects.own(c, 'workerGroup')[0];
    if (f?.stringValue !== undefined) return f.stringValue;
  }
  return undefined;
};

export const settingsOf = (objects: Inheritance, o: PipelineObject, activityIds: ReadonlySet<string>, limits: RunLimits): ActivitySettings => {
  const value = (key: string) => objects.field(o, key)?.stringValue;
  const retries = Number.parseInt(value('maximumRetries') ?? '', 10);
  const maximumRetries = Number.isNaN(retries) || retries < 0 ? RUN_DEFAULTS.maximumRetries : retries;
  const retryDelayMs = periodMs(value('retryDelay'), limits) ?? RUN_DEFAULTS.retryDelayMs;
  const reportProgressTimeoutMs = periodMs(value('reportProgressTimeout'), limits) ?? RUN_DEFAULTS.reportProgressTimeoutMs;
  // dp-object-shellcommandactivity: "If you provide a runsOn value and workerGroup exists, workerGroup is ignored."
  // No resource is started here: the task goes to the resource's own workerGroup (set on it or its parents, not
  // inherited from Default, whose workerGroup is the one runsOn makes ignored), else to its id.
  const runsOn = refOf(objects, objects.field(o, 'runsOn'));
  const resource = runsOn === undefined ? undefined : objects.get(runsOn);
  const workerGroup = runsOn !== undefined ? ((resource && ownWorkerGroup(objects, resource)) ?? runsOn) : (value('workerGroup') ?? '');
  return {
    workerGroup,
    maximumRetries: limits.relaxed ? maximumRetries : Math.min(maximumRetries, RUN_LIMITS.maximumRetries),
    retryDelayMs: limits.relaxed ? retryDelayMs : Math.max(retryDelayMs, RUN_LIMITS.minimumRetryDelayMs),
    reportProgressTimeoutMs,
    // Relaxed, the acknowledgement window is the report timeout when that is shorter (so a test need not wait 2 minutes).
    acknowledgeTimeoutMs: limits.relaxed ? Math.min(RUN_DEFAULTS.acknowledgeTimeoutMs, reportProgressTimeoutMs) : RUN_DEFAULTS.acknowledgeTimeoutMs,
    cascade: (value('failureAndRerunMode') ?? '').toLowerCase() === 'cascade',
    dependsOn: [...new Set(objects.fields(o, 'dependsOn').flatMap((f) => {
      const id = refOf(objects, f);
      return id !== undefined && activityIds.has(id) ? [id] : [];
    }))],
  };
};

/**
 * One instance of each activity for the period [start, end): those with nothing to wait for get their first
 * attempt, available from `readyAt`; dependencies are on activities of the same set (the same period).
 */
export const planInstances = (objects: Inheritance, activities: readonly PipelineObject[], start: Date, end: Date, readyAt: Date, limits: RunLimits): Run => {
  const activityIds = new Set(activities.map((o) => o.id));
  const scheduledStartTime = start.toISOString();
  const scheduledEndTime = end.toISOString();
  const availableAt = readyAt.toISOString();
  const instances: Instance[] = [];
  const attempts: Attempt[] = [];
  // The preconditions runners check get an instance of their own in the run (one per precondition, shared by the
  // activities that name it), on their own worker group, else on that of the first activity naming them.
  const checked = new Map<string, { p: PipelineObject; activityGroup: string }>();
  const withPreconditions = activities.map((o) => {
    const pre = checkedPreconditionsOf(objects, o);
    const settings = settingsOf(objects, o, activityIds, limits);
    for (const p of pre) if (!checked.has(p.id)) checked.set(p.id, { p, activityGroup: settings.workerGroup });
    return { o, settings: { ...settings, preconditions: pre.map((p) => p.id) } as ActivitySettings };
  });
  const preconditionSettings = [...checked.values()].map(({ p, activityGroup }) => {
    const own = settingsOf(objects, p, new Set(), limits);
    return { o: p, settings: { ...own, workerGroup: own.workerGroup || activityGroup, ...preconditionTimeout(objects, p, limits) } as ActivitySettings };
  });
  const all = [...preconditionSettings, ...withPreconditions];
  const edges = runEdges(all.map(({ o, settings }) => ({ id: o.id, settings })));
  for (const { o, settings: own } of all) {
    const instanceId = instanceIdOf(o.id, scheduledStartTime);
    const settings: ActivitySettings = { ...own, ...edges.get(o.id) };
    const pending = [...new Set([...settings.dependsOn, ...(settings.preconditions ?? [])])];
    const ready = pending.length === 0;
    const first = attemptIdOf(instanceId, 1);
    instances.push({
      instanceId,
      componentId: o.id,
      status: ready ? 'WAITING_FOR_RUNNER' : 'WAITING_ON_DEPENDENCIES',
      settings,
      scheduledStartTime,
      scheduledEndTime,
      attemptCount: ready ? 1 : 0,
      ...(ready ? { headAttempt: first } : { pending }),
    });
    if (ready) {
      attempts.push({ attemptId: first, instanceId, componentId: o.id, number: 1, status: 'WAITING_FOR_RUNNER', workerGroup: settings.workerGroup, availableAt, run: { settings, scheduledStartTime, scheduledEndTime } });
    }
  }
  return { instances, attempts };
};

/**
 * Who hears of each component of a run, computed once when the run is planned so that a transition reaches the
 * others by key: `dependents` (whose dependsOn or preconditions name it), `downstream` (every activity after it
 * through dependsOn, for a cascade), `guards` (for a precondition, the activities that name it).
 */
const runEdges = (members: readonly { id: string; settings: ActivitySettings }[]): Map<string, Pick<ActivitySettings, 'dependents' | 'downstream' | 'guards'>> => {
  const dependents = new Map<string, string[]>();
  const consumers = new Map<string, string[]>();
  const guards = new Map<string, string[]>();
  const push = (map: Map<string, string[]>, key: string, value: string) => map.set(key, [...new Set([...(map.get(key) ?? []), value])]);
  for (const { id, settings } of members) {
    for (const d of settings.dependsOn) {
      push(dependents, d, id);
      push(consumers, d, id);
    }
    for (const p of settings.preconditions ?? []) {
      push(dependents, p, id);
      push(guards, p, id);
    }
  }
  const downstreamOf = (id: string): string[] => {
    const seen = new Set<string>();
    for (let frontier = consumers.get(id) ?? []; frontier.length > 0; ) {
      const next: string[] = [];
      for (const c of frontier) if (c !== id && !seen.has(c)) (seen.add(c), next.push(...(consumers.get(c) ?? [])));
      frontier = next;
    }
    return [...seen];
  };
  return new Map(
    members.map(({ id }) => [
      id,
      { dependents: dependents.get(id) ?? [], downstream: downstreamOf(id), ...(guards.has(id) && { guards: guards.get(id) }) },
    ]),
  );
};

/** The worker groups of a definition's activities (a pipeline has a marker in the ready index for each). */
export const workerGroupsOf = (definition: Definition, limits: RunLimits): string[] => {
  const objects = new Inheritance(definition.pipelineObjects);
  return [...new Set(activitiesOf(objects).map((a) => settingsOf(objects, a, new Set(), limits).workerGroup))];
};

/**
 * The user-managed preconditions, which a task runner checks (dp-concepts-preconditions: they "only run on the
 * computational resource that you specify using the runsOn or workerGroup fields. The workerGroup resource is
 * derived from the activity that uses the precondition"). The system-managed ones need AWS itself.
 */
export const RUNNER_CHECKED_TYPES: readonly string[] = ['ShellCommandPrecondition', 'Exists'];

/** Whether a task runner checks this precondition: a user-managed one, on its own worker group or its activity's. */
export const isRunnerChecked = (objects: Inheritance, p: PipelineObject): boolean => RUNNER_CHECKED_TYPES.includes(objects.type(p)?.stringValue ?? '');

/** The preconditions an object names (`precondition`, references or strings naming an object). */
export const preconditionsOf = (objects: Inheritance, o: PipelineObject): PipelineObject[] =>
  objects.fields(o, 'precondition').flatMap((f) => {
    const id = refOf(objects, f);
    const p = id === undefined ? undefined : objects.get(id);
    return p ? [p] : [];
  });

/**
 * The preconditions of an activity that a runner checks: its own, and those of its input data nodes
 * (dp-object-s3datanode: "A data node is not marked 'READY' until all preconditions have been met"); the others
 * (S3KeyExists and the like need AWS) count as met.
 */
export const checkedPreconditionsOf = (objects: Inheritance, o: PipelineObject): PipelineObject[] => {
  const inputs = objects.fields(o, 'input').flatMap((f) => {
    const id = refOf(objects, f);
    const node = id === undefined ? undefined : objects.get(id);
    return node ? [node] : [];
  });
  const checked = [o, ...inputs].flatMap((x) => preconditionsOf(objects, x)).filter((p) => isRunnerChecked(objects, p));
  return [...new Map(checked.map((p) => [p.id, p])).values()];
};

const preconditionTimeout = (objects: Inheritance, p: PipelineObject, limits: RunLimits): { preconditionTimeoutMs?: number } => {
  const ms = periodMs(objects.field(p, 'preconditionTimeout')?.stringValue, limits);
  return ms === undefined ? {} : { preconditionTimeoutMs: ms };
};

export const isOnDemand = (definition: Definition): boolean =>
  (new Inheritance(definition.pipelineObjects).get(DEFAULT_OBJECT_ID)?.fields.find((f) => f.key === 'scheduleType')?.stringValue ?? '').toLowerCase() === 'ondemand';

/**
 * ActivatePipeline of an on-demand pipeline: one run at `at` (it has no period: it starts and ends then), its
 * first attempts ready from `readyAt` (now: a run stamped a second later than the clock, to keep ids unique, is
 * ready at once all the same).
 */
export const planRun = (definition: Definition, at: Date, limits: RunLimits, readyAt: Date = at): PlannedRun => {
  if (!isOnDemand(definition)) return { refusal: 'not an on-demand pipeline' };
  const objects = new Inheritance(definition.pipelineObjects);
  return { run: planInstances(objects, activitiesOf(objects), at, at, readyAt < at ? readyAt : at, limits) };
};
