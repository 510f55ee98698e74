/**
 * The store port: what SetTaskStatus needs from persistence, in domain terms.
 * The DynamoDB adapter implements it; nothing above this line imports an AWS SDK.
 */

import { randomBytes } from 'node:crypto';
import type { Instance } from '../runs/run-model';

const TASK_ID_BYTES = 384;
/** The pipeline ids a task id carries: ours are 23 characters; longer ones are not carried. */
const CARRIED_PIPELINE_ID_BYTES = 64;

/**
 * Opaque and URL-safe, 512 characters, like the long encrypted task ids AWS hands out (see the API page's
 * example). It carries its pipeline's id (a length byte, the id, then random bytes), so that the task and its
 * pipeline can be read in one request; nothing trusts it: the task item's own pipelineId decides.
 */
export const newTaskId = (pipelineId = ''): string => {
  const id = Buffer.from(pipelineId, 'utf8');
  const carried = id.length <= CARRIED_PIPELINE_ID_BYTES ? id : Buffer.alloc(0);
  return Buffer.concat([Buffer.from([carried.length]), carried, randomBytes(TASK_ID_BYTES - 1 - carried.length)]).toString('base64url');
};

/** The pipeline id a task id says it carries (a hint, checked against the task), or undefined. */
export const pipelineIdHint = (taskId: string): string | undefined => {
  if (taskId.length !== (TASK_ID_BYTES * 4) / 3 || !/^[A-Za-z0-9_-]+$/.test(taskId)) return undefined;
  const bytes = Buffer.from(taskId, 'base64url');
  const length = bytes[0];
  if (length === 0 || length > CARRIED_PIPELINE_ID_BYTES) return undefined;
  const id = bytes.subarray(1, 1 + length).toString('utf8');
  return /^[\x21-\x7e]+$/.test(id) ? id : undefined;
};

/** What a task runner reports when it ends a task. */
export type FinalStatus = 'FINISHED' | 'FAILED' | 'FALSE';
export const FINAL_STATUSES: readonly FinalStatus[] = ['FINISHED', 'FAILED', 'FALSE'];
export const isFinalStatus = (state: string): state is FinalStatus => (FINAL_STATUSES as readonly string[]).includes(state);

/** RUNNING (handed to a runner by PollForTask), a final status, CANCELED by the service, or any state an operator wrote. */
type TaskState = 'RUNNING' | 'CANCELED' | FinalStatus | (string & {});

/** The outcome of a task as recorded on the task and copied onto its attempt. */
export interface Completion {
  readonly status: FinalStatus;
  readonly endTime: string;
  readonly errorId?: string;
  readonly errorMessage?: string;
  readonly errorStackTrace?: string;
}

export interface Task {
  readonly taskId: string;
  readonly pipelineId: string;
  readonly attemptId: string;
  readonly state: TaskState;
  /** Present once the task left RUNNING through SetTaskStatus. */
  readonly completion?: Completion;
  /** True for a task PollForTask handed out from a run (a seeded task is not): its end moves the run on. */
  readonly fromRun?: boolean;
  /** A task of a run: its attempt's instance as the poll saw it (settings, period), so that its end reads no instance. */
  readonly instance?: Instance;
}

export interface Pipeline {
  readonly pipelineId: string;
  readonly deleted: boolean;
  /** The owner; a task of another account's pipeline does not exist for the caller. */
  readonly accountId?: string;
}

export type CompleteResult =
  | { readonly applied: true }
  /** The task was no longer RUNNING; `current` is the task as it is now (undefined if it vanished). */
  | { readonly applied: false; readonly current: Task | undefined };

export interface TaskStore {
  getTask(taskId: string): Promise<Task | undefined>;
  /** The task and its pipeline, in one read when the task id carries its pipeline's id (else two). */
  getTaskAndPipeline(taskId: string): Promise<{ task?: Task; pipeline?: Pipeline }>;
  getPipeline(pipelineId: string): Promise<Pipeline | undefined>;
  /** Atomically moves a RUNNING task to its completion; the task item is the arbiter of concurrent calls. */
  completeTask(taskId: string, completion: Completion): Promise<CompleteResult>;
  /** Writes a new RUNNING task (PollForTask hands it out); its id is new, so a write that exists is an error. */
  putTask(task: Task): Promise<void>;
  /** A RUNNING task becomes CANCELED (its attempt was given up or canceled); otherwise nothing changes. The task as it is then. */
  cancelTask(taskId: string): Promise<Task | undefined>;
  /**
   * Writes the completion onto the attempt if the attempt is still RUNNING; otherwise (final, or no such attempt)
   * does nothing. The attempt stays in the ready index, offered from `settleFrom`, until the run store's `settled`.
   */
  recordAttempt(pipelineId: string, attemptId: string, completion: Completion, settleFrom: string): Promise<void>;
}
