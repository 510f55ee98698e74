/**
 * The run state machine, pure: given an instance (with the settings its run was planned with) and an event,
 * the changes to make, each a conditional write on one instance reached by key. Nothing here needs the rest of
 * the run's state: a dependency finishing is a message to each dependent (by key), which the store applies as
 * one conditional write that cannot be lost (docs/behaviour.md §8, joins).
 *
 *   instance: WAITING_ON_DEPENDENCIES --(its last pending dependency FINISHED)--> WAITING_FOR_RUNNER (attempt 1)
 *             WAITING_FOR_RUNNER --(polled)--> RUNNING
 *             RUNNING --(attempt FINISHED)--> FINISHED (its dependents hear of it)
 *             RUNNING --(attempt FAILED or TIMEDOUT, retries left)--> WAITING_FOR_RUNNER (next attempt, after retryDelay)
 *             RUNNING --(attempt FAILED or TIMEDOUT, no retry left)--> FAILED
 *             not final --(an upstream FAILED or CASCADE_FAILED, cascade)--> CASCADE_FAILED
 */
import { Attempt, attemptIdOf, FINAL_INSTANCE_STATUSES, Instance, instanceIdOf, InstanceStatus } from './run-model';

export type AttemptOutcome = 'FINISHED' | 'FAILED' | 'TIMEDOUT';

/** The statuses an instance can leave by an event: every status but the final ones. */
export const LIVE_STATUSES: readonly InstanceStatus[] = ['WAITING_ON_DEPENDENCIES', 'WAITING_FOR_RUNNER', 'RUNNING'];

export interface InstanceChange {
  readonly instanceId: string;
  /** It applies only while the instance is in one of these (the write's condition). */
  readonly from: readonly InstanceStatus[];
  readonly to: InstanceStatus;
  /** ...and only while this is its head attempt (a change that an attempt's end causes). */
  readonly head?: string;
  /** The attempt to create with this change, if any (it becomes the head). */
  readonly attempt?: Attempt;
  /** Going back to WAITING_ON_DEPENDENCIES: the dependencies it waits on again. */
  readonly pending?: readonly string[];
  /** Going to CASCADE_FAILED: the instance whose failure it follows. */
  readonly cascadeFailedOn?: string;
}

/** What an event does: changes by key, then the dependents to tell that a dependency finished. */
export interface Effects {
  readonly changes: readonly InstanceChange[];
  /** Instances (ids) whose pending set loses `finished` (the component that finished). */
  readonly notify: readonly string[];
  readonly finished?: string;
  /** Instances (ids) of the activities a failed precondition fails: read, then failed with their own cascade. */
  readonly failGuarded?: readonly string[];
}

const isFinal = (s: InstanceStatus) => FINAL_INSTANCE_STATUSES.includes(s);

/** The instance of another component in the same run: ids are the component's and the run's scheduled start. */
export const sibling = (instance: Pick<Instance, 'scheduledStartTime'>, componentId: string): string => instanceIdOf(componentId, instance.scheduledStartTime);

/** Attempt `number` of an instance, waiting for a runner of its worker group from `availableAt`. */
const newAttempt = (
  i: Pick<Instance, 'instanceId' | 'componentId' | 'settings' | 'scheduledStartTime' | 'scheduledEndTime'> & { readonly actualStartTime?: string },
  number: number,
  availableAt: string,
): Attempt => ({
  attemptId: attemptIdOf(i.instanceId, number),
  instanceId: i.instanceId,
  componentId: i.componentId,
  number,
  status: 'WAITING_FOR_RUNNER',
  workerGroup: i.settings.workerGroup,
  availableAt,
  run: {
    settings: i.settings,
    scheduledStartTime: i.scheduledStartTime,
    scheduledEndTime: i.scheduledEndTime,
    ...(i.actualStartTime !== undefined && { openedAt: i.actualStartTime }),
  },
});

const finishedEffects = (instance: Instance, from: readonly InstanceStatus[], head?: string): Effects => ({
  changes: [{ instanceId: instance.instanceId, from, to: 'FINISHED', ...(head !== undefined && { head }) }],
  notify: (instance.settings.dependents ?? []).map((d) => sibling(instance, d)),
  finished: instance.componentId,
});

/** Every activity downstream of the component, not final: CASCADE_FAILED (when the failed instance cascades). */
const cascadeChanges = (instance: Pick<Instance, 'instanceId' | 'scheduledStartTime' | 'settings'>): InstanceChange[] =>
  instance.settings.cascade
    ? (instance.settings.downstream ?? []).map((d) => ({
        instanceId: sibling(instance, d),
        from: LIVE_STATUSES,
        to: 'CASCADE_FAILED' as const,
        cascadeFailedOn: instance.instanceId,
      }))
    : [];

