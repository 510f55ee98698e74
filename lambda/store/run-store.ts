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

/** An attempt the ready index offers: to claim if waiting, to expire if its lease has passed, to settle if it ended. */
export interface Candidate {
  readonly pipelineId: string;
  readonly attemptId: string;
  readonly availableAt: string;
  readonly status: AttemptStatus;
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

export interface RunStore {
  /** Deletes every instance and attempt of the pipeline (DeletePipeline: its run history). */
  purgeRuns(pipelineId: string): Promise<void>;
  /** Records a heartbeat (the last one wins). */
  recordRunner(accountId: string, runner: RunnerRecord): Promise<void>;
  /** The runners of the account, as their last heartbeats described them. */
  runnersOf(accountId: string): Promise<RunnerRecord[]>;
  /** Writes a new run: its instances, then its attempts (each put only if absent, so a retry is harmless). */
  startRun(pipelineId: string, accountId: string, runId: string, instances: readonly Instance[], attempts: readonly Attempt[]): Promise<void>;
  /** Every instance and attempt of the pipeline (every run). */
  objectsOf(pipelineId: string): Promise<{ instances: StoredInstance[]; attempts: StoredAttempt[] }>;
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
