/**
 * The runs port: the instances and attempts of pipelines, the attempts ready for runners, and their leases.
 * The DynamoDB adapter implements it; operations never see items.
 */
import type { Field } from '../definitions/definition';
import type { Attempt, AttemptStatus, Instance, InstanceStatus } from '../runs/run-model';
import type { InstanceChange } from '../runs/transitions';

export interface StoredInstance extends Instance {
  readonly pipelineId: string;
  readonly runId: string;
  readonly headAttempt?: string;
  readonly actualStartTime?: string;
  readonly actualEndTime?: string;
}

export interface StoredAttempt extends Attempt {
  readonly pipelineId: string;
  readonly taskId?: string;
  readonly hostname?: string;
  readonly actualStartTime?: string;
  readonly actualEndTime?: string;
  readonly errorId?: string;
  readonly errorMessage?: string;
  readonly errorStackTrace?: string;
  /** While RUNNING: when the runner's lease ends (no acknowledgement or no progress report by then). */
  readonly leaseUntil?: string;
  readonly acknowledged?: boolean;
  readonly reported?: readonly Field[];
}

/**
 * What the ready index offers: an attempt to claim if waiting, to expire if its lease has passed, to settle if
 * it ended; or a scheduled pipeline's marker (status SCHEDULE), whose due periods are to be opened.
 */
export interface Candidate {
  readonly pipelineId: string;
  /** The attempt's id, or the marker's. */
  readonly attemptId: string;
  readonly availableAt: string;
  readonly status: AttemptStatus | 'SCHEDULE';
}

/**
 * The schedule marker of a scheduled pipeline, one per worker group of its activities: in the ready index
 * under that worker group while periods remain, `availableAt` being when to open the next.
 */
export interface ScheduleMarker {
  readonly pipelineId: string;
  readonly markerId: string;
  readonly workerGroup: string;
  /** Absent once every period is open, or while the pipeline is not active. */
  readonly availableAt?: string;
  /** The pipeline's first activation (startAt FIRST_ACTIVATION_DATE_TIME). */
  readonly firstActivation: string;
  /** ActivatePipeline's startTimestamp: no period starting before it is opened. */
  readonly resumeFrom?: string;
}

export interface Claim {
  readonly taskId: string;
  readonly hostname?: string;
  readonly at: string;
  readonly leaseUntil: string;
}

export type ProgressResult = 'ok' | 'canceled' | 'lost';

/** A task runner as its last heartbeat described it. */
export interface RunnerRecord {
  readonly taskrunnerId: string;
  readonly workerGroup?: string;
  readonly hostname?: string;
  /** ISO 8601 UTC: the last heartbeat. */
  readonly at: string;
}

export interface RunObjects {
  readonly instances: StoredInstance[];
  readonly attempts: StoredAttempt[];
  readonly markers: ScheduleMarker[];
}

export interface RunStore {
  /** Deletes every instance and attempt of the pipeline (DeletePipeline: its run history). */
  purgeRuns(pipelineId: string): Promise<void>;
  /** Records a heartbeat (the last one wins). */
  recordRunner(accountId: string, runner: RunnerRecord): Promise<void>;
  /** The runners of the account, as their last heartbeats described them. */
  runnersOf(accountId: string): Promise<RunnerRecord[]>;
  /**
   * Writes a new run: its instances, then its attempts (each put only if absent, so a retry is harmless).
   * `openedAt`: when it opened (the instances' @actualStartTime), the run's id (its start) by default.
   */
  startRun(pipelineId: string, accountId: string, runId: string, instances: readonly Instance[], attempts: readonly Attempt[], openedAt?: string): Promise<void>;
  /** Every instance and attempt of the pipeline (every run), and its schedule markers. */
  objectsOf(pipelineId: string): Promise<RunObjects>;
  /** Puts the schedule marker of a worker group in the ready index from `availableAt` (its firstActivation kept if set). */
  armSchedule(pipelineId: string, accountId: string, workerGroup: string, availableAt: string, firstActivation: string, resumeFrom?: string): Promise<void>;
  /** Moves a marker read as `candidate` to `next`, or out of the ready index; false when another caller moved it first. */
  advanceSchedule(candidate: Candidate, next: string | undefined): Promise<boolean>;
  getAttempt(pipelineId: string, attemptId: string): Promise<StoredAttempt | undefined>;
  getInstance(pipelineId: string, instanceId: string): Promise<StoredInstance | undefined>;
  /** Up to `limit` attempts of the account and worker group available at `now`, oldest first. */
  candidates(accountId: string, workerGroup: string, now: string, limit: number): Promise<Candidate[]>;
  /** Takes a waiting attempt for a runner, if it is still the candidate read. */
  claim(candidate: Candidate, claim: Claim): Promise<boolean>;
  /** Puts a claimed attempt back, as the candidate it was (its pipeline turned out not to be running). */
  release(candidate: Candidate, taskId: string): Promise<void>;
  /** A waiting or running attempt becomes CANCELED and leaves the ready index. */
  cancelAttempt(pipelineId: string, attemptId: string, at: string): Promise<boolean>;
  /**
   * Gives up a RUNNING attempt whose lease ended, if it is still the candidate read (TIMEDOUT). Like any ended
   * attempt it stays in the ready index, offered from `settleFrom`, until `settled`.
   */
  expire(candidate: Candidate, at: string, settleFrom: string): Promise<boolean>;
  /** An ended attempt whose consequences are applied leaves the ready index. */
  settled(pipelineId: string, attemptId: string): Promise<void>;
  /** Renews the lease of the runner holding `taskId` and keeps the fields it reported. */
  reportProgress(pipelineId: string, attemptId: string, taskId: string, leaseUntil: string, fields: readonly Field[]): Promise<ProgressResult>;
  /** Applies the instance changes of a transition (and the attempts they create); each write is idempotent. */
  apply(pipelineId: string, accountId: string, changes: readonly InstanceChange[], at: string): Promise<void>;
  /** Moves the instance of a claimed attempt to RUNNING (if it was waiting), its head attempt that one. (Its @actualStartTime is its run's start.) */
  instanceStarted(pipelineId: string, instanceId: string, attemptId: string): Promise<void>;
  setInstanceStatus(pipelineId: string, instanceId: string, from: readonly InstanceStatus[], to: InstanceStatus): Promise<boolean>;
}
