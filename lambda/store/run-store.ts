/**
 * The runs port: the instances and attempts of pipelines, the attempts ready for runners, and their leases.
 * The DynamoDB adapter implements it; operations never see items.
 */
import type { Field } from '../definitions/definition';
import type { Attempt, AttemptStatus, Instance } from '../runs/run-model';
import type { HealthStatus, InstanceChange } from '../runs/transitions';

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
  /** When its runner last reported progress. */
  readonly reportProgressTime?: string;
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

/** A scheduled pipeline's marker opens periods; an on-demand pipeline's finishes a run whose activation was cut short. */
export type MarkerKind = 'schedule' | 'ondemand';

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

export interface RunnersSeen {
  readonly runners: readonly RunnerRecord[];
  /** Some hour had more runners than were read. */
  readonly truncated: boolean;
}

/** The hour a heartbeat at `at` (ISO 8601 UTC) is kept under: `2026-12-07T10`. */
export const hourOf = (at: string): string => at.slice(0, 13);

/** What a pipeline's runs come to, kept current by the transitions (one item: no call reads the history for it). */
export interface RunSummary {
  /** The instances not final yet. */
  readonly open: readonly string[];
  /** Per component: the health its latest ended instance gives (dp-interpret-health-status). */
  readonly health: Readonly<Record<string, HealthStatus>>;
  /** Per component: that instance, and when it ended (`@healthStatusFromInstanceId`, `@healthStatusUpdatedTime`). */
  readonly healthFrom: Readonly<Record<string, { readonly instanceId: string; readonly at: string }>>;
  /** Per component: the scheduled start of its latest instance that ended FINISHED (`@latestCompletedRunTime`). */
  readonly completed: Readonly<Record<string, string>>;
  /** The start of the latest on-demand run (runs are a second apart at least: their ids are unique). */
  readonly lastRunStart?: string;
  /** The start of an on-demand run whose writing began and has not been seen to end (a crash): finished by the next caller. */
  readonly pendingRun?: string;
  /** Per schedule: the start of the latest period opened. */
  readonly periods: Readonly<Record<string, string>>;
}

