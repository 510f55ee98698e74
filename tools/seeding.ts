/**
 * Writes pipelines, tasks and attempts the way the service would have left them after PollForTask.
 * Used by `npm run seed`, the load test, the conformance suite and the tests.
 */
import { randomBytes } from 'node:crypto';
import { BatchWriteItemCommand, DynamoDBClient, WriteRequest } from '@aws-sdk/client-dynamodb';
import { accountOfAccessKey } from '../lambda/identity';
import { pipelineItem } from '../lambda/store/dynamodb-pipeline-store';
import { newTaskId } from '../lambda/store/task-store';
import { ATTR, EXPIRY_ATTRIBUTE, PIPELINE_DELETED, TABLES, TableNames } from '../lambda/store/tables';
import { Item, n, s } from '../lambda/store/item-codec';
import { LOCAL_ACCESS_KEY } from '../local/dynamodb';

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

/** Like `df-03971252U4AVY60545T7`: the shape of real pipeline ids (and of CreatePipeline's). */
export const newPipelineId = (): string => `df-${Array.from(randomBytes(20), (b) => ALNUM[b % ALNUM.length]).join('')}`;

/** Seeded tasks get ids made as PollForTask makes them. */
export { newTaskId };

export const newAttemptId = (now: Date): string => `@Activity${randomBytes(6).toString('hex')}_${now.toISOString().slice(0, 19)}_Attempt=1`;

/**
 * How the load test and the conformance suite write: every item expires (DynamoDB TTL, epoch seconds) and
 * every task written is recorded in `ledger`, so that the tool can delete what it wrote when it finishes.
 */
export interface WriteOptions {
  readonly expiresAt?: number;
  readonly ledger?: SeededTask[];
  /** The owner of the pipelines written (default: defaultSeedAccount()). */
  readonly accountId?: string;
}

/** What a tool's items live for if the tool cannot delete them itself (it was killed, or --keep). */
export const TOOL_ITEM_LIFETIME_SECONDS = 24 * 60 * 60;

/** A pipeline as CreatePipeline writes it, activated (SCHEDULED), or deleted as DeletePipeline leaves it. */
export const seededPipelineItem = (pipelineId: string, state: 'ACTIVE' | 'DELETED', accountId: string, now: Date): Item => {
  const item = pipelineItem({
    pipelineId,
    accountId,
    userId: accountId,
    name: `seeded-${pipelineId}`,
    uniqueId: pipelineId,
    tags: [],
    creationTime: now.toISOString(),
  });
  if (state === 'DELETED') {
    const { [ATTR.listAccount]: _listed, [ATTR.tags]: _tags, ...rest } = item;
    return { ...rest, [ATTR.pipelineState]: s(PIPELINE_DELETED) };
  }
  return { ...item, [ATTR.pipelineState]: s('SCHEDULED'), [ATTR.lastActivationTime]: s(now.toISOString()) };
};

/** The account the tools seed for, unless told: the one the local endpoint gives the caller's access key. */
export const defaultSeedAccount = (): string => accountOfAccessKey(process.env.AWS_ACCESS_KEY_ID ?? LOCAL_ACCESS_KEY);

export const taskItem = (t: SeededTask): Item => ({
  [ATTR.taskId]: s(t.taskId),
  [ATTR.pipelineId]: s(t.pipelineId),
  [ATTR.attemptId]: s(t.attemptId),
  [ATTR.taskStatus]: s(t.taskState),
});

/** The attempt, in the objects table under its pipeline (as a run would have made it, then handed it out). */
export const attemptItem = (t: SeededTask, startTime: string): Item => ({
  [ATTR.pipelineId]: s(t.pipelineId),
  [ATTR.objectId]: s(t.attemptId),
  [ATTR.sphere]: s('ATTEMPT'),
  [ATTR.taskId]: s(t.taskId),
  [ATTR.status]: s(t.taskState),
  startTime: s(startTime),
});

type Write = { readonly table: string; readonly item: Item; readonly del?: boolean };

/** Writes (or deletes) one group of at most 25 items, resending what the engine left unprocessed. */
const writeBatch = async (client: DynamoDBClient, batch: ReadonlyArray<Write>): Promise<void> => {
  let pending: Record<string, WriteRequest[]> = {};
  for (const { table, item, del } of batch) (pending[table] ??= []).push(del ? { DeleteRequest: { Key: item } } : { PutRequest: { Item: item } });
  for (let round = 0; Object.keys(pending).length > 0; round++) {
    if (round > 10) throw new Error('BatchWriteItem kept leaving items unprocessed');
    if (round > 0) await new Promise((r) => setTimeout(r, Math.min(1000, 50 * 2 ** round)));
    const out = await client.send(new BatchWriteItemCommand({ RequestItems: pending }));
    pending = out.UnprocessedItems ?? {};
  }
};

