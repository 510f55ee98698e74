/**
 * What an activity's or precondition's fields (own, parent chain, Default) say about running it: its worker
 * group, retries, timeouts, dependencies and preconditions, under the run limits. Read by validation and by the
 * run planner alike, so it sits in definitions/, below both. Pure.
 */
import type { Field, PipelineObject } from './definition';
import { DEFAULT_OBJECT_ID } from './definition';
import { Inheritance } from './inheritance';
import { OBJECT_TYPES } from './object-types';
import { periodMs, RUN_DEFAULTS, RUN_LIMITS, RunLimits } from './run-limits';

/** What an activity's fields (own, parent chain, Default) say about running it. */
export interface ActivitySettings {
  /** Where its tasks are routed: the `runsOn` resource's worker group or id (no resource is provisioned), else `workerGroup`. */
  readonly workerGroup: string;
  readonly maximumRetries: number;
  readonly retryDelayMs: number;
  /** A runner that does not report progress for this long loses the attempt. */
  readonly reportProgressTimeoutMs: number;
  /** A runner that does not acknowledge (ReportTaskProgress) a polled attempt for this long loses it. */
  readonly acknowledgeTimeoutMs: number;
  /** failureAndRerunMode cascade: a failure fails the instances that depend on it (CASCADE_FAILED). */
  readonly cascade: boolean;
  /** The activities (component ids) it depends on, within the run. */
  readonly dependsOn: readonly string[];
  /**
   * The components of the run (activities) that wait on this one: those that depend on it, or name it as a
   * precondition. When it finishes, each hears of it by key (its instance id is the component's in this run).
   */
  readonly dependents?: readonly string[];
  /** Every activity downstream of this one through `dependsOn` (transitively): what a cascade fails. */
  readonly downstream?: readonly string[];
  /** For a precondition: the activities that name it, which fail when it fails. */
  readonly guards?: readonly string[];
  /** The preconditions (component ids) checked by runners before it may run: it waits until each is FINISHED, and fails if one fails. */
  readonly preconditions?: readonly string[];
  /** A precondition's own instance: how long after its period's start a FALSE is still retried. */
  readonly preconditionTimeoutMs?: number;
}

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

/** A resource's workerGroup from itself or its parents, not from Default. */
const ownWorkerGroup = (objects: Inheritance, resource: PipelineObject): string | undefined => {
  for (const c of objects.chain(resource)) {
    if (c.id === DEFAULT_OBJECT_ID) break;
    const f = objects.own(c, 'workerGroup')[0];
    if (f?.stringValue !== undefined) return f.stringValue;
  }
  return undefined;
};

/** The settings of an activity under the limits: retries at most 5 and 2 minutes apart, unless relaxed. */
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
    dependsOn: [
      ...new Set(
        objects.fields(o, 'dependsOn').flatMap((f) => {
          const id = refOf(objects, f);
          return id !== undefined && activityIds.has(id) ? [id] : [];
        }),
      ),
    ],
  };
};

/**
 * The user-managed preconditions, which a task runner checks (dp-concepts-preconditions: they "only run on the
 * computational resource that you specify using the runsOn or workerGroup fields. The workerGroup resource is
 * derived from the activity that uses the precondition"). The system-managed ones need AWS itself.
 */
const RUNNER_CHECKED_TYPES: readonly string[] = ['ShellCommandPrecondition', 'Exists'];

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

/**
 * The object that names `id` in one of `keys` (a reference, or a string naming an object; own or inherited): the
 * first such in the definition. It is what `node` means in a precondition or an alarm (dp-pipeline-expressions).
 */
export const referrerOf = (objects: Inheritance, id: string, keys: readonly string[]): PipelineObject | undefined =>
  objects.all().find((o) => keys.some((key) => objects.fields(o, key).some((f) => refOf(objects, f) === id)));
