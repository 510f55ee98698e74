/**
 * The instances of a run: one of each activity, with the settings its fields give (own, parent chain, Default).
 * Instances with nothing to wait for get their first attempt; the others wait on their dependencies. An
 * on-demand pipeline's activation makes one run; a scheduled pipeline's periods are runs (runs/schedule.ts). Pure.
 */
import { activitiesOf, ActivitySettings, checkedPreconditionsOf, settingsOf } from '../definitions/activity-settings';
import type { Definition, PipelineObject } from '../definitions/definition';
import { DEFAULT_OBJECT_ID } from '../definitions/definition';
import { Inheritance } from '../definitions/inheritance';
import { periodMs, RunLimits } from '../definitions/run-limits';
import { Attempt, attemptIdOf, Instance, instanceIdOf, Run } from './run-model';

export type PlannedRun = { readonly run: Run; readonly refusal?: undefined } | { readonly refusal: string };

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
    return { o, settings: { ...settings, preconditions: pre.map((p) => p.id) } };
  });
  const preconditionSettings = [...checked.values()].map(({ p, activityGroup }) => {
    const own = settingsOf(objects, p, new Set(), limits);
    return { o: p, settings: { ...own, workerGroup: own.workerGroup || activityGroup, ...preconditionTimeout(objects, p, limits) } };
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
      attempts.push({
        attemptId: first,
        instanceId,
        componentId: o.id,
        number: 1,
        status: 'WAITING_FOR_RUNNER',
        workerGroup: settings.workerGroup,
        availableAt,
        run: { settings, scheduledStartTime, scheduledEndTime },
      });
    }
  }
  return { instances, attempts };
};

/**
 * Who hears of each component of a run, computed once when the run is planned so that a transition reaches the
 * others by key: `dependents` (whose dependsOn or preconditions name it), `downstream` (every activity after it
 * through dependsOn, for a cascade), `guards` (for a precondition, the activities that name it).
 */
const runEdges = (
  members: readonly { id: string; settings: ActivitySettings }[],
): Map<string, Pick<ActivitySettings, 'dependents' | 'downstream' | 'guards'>> => {
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
    for (let frontier = consumers.get(id) ?? []; frontier.length > 0;) {
      const next: string[] = [];
      for (const c of frontier) if (c !== id && !seen.has(c)) (seen.add(c), next.push(...(consumers.get(c) ?? [])));
      frontier = next;
    }
    return [...seen];
  };
  return new Map(
    members.map(({ id }) => [id, { dependents: dependents.get(id) ?? [], downstream: downstreamOf(id), ...(guards.has(id) && { guards: guards.get(id) }) }]),
  );
};

/** The worker groups of a definition's activities (a pipeline has a marker in the ready index for each). */
export const workerGroupsOf = (definition: Definition, limits: RunLimits): string[] => {
  const objects = new Inheritance(definition.pipelineObjects);
  return [...new Set(activitiesOf(objects).map((a) => settingsOf(objects, a, new Set(), limits).workerGroup))];
};

const preconditionTimeout = (objects: Inheritance, p: PipelineObject, limits: RunLimits): { preconditionTimeoutMs?: number } => {
  const ms = periodMs(objects.field(p, 'preconditionTimeout')?.stringValue, limits);
  return ms === undefined ? {} : { preconditionTimeoutMs: ms };
};

export const isOnDemand = (definition: Definition): boolean =>
  (new Inheritance(definition.pipelineObjects).get(DEFAULT_OBJECT_ID)?.fields.find((f) => f.key === 'scheduleType')?.stringValue ?? '').toLowerCase() ===
  'ondemand';

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
