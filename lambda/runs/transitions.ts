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
const firstAttempt = (i: Instance, at: string): Attempt => ({
  attemptId: attemptIdOf(i.instanceId, 1),
  instanceId: i.instanceId,
  componentId: i.componentId,
  number: 1,
  status: 'WAITING_FOR_RUNNER',
  availableAt: at,
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
  if (number <= instance.settings.maximumRetries) {
    const availableAt = new Date(now.getTime() + instance.settings.retryDelayMs).toISOString();
    const attempt: Attempt = {
      attemptId: attemptIdOf(instance.instanceId, number + 1),
      instanceId: instance.instanceId,
      componentId: instance.componentId,
      number: number + 1,
      status: 'WAITING_FOR_RUNNER',
      availableAt,
    };
    return [{ instanceId: instance.instanceId, from: instance.status, to: 'WAITING_FOR_RUNNER', attempt }];
  }
  const failed: InstanceChange = { instanceId: instance.instanceId, from: instance.status, to: 'FAILED' };
  return [failed, ...(instance.settings.cascade ? cascadeFrom(run, instance.componentId) : [])];
};

/** Instances waiting on dependencies whose dependencies are now all FINISHED: they get their first attempt. */
export const readyDependents = (run: readonly Instance[], now: Date): InstanceChange[] => {
  const status = new Map(run.map((i) => [i.componentId, i.status]));
  return run
    .filter((i) => i.status === 'WAITING_ON_DEPENDENCIES' && i.settings.dependsOn.every((d) => status.get(d) === 'FINISHED'))
    .map((i) => ({ instanceId: i.instanceId, from: i.status, to: 'WAITING_FOR_RUNNER' as const, attempt: firstAttempt(i, now.toISOString()) }));
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
