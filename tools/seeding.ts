/**
 * Writes pipelines, tasks and attempts the way the service would have left them after PollForTask.
 * Used by `npm run seed`, the load test, the conformance suite and the tests.
 */
import { randomBytes } from 'node:crypto';
import { AttributeValue, BatchWriteItemCommand, DynamoDBClient, WriteRequest } from '@aws-sdk/client-dynamodb';
import { ATTR, TableNames } from '../lambda/store/tables';

export type PipelineState = 'ACTIVE' | 'DELETED' | 'MISSING';
export type SeedTaskState = 'RUNNING' | 'CANCELED';

export interface SeededTask {
  readonly taskId: string;
  readonly pipelineId: string;
  readonly attemptId: string;
  readonly pipelineState: PipelineState;
  readonly taskState: SeedTaskState;
}

export interface SeedPlan {
  readonly pipelines: number;
  readonly deletedPipelines: number;
  readonly missingPipelines: number;
  readonly tasksPerPipeline: number;
  /** Extra CANCELED tasks, on one more ACTIVE pipeline. */
  readonly canceledTasks: number;
}

/** Writes nothing; spread it and set the counts you want. */
export const EMPTY_PLAN: SeedPlan = { pipelines: 0, deletedPipelines: 0, missingPipelines: 0, tasksPerPipeline: 1, canceledTasks: 0 };

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';

/** Like `df-0940128315OR4M3RZB0V`: the shape of real pipeline ids. */
export const newPipelineId = (): string => `df-${Array.from(randomBytes(19), (b) => ALNUM[b % ALNUM.length]).join('')}`;

/** Opaque and URL-safe, 512 characters: real task ids are long encrypted tokens (see the API page's example). */
export const newTaskId = (): string => randomBytes(384).toString('base64url');

export const newAttemptId = (now: Date): string =>
  `@Activity${randomBytes(6).toString('hex')}_${now.toISOString().slice(0, 19)}_Attempt=1`;

type Item = Record<string, AttributeValue>;
const s = (value: string): AttributeValue => ({ S: value });

export const pipelineItem = (pipelineId: string, state: 'ACTIVE' | 'DELETED'): Item => ({
  [ATTR.pipelineId]: s(pipelineId),
  [ATTR.pipelineState]: s(state),
});

export const taskItem = (t: SeededTask): Item => ({
  [ATTR.taskId]: s(t.taskId),
  [ATTR.pipelineId]: s(t.pipelineId),
  [ATTR.attemptId]: s(t.attemptId),
  [ATTR.taskStatus]: s(t.taskState),
});

export const attemptItem = (t: SeededTask, startTime: string): Item => ({
  [ATTR.attemptId]: s(t.attemptId),
  [ATTR.taskId]: s(t.taskId),
  [ATTR.pipelineId]: s(t.pipelineId),
  [ATTR.attemptStatus]: s(t.taskState),
  startTime: s(startTime),
});

/** Writes one group of at most 25 items, resending what the engine left unprocessed. */
const writeBatch = async (client: DynamoDBClient, batch: ReadonlyArray<{ table: string; item: Item }>): Promise<void> => {
  let pending: Record<string, WriteRequest[]> = {};
  for (const { table, item } of batch) (pending[table] ??= []).push({ PutRequest: { Item: item } });
  for (let round = 0; Object.keys(pending).length > 0; round++) {
    if (round > 10) throw new Error('BatchWriteItem kept leaving items unprocessed');
    if (round > 0) await new Promise((r) => setTimeout(r, Math.min(1000, 50 * 2 ** round)));
    const out = await client.send(new BatchWriteItemCommand({ RequestItems: pending }));
    pending = out.UnprocessedItems ?? {};
  }
};

/** BatchWriteItem in groups of 25, a few groups at a time. */
export const putItems = async (client: DynamoDBClient, writes: ReadonlyArray<{ table: string; item: Item }>): Promise<void> => {
  let next = 0;
  const worker = async () => {
    while (next < writes.length) {
      const start = next;
      next += 25;
      await writeBatch(client, writes.slice(start, start + 25));
    }
  };
  await Promise.all(Array.from({ length: 8 }, worker));
};

/** Builds the tasks of a plan (without writing them). */
export const planTasks = (plan: SeedPlan, now = new Date()): SeededTask[] => {
  const tasks: SeededTask[] = [];
  const addPipeline = (pipelineState: PipelineState, count: number, taskState: SeedTaskState) => {
    const pipelineId = newPipelineId();
    for (let i = 0; i < count; i++) {
      tasks.push({ taskId: newTaskId(), pipelineId, attemptId: newAttemptId(now), pipelineState, taskState });
    }
  };
  for (let i = 0; i < plan.pipelines; i++) addPipeline('ACTIVE', plan.tasksPerPipeline, 'RUNNING');
  for (let i = 0; i < plan.deletedPipelines; i++) addPipeline('DELETED', plan.tasksPerPipeline, 'RUNNING');
  for (let i = 0; i < plan.missingPipelines; i++) addPipeline('MISSING', plan.tasksPerPipeline, 'RUNNING');
  if (plan.canceledTasks > 0) addPipeline('ACTIVE', plan.canceledTasks, 'CANCELED');
  return tasks;
};

/** Writes the tasks, their attempts, and their pipelines (none for MISSING). */
export const writeTasks = async (client: DynamoDBClient, names: TableNames, tasks: readonly SeededTask[], now = new Date()) => {
  const writes: { table: string; item: Item }[] = [];
  const pipelines = new Map<string, PipelineState>();
  for (const t of tasks) pipelines.set(t.pipelineId, t.pipelineState);
  for (const [pipelineId, state] of pipelines) {
    if (state !== 'MISSING') writes.push({ table: names.pipelines, item: pipelineItem(pipelineId, state) });
  }
  const startTime = now.toISOString();
  for (const t of tasks) {
    writes.push({ table: names.tasks, item: taskItem(t) });
    writes.push({ table: names.attempts, item: attemptItem(t, startTime) });
  }
  await putItems(client, writes);
};

export const seed = async (client: DynamoDBClient, names: TableNames, plan: SeedPlan): Promise<SeededTask[]> => {
  const now = new Date();
  const tasks = planTasks(plan, now);
  await writeTasks(client, names, tasks, now);
  return tasks;
};

