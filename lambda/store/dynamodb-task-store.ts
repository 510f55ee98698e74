/**
 * The DynamoDB adapter of the TaskStore port (the store adapters are the only modules that import the SDK).
 * One request per method; every read is strongly consistent, every write conditional.
 */
import {
  BatchGetItemCommand,
  ConditionalCheckFailedException,
  type DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import { ATTR, PIPELINE_DELETED, TABLES, TableNames } from './tables';
import { Item, requiredStr, s, str } from './item-codec';
import { isFinalStatus, pipelineIdHint } from './task-store';
import type { CompleteResult, Completion, Pipeline, Task, TaskStore } from './task-store';

const PIPELINE_PROJECTION = `${ATTR.pipelineState}, ${ATTR.accountId}`;

const toPipeline = (pipelineId: string, item: Item): Pipeline => {
  const accountId = str(item, ATTR.accountId);
  return { pipelineId, deleted: str(item, ATTR.pipelineState) === PIPELINE_DELETED, ...(accountId !== undefined && { accountId }) };
};

const RUNNING = 'RUNNING';
/** DynamoDB's limit on a partition key value, in UTF-8 bytes. */
const PARTITION_KEY_MAX_BYTES = 2048;
const ERROR_FIELDS = [ATTR.errorId, ATTR.errorMessage, ATTR.errorStackTrace] as const;

export class DynamoDbTaskStore implements TaskStore {
  constructor(
    private readonly client: DynamoDBClient,
    private readonly tables: TableNames,
    /** Aborts this store's requests (the request's deadline). */
    private readonly signal?: AbortSignal,
  ) {}

  async getTask(taskId: string): Promise<Task | undefined> {
    // A key DynamoDB cannot hold names no stored task: answer without asking (the engine would refuse the key).
    if (Buffer.byteLength(taskId, 'utf8') > PARTITION_KEY_MAX_BYTES) return undefined;
    const { Item } = await this.client.send(
      new GetItemCommand({ TableName: this.tables.tasks, Key: { [TABLES.tasks.partitionKey]: s(taskId) }, ConsistentRead: true }),
      { abortSignal: this.signal },
    );
    return Item ? toTask(Item) : undefined;
  }

  async getTaskAndPipeline(taskId: string): Promise<{ task?: Task; pipeline?: Pipeline }> {
    const hint = pipelineIdHint(taskId);
    if (hint === undefined || Buffer.byteLength(taskId, 'utf8') > PARTITION_KEY_MAX_BYTES) {
      const task = await this.getTask(taskId);
      return task ? { task, pipeline: await this.getPipeline(task.pipelineId) } : {};
    }
    const res = await this.client.send(
      new BatchGetItemCommand({
        RequestItems: {
          [this.tables.tasks]: { Keys: [{ [TABLES.tasks.partitionKey]: s(taskId) }], ConsistentRead: true },
          [this.tables.pipelines]: { Keys: [{ [TABLES.pipelines.partitionKey]: s(hint) }], ConsistentRead: true, ProjectionExpression: PIPELINE_PROJECTION },
        },
      }),
      { abortSignal: this.signal },
    );
    // Two keys are far under the engine's limits: an unprocessed key is read again the plain way.
    const taskItem = res.Responses?.[this.tables.tasks]?.[0];
    const task = taskItem ? toTask(taskItem) : res.UnprocessedKeys?.[this.tables.tasks] ? await this.getTask(taskId) : undefined;
    if (!task) return {};
    const pipelineItem = res.Responses?.[this.tables.pipelines]?.[0];
    if (task.pipelineId !== hint || (!pipelineItem && res.UnprocessedKeys?.[this.tables.pipelines]))
      return { task, pipeline: await this.getPipeline(task.pipelineId) };
    return { task, pipeline: pipelineItem ? toPipeline(task.pipelineId, pipelineItem) : undefined };
  }

  async getPipeline(pipelineId: string): Promise<Pipeline | undefined> {
    const { Item } = await this.client.send(
      new GetItemCommand({
        TableName: this.tables.pipelines,
        Key: { [TABLES.pipelines.partitionKey]: s(pipelineId) },
        ConsistentRead: true,
        ProjectionExpression: PIPELINE_PROJECTION,
      }),
      { abortSignal: this.signal },
    );
    return Item ? toPipeline(pipelineId, Item) : undefined;
  }

  async completeTask(taskId: string, completion: Completion): Promise<CompleteResult> {
    try {
      await this.client.send(
        new UpdateItemCommand({
          TableName: this.tables.tasks,
          Key: { [TABLES.tasks.partitionKey]: s(taskId) },
          ...completionUpdate(ATTR.taskStatus, completion),
          // DynamoDB returns the winner's item with the failure, saving a read; engines that ignore this get one.
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }),
        { abortSignal: this.signal },
      );
      return { applied: true };
    } catch (err) {
      if (!(err instanceof ConditionalCheckFailedException)) throw err;
      const current = err.Item ? toTask(err.Item) : await this.getTask(taskId);
      return { applied: false, current };
    }
  }

  async putTask(task: Task): Promise<void> {
    await this.client.send(
      new PutItemCommand({
        TableName: this.tables.tasks,
        Item: {
          [ATTR.taskId]: s(task.taskId),
          [ATTR.pipelineId]: s(task.pipelineId),
          [ATTR.attemptId]: s(task.attemptId),
          [ATTR.taskStatus]: s(task.state),
          [ATTR.fromRun]: { BOOL: true },
          ...(task.instance !== undefined && { [ATTR.instance]: s(JSON.stringify(task.instance)) }),
        },
        ConditionExpression: 'attribute_not_exists(#id)',
        ExpressionAttributeNames: { '#id': ATTR.taskId },
      }),
      { abortSignal: this.signal },
    );
  }

  async cancelTask(taskId: string): Promise<Task | undefined> {
    try {
      const res = await this.client.send(
        new UpdateItemCommand({
          TableName: this.tables.tasks,
          Key: { [TABLES.tasks.partitionKey]: s(taskId) },
          UpdateExpression: 'SET #status = :canceled',
          ConditionExpression: '#status = :running',
          ExpressionAttributeNames: { '#status': ATTR.taskStatus },
          ExpressionAttributeValues: { ':canceled': s('CANCELED'), ':running': s(RUNNING) },
          ReturnValues: 'ALL_NEW',
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }),
        { abortSignal: this.signal },
      );
      return res.Attributes ? toTask(res.Attributes) : undefined;
    } catch (err) {
      if (!(err instanceof ConditionalCheckFailedException)) throw err;
      // Already final or canceled (or absent): the task as it is.
      return err.Item ? toTask(err.Item) : this.getTask(taskId);
    }
  }

  async recordAttempt(pipelineId: string, attemptId: string, completion: Completion, settleFrom: string): Promise<void> {
    try {
      await this.client.send(
        new UpdateItemCommand({
          TableName: this.tables.objects,
          Key: { [ATTR.pipelineId]: s(pipelineId), [ATTR.objectId]: s(attemptId) },
          // An ended attempt stays in the ready index, offered from `settleFrom` on, until the run has moved on
          // (docs/behaviour.md §8: a poller finishes the work of a call that died in between).
          ...completionUpdate(ATTR.status, completion, { [ATTR.availableAt]: settleFrom }),
        }),
        { abortSignal: this.signal },
      );
    } catch (err) {
      // The condition fails in two cases, both of which leave nothing to do:
      // - the attempt is final already: only this completion can have written it (the task decides who wins);
      // - there is no attempt item (a task written without one): the task alone records the outcome, and no
      //   attempt is created, because an attempt the service never made would show in its run history.
      if (!(err instanceof ConditionalCheckFailedException)) throw err;
    }
  }
}

/** `SET status, endTime, the given error fields (and `alsoSet`); REMOVE the other error fields`, only while the item is RUNNING. */
const completionUpdate = (statusAttr: string, c: Completion, alsoSet: Readonly<Record<string, string>> = {}) => {
  const names: Record<string, string> = { '#status': statusAttr, '#endTime': ATTR.endTime };
  const values: Item = { ':status': s(c.status), ':running': s(RUNNING), ':endTime': s(c.endTime) };
  const set = ['#status = :status', '#endTime = :endTime'];
  const remove: string[] = [];
  for (const [attr, value] of Object.entries(alsoSet)) {
    names[`#${attr}`] = attr;
    values[`:${attr}`] = s(value);
    set.push(`#${attr} = :${attr}`);
  }
  for (const field of ERROR_FIELDS) {
    names[`#${field}`] = field;
    const value = c[field];
    if (value === undefined) {
      remove.push(`#${field}`);
    } else {
      values[`:${field}`] = s(value);
      set.push(`#${field} = :${field}`);
    }
  }
  return {
    UpdateExpression: `SET ${set.join(', ')}${remove.length ? ` REMOVE ${remove.join(', ')}` : ''}`,
    ConditionExpression: '#status = :running',
    ExpressionAttributeNames: names,
    ExpressionAttributeValues: values,
  };
};

const toTask = (item: Item): Task => {
  const state = requiredStr(item, ATTR.taskStatus);
  const endTime = str(item, ATTR.endTime);
  const completion: Completion | undefined =
    endTime !== undefined && isFinalStatus(state)
      ? {
          status: state,
          endTime,
          ...Object.fromEntries(ERROR_FIELDS.flatMap((f) => (str(item, f) !== undefined ? [[f, str(item, f)]] : []))),
        }
      : undefined;
  return {
    taskId: requiredStr(item, ATTR.taskId),
    pipelineId: requiredStr(item, ATTR.pipelineId),
    attemptId: requiredStr(item, ATTR.attemptId),
    state,
    ...(completion && { completion }),
    ...(item[ATTR.fromRun]?.BOOL && { fromRun: true }),
    ...(str(item, ATTR.instance) !== undefined && { instance: JSON.parse(requiredStr(item, ATTR.instance)) }),
  };
};