export interface RunStore {
  /** Deletes every instance and attempt of the pipeline (DeletePipeline: its run history). */
  purgeRuns(pipelineId: string): Promise<void>;
  /** Records a heartbeat (the last one wins). */
  recordRunner(accountId: string, runner: RunnerRecord): Promise<void>;
  /**
   * The runners whose heartbeats came in during these hours (`hourOf`), at most `limitPerHour` of each hour (the
   * first by id); a runner seen in several hours appears once per hour.
   */
  runnersSeen(accountId: string, hours: readonly string[], limitPerHour: number): Promise<RunnersSeen>;
  /**
   * Writes a new run: its instances, then its attempts (each put only if absent, so a retry is harmless).
   * `openedAt`: when it opened (the instances' @actualStartTime), the run's id (its start) by default.
   */
  startRun(
    pipelineId: string,
    accountId: string,
    runId: string,
    instances: readonly Instance[],
    attempts: readonly Attempt[],
    openedAt?: string,
  ): Promise<void>;
  /** The pipeline's run summary (empty when it never ran). */
  summary(pipelineId: string): Promise<RunSummary>;
  /** The summaries of several pipelines, in one read. */
  summaries(pipelineIds: readonly string[]): Promise<Map<string, RunSummary>>;
  /** Takes `start` as the next on-demand run, if the latest is still `lastSeen` and no run is being written; false otherwise. */
  reserveRun(pipelineId: string, start: string, lastSeen: string | undefined): Promise<boolean>;
  /** The instances join the open set; with `pendingRun`, the run being written is done (if it is still that one). */
  instancesOpened(pipelineId: string, instanceIds: readonly string[], pendingRun?: string): Promise<boolean>;
  /** The schedule's latest opened period is `start`, unless a later one is recorded already. */
  periodOpened(pipelineId: string, scheduleId: string, start: string): Promise<void>;
  /**
   * A dependency (component `finished`) of the instance finished: it leaves its pending set, once (a condition
   * makes a retry harmless). The instance, when it now waits on nothing and is still WAITING_ON_DEPENDENCIES.
   */
  dependencyFinished(pipelineId: string, instanceId: string, finished: string): Promise<StoredInstance | undefined>;
  /** Instances by id (those that exist). */
  getInstances(pipelineId: string, instanceIds: readonly string[]): Promise<StoredInstance[]>;
  /** Instances and attempts by id (those that exist). */
  getObjects(pipelineId: string, objectIds: readonly string[]): Promise<{ instances: StoredInstance[]; attempts: StoredAttempt[] }>;
  /** The pipeline's schedule markers. */
  markersOf(pipelineId: string): Promise<ScheduleMarker[]>;
  /** A page of the pipeline's instances and attempts in id order, after `after`, `limit` items read at most; `next` when more may follow. */
  pageObjects(pipelineId: string, after: string | undefined, limit: number): Promise<{ instances: StoredInstance[]; attempts: StoredAttempt[]; next?: string }>;
  /** The attempt of `taskId` ends with its task's outcome and leaves the ready index; false when it was not RUNNING with that task. */
  finishAttempt(
    pipelineId: string,
    attemptId: string,
    taskId: string,
    completion: { status: string; endTime: string; errorId?: string; errorMessage?: string; errorStackTrace?: string },
  ): Promise<boolean>;
  /** Puts the schedule marker of a worker group in the ready index from `availableAt` (its firstActivation kept if set). */
  armSchedule(
    pipelineId: string,
    accountId: string,
    workerGroup: string,
    availableAt: string,
    firstActivation: string,
    resumeFrom?: string,
    kind?: MarkerKind,
  ): Promise<void>;
  /** Takes the worker group's marker out of the ready index if it is still due at `availableAt` (as armed). */
  disarmSchedule(pipelineId: string, workerGroup: string, availableAt: string, kind?: MarkerKind): Promise<boolean>;
  /** Moves a marker read as `candidate` to `next`, or out of the ready index; false when another caller moved it first. */
  advanceSchedule(candidate: Candidate, next: string | undefined): Promise<boolean>;
  getAttempt(pipelineId: string, attemptId: string): Promise<StoredAttempt | undefined>;
  getInstance(pipelineId: string, instanceId: string): Promise<StoredInstance | undefined>;
  /** Up to `limit` attempts of the account and worker group available at `now`, oldest first. */
  candidates(accountId: string, workerGroup: string, now: string, limit: number): Promise<Candidate[]>;
  /** Takes a waiting attempt for a runner, if it is still the candidate read: the attempt as claimed, or undefined. */
  claim(candidate: Candidate, claim: Claim): Promise<StoredAttempt | undefined>;
  /** Sets the lease of the runner holding `taskId` (the acknowledgement window, when an activity's is shorter than the claim's). */
  setLease(pipelineId: string, attemptId: string, taskId: string, leaseUntil: string): Promise<boolean>;
  /** Puts a claimed attempt back, as the candidate it was (what followed the claim failed). */
  release(candidate: Candidate, taskId: string): Promise<void>;
  /**
   * Puts a claimed attempt back, waiting but out of the ready index (its pipeline is inactive or its component
   * paused), so that no poller meets it again until `unpark`.
   */
  parkClaimed(candidate: Candidate, taskId: string): Promise<void>;
  /** A waiting attempt leaves the ready index until `unpark` (deactivation, PAUSE). */
  park(pipelineId: string, attemptId: string): Promise<boolean>;
  /** A parked attempt goes back into the ready index (activation, RESUME). */
  unpark(pipelineId: string, attemptId: string): Promise<boolean>;
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
  reportProgress(pipelineId: string, attemptId: string, taskId: string, leaseUntil: string, fields: readonly Field[], at: string): Promise<ProgressResult>;
  /**
   * Applies the instance changes of a transition (and the attempts they create); each write is idempotent. Per
   * change, whether the instance holds it now (written by this call, or found so: a retry after a crash).
   */
  apply(pipelineId: string, accountId: string, changes: readonly InstanceChange[], at: string): Promise<boolean[]>;
  /**
   * Moves the instance of a claimed attempt to RUNNING (if it was waiting), its head attempt that one; false when
   * it was not waiting. (Its @actualStartTime is its run's start.)
   */
  instanceStarted(pipelineId: string, instanceId: string, attemptId: string): Promise<boolean>;
}
