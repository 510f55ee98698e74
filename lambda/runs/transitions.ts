/**
 * The run state machine, pure: given the instances of a run and an event, what changes. The store makes the
 * changes durable; tests enumerate the transitions without a database.
 *
 *   instance: WAITING_ON_DEPENDENCIES --(every dependency FINISHED)--> WAITING_FOR_RUNNER (attempt 1)
 *             WAITING_FOR_RUNNER --(polled)--> RUNNING
 *             RUNNING --(attempt FINISHED)--> FINISHED
 *             RUNNING --(attempt FAILED or TIMEDOUT, retries left)--> WAITING_FOR_RUNNER (next attempt, after retryDelay)
 *             RUNNING --(attempt FAILED or TIMEDOUT, no retry left)--> FAILED
 *             WAITING_ON_DEPENDENCIES --(a dependency FAILED or CASCADE_FAILED, cascade)--> CASCADE_FAILED
 */
import { Attempt, attemptIdOf, FINAL_INSTANCE_STATUSES, Instance, InstanceStatus } from './run-model';

export type AttemptOutcome = 'FINISHED' | 'FAILED' | 'TIMEDOUT';

export interface InstanceChange {
  readonly instanceId: string;
  readonly from: InstanceStatus;
  readonly to: InstanceStatus;
  /** The attempt to create with this change, if any. */
  readonly attempt?: Attempt;
}

const isFinal = (s: InstanceStatus) => FINAL_INSTANCE_STATUSES.includes(s);

/** The first attempt of an instance whose dependencies are all finished. */
/** Attempt `number` of an instance, waiting for a runner of its worker group from `availableAt`. */
const newAttempt = (i: Instance, number: number, availableAt: string): Attempt => ({
  attemptId: attemptIdOf(i.instanceId, number),
  instanceId: i.instanceId,
  componentId: i.componentId,
  number,
  status: 'WAITING_FOR_RUNNER',
  workerGroup: i.settings.workerGroup,
  availableAt,
});

/**
 * What follows when attempt `number` of `instance` ends with `outcome` at `now`: the instance's own change,
 * then what it does to the other instances of the run (dependents made ready, or cascaded).
 */
export const attemptEnded = (run: readonly Instance[], instance: Instance, number: number, outcome: AttemptOutcome, now: Date): InstanceChange[] => {
  if (outcome === 'FINISHED') {
    const finished: InstanceChange = { instanceId: instance.instanceId, from: instance.status, to: 'FINISHED' };
    const after = run.map((i) => (i.instanceId === instance.instanceId ? { ...i, status: 'FINISHED' as const } : i));
    return [finished, ...readyDependents(after, now)];
  }
  const retryAt = new Date(now.getTime() + instance.settings.retryDelayMs);
  const timeout = instance.settings.preconditionTimeoutMs;
  const inTime = timeout === undefined || retryAt.getTime() <= new Date(instance.scheduledStartTime).getTime() + timeout;
  if (number <= instance.settings.maximumRetries && inTime) {
    const attempt = newAttempt(instance, number + 1, retryAt.toISOString());
    return [{ instanceId: instance.instanceId, from: instance.status, to: 'WAITING_FOR_RUNNER', attempt }];
  }
  const failed: InstanceChange = { instanceId: instance.instanceId, from: instance.status, to: 'FAILED' };
  // A precondition that failed (not met in time, or an error) fails the activities it guards, which cascade as their own failures would.
  const guarded = run.filter((i) => (i.settings.preconditions ?? []).includes(instance.componentId) && !isFinal(i.status));
  const after = run.map((i) => (guarded.includes(i) || i.instanceId === instance.instanceId ? { ...i, status: 'FAILED' as const } : i));
  return [
    failed,
    ...guarded.map((g): InstanceChange => ({ instanceId: g.instanceId, from: g.status, to: 'FAILED' })),
    ...(instance.settings.cascade ? cascadeFrom(after, instance.componentId) : []),
    ...guarded.flatMap((g) => (g.settings.cascade ? cascadeFrom(after, g.componentId) : [])),
  ];
};

/** Instances waiting on dependencies whose dependencies are now all FINISHED: they get their first attempt. */
export const readyDependents = (run: readonly Instance[], now: Date): InstanceChange[] => {
  const status = new Map(run.map((i) => [i.componentId, i.status]));
  return run
    .filter((i) => i.status === 'WAITING_ON_DEPENDENCIES' && [...i.settings.dependsOn, ...(i.settings.preconditions ?? [])].every((d) => status.get(d) === 'FINISHED'))
    .map((i) => ({ instanceId: i.instanceId, from: i.status, to: 'WAITING_FOR_RUNNER' as const, attempt: newAttempt(i, 1, now.toISOString()) }));
};