/** BatchWriteItem in groups of 25, a few groups at a time. */
export const putItems = async (client: DynamoDBClient, writes: ReadonlyArray<Write>): Promise<void> => {
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

const withExpiry = (item: Item, expiresAt: number | undefined): Item => (expiresAt === undefined ? item : { ...item, [EXPIRY_ATTRIBUTE]: n(expiresAt) });

/** Writes the tasks, their attempts, and their pipelines (none for MISSING). */
export const writeTasks = async (client: DynamoDBClient, names: TableNames, tasks: readonly SeededTask[], now = new Date(), options: WriteOptions = {}) => {
  options.ledger?.push(...tasks);
  const writes: Write[] = [];
  const pipelines = new Map<string, PipelineState>();
  for (const t of tasks) pipelines.set(t.pipelineId, t.pipelineState);
  for (const [pipelineId, state] of pipelines) {
    if (state === 'MISSING') continue;
    writes.push({
      table: names.pipelines,
      item: withExpiry(seededPipelineItem(pipelineId, state, options.accountId ?? defaultSeedAccount(), now), options.expiresAt),
    });
  }
  const startTime = now.toISOString();
  for (const t of tasks) {
    writes.push({ table: names.tasks, item: withExpiry(taskItem(t), options.expiresAt) });
    writes.push({ table: names.objects, item: withExpiry(attemptItem(t, startTime), options.expiresAt) });
  }
  await putItems(client, writes);
};

export const seed = async (client: DynamoDBClient, names: TableNames, plan: SeedPlan, options: WriteOptions = {}): Promise<SeededTask[]> => {
  const now = new Date();
  const tasks = planTasks(plan, now);
  await writeTasks(client, names, tasks, now, options);
  return tasks;
};

/** Deletes the items of these tasks: each task, its attempt, and its pipeline. */
export const deleteTasks = async (client: DynamoDBClient, names: TableNames, tasks: readonly SeededTask[]): Promise<void> => {
  const key = (attr: string, value: string): Item => ({ [attr]: s(value) });
  const pipelines = new Set(tasks.map((t) => t.pipelineId));
  const unique = [...new Map(tasks.map((t) => [t.taskId, t])).values()]; // a batch may not name one key twice
  await putItems(client, [
    ...[...pipelines].map((id) => ({ table: names.pipelines, item: key(TABLES.pipelines.partitionKey, id), del: true })),
    ...unique.map((t) => ({ table: names.tasks, item: key(TABLES.tasks.partitionKey, t.taskId), del: true })),
    ...unique.map((t) => ({ table: names.objects, item: { [ATTR.pipelineId]: s(t.pipelineId), [ATTR.objectId]: s(t.attemptId) }, del: true })),
  ]);
};

/**
 * `count` items of old, ended runs of `componentId` (an instance and its one attempt each), written straight into
 * the pipeline's partition: a long history, for the tests and the bench that show calls do not read it.
 */
export const writeRunHistory = async (client: DynamoDBClient, table: string, pipelineId: string, count: number, componentId: string): Promise<void> => {
  const items: Item[] = [];
  for (let i = 0; items.length < count; i++) {
    const time = new Date(Date.UTC(2020, 0, 1) + i * 1000).toISOString();
    const instanceId = `@${componentId}_${time.slice(0, 19)}`;
    const base = { [ATTR.pipelineId]: s(pipelineId), [ATTR.componentId]: s(componentId) };
    items.push({
      ...base,
      [ATTR.objectId]: s(instanceId),
      [ATTR.sphere]: s('INSTANCE'),
      [ATTR.status]: s('FINISHED'),
      [ATTR.settings]: s('{}'),
      [ATTR.scheduledStartTime]: s(time),
      [ATTR.attemptCount]: n(1),
    });
    items.push({
      ...base,
      [ATTR.objectId]: s(`${instanceId}_Attempt=1`),
      [ATTR.sphere]: s('ATTEMPT'),
      [ATTR.status]: s('FINISHED'),
      [ATTR.instanceId]: s(instanceId),
      [ATTR.attemptNumber]: n(1),
    });
  }
  for (let i = 0; i < items.length; i += 25) {
    await client.send(new BatchWriteItemCommand({ RequestItems: { [table]: items.slice(i, i + 25).map((Item) => ({ PutRequest: { Item } })) } }));
  }
};
