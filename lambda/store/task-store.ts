/**
 * The store port: what SetTaskStatus needs from persistence, in domain terms.
 * The DynamoDB adapter implements it; nothing above this line imports an AWS SDK.
 */

import { randomBytes } from 'node:crypto';

/** Opaque and URL-safe, 512 characters, like the long encrypted task ids AWS hands out (see the API page's example). */
export const newTaskId = (): string => randomBytes(384).toString('base64url');

/** What a task runner reports when it ends a task. */
export type FinalStatus = 'FINISHED' | 'FAILED' | 'FALSE';
export const FINAL_STATUSES: readonly FinalStatus[] = ['FINISHED', 'FAILED', 'FALSE'];
export const isFinalStatus = (state: string): state is FinalStatus => (FINAL_STATUSES as readonly string[]).includes(state);

/** RUNNING (handed to a runner by PollForTask), a final status, CANCELED by the service, or any state an operator wrote. */
export type TaskState = 'RUNNING' | 'CANCELED' | FinalStatus | (string & {});

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