/** Every instance that depends, directly or through others, on `componentId` and is not final: CASCADE_FAILED. */
export const cascadeFrom = (run: readonly Instance[], componentId: string): InstanceChange[] => {
  const failed = new Set([componentId]);
  const out: InstanceChange[] = [];
  for (let grew = true; grew; ) {
    grew = false;
    for (const i of run) {
      if (failed.has(i.componentId) || isFinal(i.status) || !i.settings.dependsOn.some((d) => failed.has(d))) continue;
      failed.add(i.componentId);
      out.push({ instanceId: i.instanceId, from: i.status, to: 'CASCADE_FAILED' });
      grew = true;
    }
  }
  return out;
};

const BLOCKING: readonly InstanceStatus[] = ['FAILED', 'CASCADE_FAILED', 'CANCELED'];

/** The instances downstream of `componentId` (transitively) that a cascade failed: they wait again. */
const cascadedConsumers = (run: readonly Instance[], componentId: string): Instance[] => {
  const reached = new Set([componentId]);
  const out: Instance[] = [];
  for (let grew = true; grew; ) {
    grew = false;
    for (const i of run) {
      if (reached.has(i.componentId) || i.status !== 'CASCADE_FAILED' || !i.settings.dependsOn.some((d) => reached.has(d))) continue;
      reached.add(i.componentId);
      out.push(i);
      grew = true;
    }
  }
  return out;
};

/**
 * SetStatus RERUN of a final instance (dp-manage-cascade-failandrerun): a new attempt now (or waiting again on
 * dependencies not finished); refused while a dependency is FAILED, CASCADE_FAILED or CANCELED. With cascade, its
 * CASCADE_FAILED consumers wait on their dependencies again.
 */
export const rerun = (run: readonly Instance[], instance: Instance, now: Date): InstanceChange[] | { refusal: string } => {
  if (!isFinal(instance.status)) return { refusal: `${instance.instanceId} is ${instance.status}: only a finished, failed or canceled instance can be rerun.` };
  const status = new Map(run.map((i) => [i.componentId, i.status]));
  const blocked = instance.settings.dependsOn.filter((d) => BLOCKING.includes(status.get(d) as InstanceStatus));
  if (blocked.length > 0) return { refusal: `${instance.instanceId} cannot be rerun: its dependencies ${blocked.join(', ')} failed or were canceled; rerun those first.` };
  const ready = instance.settings.dependsOn.every((d) => status.get(d) === 'FINISHED');
  const own: InstanceChange = ready
    ? { instanceId: instance.instanceId, from: instance.status, to: 'WAITING_FOR_RUNNER', attempt: newAttempt(instance, instance.attemptCount + 1, now.toISOString()) }
    : { instanceId: instance.instanceId, from: instance.status, to: 'WAITING_ON_DEPENDENCIES' };
  const consumers = instance.settings.cascade ? cascadedConsumers(run, instance.componentId) : [];
  return [own, ...consumers.map((c) => ({ instanceId: c.instanceId, from: c.status, to: 'WAITING_ON_DEPENDENCIES' as const }))];
};

/** SetStatus MARK_FINISHED: the instance is FINISHED as if its attempt had succeeded; its dependents may start. */
export const markFinished = (run: readonly Instance[], instance: Instance, now: Date): InstanceChange[] => {
  if (instance.status === 'FINISHED') return [];
  const after = run.map((i) => (i.instanceId === instance.instanceId ? { ...i, status: 'FINISHED' as const } : i));
  return [{ instanceId: instance.instanceId, from: instance.status, to: 'FINISHED' }, ...readyDependents(after, now)];
};

/** SetStatus TRY_CANCEL: a live instance is CANCELED; with cascade, its consumers CASCADE_FAILED. */
export const cancel = (run: readonly Instance[], instance: Instance): InstanceChange[] => {
  if (isFinal(instance.status)) return [];
  return [{ instanceId: instance.instanceId, from: instance.status, to: 'CANCELED' }, ...(instance.settings.cascade ? cascadeFrom(run, instance.componentId) : [])];
};

export type HealthStatus = 'HEALTHY' | 'ERROR';

/**
 * dp-interpret-health-status: a component is HEALTHY when its latest finished execution FINISHED, ERROR when it
 * FAILED, CASCADE_FAILED or was CANCELED; the pipeline is ERROR if any component is, HEALTHY if at least one is,
 * and has no health before a first execution completes (undefined).
 */
export const pipelineHealth = (instances: readonly (Instance & { runId: string })[]): HealthStatus | undefined => {
  const latest = new Map<string, Instance & { runId: string }>();
  for (const i of instances) {
    if (!isFinal(i.status)) continue;
    const seen = latest.get(i.componentId);
    if (!seen || i.runId > seen.runId) latest.set(i.componentId, i);
  }
  const health = [...latest.values()].map((i) => (i.status === 'FINISHED' ? 'HEALTHY' : 'ERROR'));
  if (health.includes('ERROR')) return 'ERROR';
  return health.includes('HEALTHY') ? 'HEALTHY' : undefined;
};
