/**
 * The objects of a run (dp-how-tasks-scheduled: components, instances, attempts) and their statuses
 * (dp-interpret-status). Pure data: the planner and the transitions produce them, the store keeps them.
 */
import type { ActivitySettings } from '../definitions/activity-settings';

export type InstanceStatus = 'WAITING_ON_DEPENDENCIES' | 'WAITING_FOR_RUNNER' | 'RUNNING' | 'FINISHED' | 'FAILED' | 'CASCADE_FAILED' | 'CANCELED';

/** FALSE: a precondition's check found it not met (SetTaskStatus FALSE). */
export type AttemptStatus = 'WAITING_FOR_RUNNER' | 'RUNNING' | 'FINISHED' | 'FAILED' | 'FALSE' | 'TIMEDOUT' | 'CANCELED';

export const FINAL_INSTANCE_STATUSES: readonly InstanceStatus[] = ['FINISHED', 'FAILED', 'CASCADE_FAILED', 'CANCELED'];

export interface Instance {
  readonly instanceId: string;
  readonly componentId: string;
  readonly status: InstanceStatus;
  readonly settings: ActivitySettings;
  /** ISO 8601 UTC: the start of its period; for an on-demand run, the activation time. */
  readonly scheduledStartTime: string;
  /** ISO 8601 UTC: the end of its period; for an on-demand run, its start (it has no period). */
  readonly scheduledEndTime: string;
  /** The number of attempts made so far (0 while waiting on dependencies). */
  readonly attemptCount: number;
  /** While WAITING_ON_DEPENDENCIES: the dependencies and preconditions (component ids) not finished yet. */
  readonly pending?: readonly string[];
  /** The attempt made last (absent while it waits on dependencies). */
  readonly headAttempt?: string;
  /** While CASCADE_FAILED: the instance whose failure it follows. */
  readonly cascadeFailedOn?: string;
}

export interface Attempt {
  readonly attemptId: string;
  readonly instanceId: string;
  readonly componentId: string;
  readonly number: number;
  readonly status: AttemptStatus;
  /** Its instance's worker group: where the ready index offers it. */
  readonly workerGroup: string;
  /** ISO 8601 UTC: when a runner may take it (later than now after a retryDelay). */
  readonly availableAt: string;
  /**
   * What the poll that takes it needs of its instance, copied when it is made (none of it changes): so that a
   * claim's answer holds everything, and the poll reads no instance.
   */
  readonly run: RunOfAttempt;
}

/** An attempt's instance as it was made: its settings and period, and when its run opened. */
interface RunOfAttempt {
  readonly settings: ActivitySettings;
  readonly scheduledStartTime: string;
  readonly scheduledEndTime: string;
  /** The instance's @actualStartTime (its run's opening); absent on attempts written before attempts kept it. */
  readonly openedAt?: string;
}

export interface Run {
  readonly instances: readonly Instance[];
  readonly attempts: readonly Attempt[];
}

/** `@Hello_2026-11-29T10:00:00`: AWS's instance id shape, from the component and the scheduled start. */
export const instanceIdOf = (componentId: string, scheduledStartTime: string): string => `@${componentId}_${scheduledStartTime.slice(0, 19)}`;
/** instanceIdOf's inverse: `@Hello_2026-11-29T10:00:00` -> `Hello` (the run's time is the last 19 characters). */
export const componentOfInstance = (instanceId: string): string => instanceId.slice(1, -20);
/** `@Hello_2026-11-29T10:00:00` -> `2026-11-29T10:00:00`. */
export const runStartOfInstance = (instanceId: string): string => instanceId.slice(-19);

/** `@Hello_2026-11-29T10:00:00_Attempt=1`. */
export const attemptIdOf = (instanceId: string, number: number): string => `${instanceId}_Attempt=${number}`;