/** What follows when attempt `number` of `instance` ends with `outcome` at `now`. */
export const attemptEnded = (instance: Instance, number: number, outcome: AttemptOutcome, now: Date): Effects => {
  const head = attemptIdOf(instance.instanceId, number);
  if (outcome === 'FINISHED') return finishedEffects(instance, LIVE_STATUSES, head);
  const retryAt = new Date(now.getTime() + instance.settings.retryDelayMs);
  const timeout = instance.settings.preconditionTimeoutMs;
  const inTime = timeout === undefined || retryAt.getTime() <= new Date(instance.scheduledStartTime).getTime() + timeout;
  if (number <= instance.settings.maximumRetries && inTime) {
    const attempt = newAttempt(instance, number + 1, retryAt.toISOString());
    return { changes: [{ instanceId: instance.instanceId, from: LIVE_STATUSES, to: 'WAITING_FOR_RUNNER', head, attempt }], notify: [] };
  }
  // A precondition that failed (not met in time, or an error) fails the activities it guards, which cascade as their own failures would.
  return {
    changes: [{ instanceId: instance.instanceId, from: LIVE_STATUSES, to: 'FAILED', head }, ...cascadeChanges(instance)],
    notify: [],
    ...((instance.settings.guards ?? []).length > 0 && { failGuarded: instance.settings.guards!.map((g) => sibling(instance, g)) }),
  };
};

/** An activity failed because a precondition it names failed: FAILED, and its own cascade. */
export const guardedFailed = (instance: Instance): InstanceChange[] =>
  isFinal(instance.status) ? [] : [{ instanceId: instance.instanceId, from: LIVE_STATUSES, to: 'FAILED' }, ...cascadeChanges(instance)];

/** A dependent whose pending set has just become empty: its first attempt, now. */
export const dependenciesMet = (instance: Instance, now: Date): InstanceChange => ({
  instanceId: instance.instanceId,
  from: ['WAITING_ON_DEPENDENCIES'],
  to: 'WAITING_FOR_RUNNER',
  attempt: newAttempt(instance, instance.attemptCount + 1, now.toISOString()),
});

const BLOCKING: readonly InstanceStatus[] = ['FAILED', 'CASCADE_FAILED', 'CANCELED'];

/**
 * SetStatus RERUN of a final instance (dp-manage-cascade-failandrerun): a new attempt now (or waiting again on
 * dependencies not finished); refused while a dependency is FAILED, CASCADE_FAILED or CANCELED. With cascade,
 * its CASCADE_FAILED consumers wait on their dependencies again. `statusOf`: the status of another component's
 * instance in the same run (its dependencies and downstream, read by key).
 */
export const rerun = (
  instance: Instance,
  statusOf: (componentId: string) => InstanceStatus | undefined,
  dependsOnOf: (componentId: string) => readonly string[],
  now: Date,
): InstanceChange[] | { refusal: string } => {
  if (!isFinal(instance.status)) return { refusal: `${instance.instanceId} is ${instance.status}: only a finished, failed or canceled instance can be rerun.` };
  const blocked = instance.settings.dependsOn.filter((d) => BLOCKING.includes(statusOf(d) as InstanceStatus));
  if (blocked.length > 0)
    return { refusal: `${instance.instanceId} cannot be rerun: its dependencies ${blocked.join(', ')} failed or were canceled; rerun those first.` };
  const unfinished = instance.settings.dependsOn.filter((d) => statusOf(d) !== 'FINISHED');
  const own: InstanceChange =
    unfinished.length === 0
      ? {
          instanceId: instance.instanceId,
          from: [instance.status],
          to: 'WAITING_FOR_RUNNER',
          attempt: newAttempt(instance, instance.attemptCount + 1, now.toISOString()),
        }
      : { instanceId: instance.instanceId, from: [instance.status], to: 'WAITING_ON_DEPENDENCIES', pending: unfinished };
  if (!instance.settings.cascade) return [own];
  // Its consumers failed by the cascade wait again, on whichever of their dependencies are not finished (this one is not, now).
  const consumers = (instance.settings.downstream ?? []).filter((c) => statusOf(c) === 'CASCADE_FAILED');
  const again = new Set([instance.componentId, ...consumers]);
  return [
    own,
    ...consumers.map((c): InstanceChange => ({
      instanceId: sibling(instance, c),
      from: ['CASCADE_FAILED'],
      to: 'WAITING_ON_DEPENDENCIES',
      pending: dependsOnOf(c).filter((d) => again.has(d) || statusOf(d) !== 'FINISHED'),
    })),
  ];
};

/** SetStatus MARK_FINISHED: the instance is FINISHED as if its attempt had succeeded; its dependents hear of it. */
export const markFinished = (instance: Instance): Effects =>
  // From any live status, not only the one read: a poll may claim its attempt meanwhile (WAITING_FOR_RUNNER -> RUNNING).
  instance.status === 'FINISHED' ? { changes: [], notify: [] } : finishedEffects(instance, isFinal(instance.status) ? [instance.status] : LIVE_STATUSES);

/** SetStatus TRY_CANCEL: a live instance is CANCELED; with cascade, its consumers CASCADE_FAILED. */
export const cancel = (instance: Instance): InstanceChange[] =>
  isFinal(instance.status) ? [] : [{ instanceId: instance.instanceId, from: LIVE_STATUSES, to: 'CANCELED' }, ...cascadeChanges(instance)];

export type HealthStatus = 'HEALTHY' | 'ERROR';

/** dp-interpret-health-status: a component's health is that of its latest ended instance. */
export const healthOf = (status: InstanceStatus): HealthStatus => (status === 'FINISHED' ? 'HEALTHY' : 'ERROR');

/** The pipeline is ERROR if any component is, HEALTHY if at least one is, and has no health before any instance ended. */
export const pipelineHealth = (components: readonly HealthStatus[]): HealthStatus | undefined =>
  components.includes('ERROR') ? 'ERROR' : components.includes('HEALTHY') ? 'HEALTHY' : undefined;
