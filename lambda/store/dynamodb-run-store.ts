/**
 * The DynamoDB adapter of the RunStore port. Instances and attempts are items of the objects table under
 * their pipeline; an attempt a runner may take carries `readyKey` (account and worker group) and
 * `availableAt`, which put it in the ready index; while RUNNING it keeps them, `availableAt` then being the end
 * of its lease, so that any later poller sees when a lease has passed; once ended it keeps them until the run
 * has moved on (`availableAt` then being when a poller may do that in place of a call that died). Every write is a single-item
 * conditional write; docs/behaviour.md (§8) gives the order that makes each call crash-safe.
 */
import { SCHEDULE_MARKER_PREFIX } from '../definitions/limits';
import {
  AttributeValue,
  ConditionalCheckFailedException,
  type DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  QueryCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import type { Field } from '../definitions/definition';
import { batchWriteAll, queryAll } from './dynamodb-requests';
import type { Attempt, AttemptStatus, Instance, InstanceStatus } from '../runs/run-model';
import type { InstanceChange } from '../runs/transitions';
import type { Candidate, Claim, ProgressResult, RunnerRecord, RunObjects, RunStore, ScheduleMarker, StoredAttempt, StoredInstance } from './run-store';
import { ATTR, READY_INDEX, TableNames } from './tables';

type Item = Record<string, AttributeValue>;
const s = (value: string): AttributeValue => ({ S: value });
const n = (value: number): AttributeValue => ({ N: String(value) });
const str = (item: Item, attr: string) => item[attr]?.S;

export const readyKeyOf = (accountId: string, workerGroup: string) => `${accountId}#${workerGroup}`;

const instanceItem = (pipelineId: string, runId: string, i: Instance, openedAt: string): Item => ({
  [ATTR.pipelineId]: s(pipelineId),
  [ATTR.objectId]: s(i.instanceId),
  [ATTR.sphere]: s('INSTANCE'),
  [ATTR.runId]: s(runId),
  [ATTR.componentId]: s(i.componentId),
  [ATTR.status]: s(i.status),
  [ATTR.settings]: s(JSON.stringify(i.settings)),
  [ATTR.scheduledStartTime]: s(i.scheduledStartTime),
  [ATTR.scheduledEndTime]: s(i.scheduledEndTime),
  // An instance exists from the moment its run opened: list-runs selects instances by @actualStartTime (by default, the last 4 days).
  [ATTR.actualStartTime]: s(openedAt),
  [ATTR.attemptCount]: n(i.attemptCount),
});

const attemptItem = (pipelineId: string, accountId: string, a: Attempt): Item => ({
  [ATTR.pipelineId]: s(pipelineId),
  [ATTR.objectId]: s(a.attemptId),
  [ATTR.sphere]: s('ATTEMPT'),
  [ATTR.instanceId]: s(a.instanceId),
  [ATTR.componentId]: s(a.componentId),
  [ATTR.attemptNumber]: n(a.number),
  [ATTR.status]: s(a.status),
  [ATTR.workerGroup]: s(a.workerGroup),
  [ATTR.readyKey]: s(readyKeyOf(accountId, a.workerGroup)),
  [ATTR.availableAt]: s(a.availableAt),
});

const toInstance = (item: Item): StoredInstance => ({
  pipelineId: str(item, ATTR.pipelineId)!,
  instanceId: str(item, ATTR.objectId)!,
  componentId: str(item, ATTR.componentId) ?? '',
  runId: str(item, ATTR.runId) ?? '',
  status: (str(item, ATTR.status) ?? 'WAITING_ON_DEPENDENCIES') as InstanceStatus,
  settings: JSON.parse(str(item, ATTR.settings) ?? '{}'),
  scheduledStartTime: str(item, ATTR.scheduledStartTime) ?? '',
  scheduledEndTime: str(item, ATTR.scheduledEndTime) ?? str(item, ATTR.scheduledStartTime) ?? '',
  attemptCount: Number(item[ATTR.attemptCount]?.N ?? 0),
  ...(str(item, ATTR.headAttempt) !== undefined && { headAttempt: str(item, ATTR.headAttempt) }),
  ...(str(item, ATTR.actualStartTime) !== undefined && { actualStartTime: str(item, ATTR.actualStartTime) }),
  ...(str(item, ATTR.endTime) !== undefined && { actualEndTime: str(item, ATTR.endTime) }),
});

const optional = (item: Item, attr: string, key: string) => (str(item, attr) !== undefined ? { [key]: str(item, attr) } : {});

const toAttempt = (item: Item): StoredAttempt => {
  const status = (str(item, ATTR.status) ?? 'WAITING_FOR_RUNNER') as AttemptStatus;
  return {
    pipelineId: str(item, ATTR.pipelineId)!,
    attemptId: str(item, ATTR.objectId)!,
    instanceId: str(item, ATTR.instanceId) ?? '',
    componentId: str(item, ATTR.componentId) ?? '',
    number: Number(item[ATTR.attemptNumber]?.N ?? 1),
    status,
    workerGroup: str(item, ATTR.workerGroup) ?? '',
    availableAt: str(item, ATTR.availableAt) ?? '',
    ...(status === 'RUNNING' && str(item, ATTR.availableAt) !== undefined && { leaseUntil: str(item, ATTR.availableAt) }),
    ...optional(item, ATTR.taskId, 'taskId'),
    ...optional(item, ATTR.hostname, 'hostname'),
    ...optional(item, ATTR.actualStartTime, 'actualStartTime'),
    ...optional(item, ATTR.endTime, 'actualEndTime'),
    ...optional(item, ATTR.errorId, 'errorId'),
    ...optional(item, ATTR.errorMessage, 'errorMessage'),
    ...optional(item, ATTR.errorStackTrace, 'errorStackTrace'),
    ...(item[ATTR.acknowledged]?.BOOL !== undefined && { acknowledged: item[ATTR.acknowledged].BOOL }),
    ...(str(item, ATTR.reported) !== undefined && { reported: JSON.parse(str(item, ATTR.reported)!) as Field[] }),
  };
};

const SCHEDULE = 'SCHEDULE';
/** A marker's object id: `#` sorts before `@`, so markers come first in the pipeline's partition. */
const markerIdOf = (workerGroup: string) => `${SCHEDULE_MARKER_PREFIX}${workerGroup}`;

const toMarker = (item: Item): ScheduleMarker => ({
  pipelineId: str(item, ATTR.pipelineId)!,
  markerId: str(item, ATTR.objectId)!,
  workerGroup: str(item, ATTR.workerGroup) ?? '',
  firstActivation: str(item, ATTR.firstActivation) ?? '',
  ...optional(item, ATTR.availableAt, 'availableAt'),
  ...optional(item, ATTR.resumeFrom, 'resumeFrom'),
});

export class DynamoDbRunStore implements RunStore {
  constructor(
    private readonly client: DynamoDBClient,
    private readonly tables: TableNames,
    /** Aborts this store's requests (the request's deadline). */
    private readonly signal?: AbortSignal,
  ) {}

  private key(pipelineId: string, objectId: string): Item {
    return { [ATTR.pipelineId]: s(pipelineId), [ATTR.objectId]: s(objectId) };
  }

  /** Puts the item unless one with its key exists; true when it wrote. */
  private async putIfAbsent(item: Item): Promise<boolean> {
    try {
      await this.client.send(
        new PutItemCommand({
          TableName: this.tables.objects,
          Item: item,
          ConditionExpression: 'attribute_not_exists(#oid)',
          ExpressionAttributeNames: { '#oid': ATTR.objectId },
        }),
        { abortSignal: this.signal },
      );
      return true;
    } catch (err) {
      if (err instanceof ConditionalCheckFailedException) return false;
      throw err;
    }
  }

  /** An UpdateItem on an object on a condition; false when the condition did not hold. */
  private async update(pipelineId: string, objectId: string, update: { expression: string; condition: string; names: Record<string, string>; values: Item }): Promise<boolean> {
    try {
      await this.client.send(
        new UpdateItemCommand({
          TableName: this.tables.objects,
          Key: this.key(pipelineId, objectId),
          UpdateExpression: update.expression,
          ConditionExpression: update.condition,
          ExpressionAttributeNames: update.names,
          ...(Object.keys(update.values).length > 0 && { ExpressionAttributeValues: update.values }),
        }),
        { abortSignal: this.signal },
      );
      return true;
    } catch (err) {
      if (err instanceof ConditionalCheckFailedException) return false;
      throw err;
    }
  }

  /** Runners are items of the objects table under a partition of their own per account (no pipeline id starts with #). */
  private runnersPartition(accountId: string): string {
    return `#runners#${accountId}`;
  }

  async recordRunner(accountId: string, r: RunnerRecord): Promise<void> {
    await this.client.send(
      new PutItemCommand({
        TableName: this.tables.objects,
        Item: {
          ...this.key(this.runnersPartition(accountId), r.taskrunnerId),
          [ATTR.sphere]: s('RUNNER'),
          [ATTR.lastHeartbeat]: s(r.at),
          ...(r.workerGroup !== undefined && { [ATTR.workerGroup]: s(r.workerGroup) }),
          ...(r.hostname !== undefined && { [ATTR.hostname]: s(r.hostname) }),
        },
      }),
      { abortSignal: this.signal },
    );
  }

  async runnersOf(accountId: string): Promise<RunnerRecord[]> {
    const res = await this.client.send(
      new QueryCommand({
        TableName: this.tables.objects,
        KeyConditionExpression: '#pid = :pid',
        ExpressionAttributeNames: { '#pid': ATTR.pipelineId },
        ExpressionAttributeValues: { ':pid': s(this.runnersPartition(accountId)) },
        ConsistentRead: true,
      }),
      { abortSignal: this.signal },
    );
    return (res.Items ?? []).map((i) => ({
      taskrunnerId: str(i, ATTR.objectId)!,
      at: str(i, ATTR.lastHeartbeat) ?? '',
      ...optional(i, ATTR.workerGroup, 'workerGroup'),
      ...optional(i, ATTR.hostname, 'hostname'),
    }));
  }

  async purgeRuns(pipelineId: string): Promise<void> {
    const { instances, attempts, markers } = await this.objectsOf(pipelineId);
    const keys = [...instances.map((i) => i.instanceId), ...attempts.map((a) => a.attemptId), ...markers.map((m) => m.markerId)].map((id) => ({ DeleteRequest: { Key: this.key(pipelineId, id) } }));
    await batchWriteAll(this.client, this.tables.objects, keys, this.signal);
  }

  async startRun(pipelineId: string, accountId: string, runId: string, instances: readonly Instance[], attempts: readonly Attempt[], openedAt = runId): Promise<void> {
    for (const i of instances) await this.putIfAbsent(instanceItem(pipelineId, runId, i, openedAt));
    for (const a of attempts) await this.putIfAbsent(attemptItem(pipelineId, accountId, a));
  }

  async objectsOf(pipelineId: string): Promise<RunObjects> {
    const items = await queryAll(
      this.client,
      {
        TableName: this.tables.objects,
        KeyConditionExpression: '#pid = :pid',
        ExpressionAttributeNames: { '#pid': ATTR.pipelineId },
        ExpressionAttributeValues: { ':pid': s(pipelineId) },
        ConsistentRead: true,
      },
      this.signal,
    );
    return {
      instances: items.filter((i) => str(i, ATTR.sphere) === 'INSTANCE').map(toInstance),
      attempts: items.filter((i) => str(i, ATTR.sphere) === 'ATTEMPT').map(toAttempt),
      markers: items.filter((i) => str(i, ATTR.sphere) === SCHEDULE).map(toMarker),
    };
  }

  async armSchedule(pipelineId: string, accountId: string, workerGroup: string, availableAt: string, firstActivation: string, resumeFrom?: string): Promise<void> {
    await this.client.send(
      new UpdateItemCommand({
        TableName: this.tables.objects,
        Key: this.key(pipelineId, markerIdOf(workerGroup)),
        UpdateExpression: `SET #sphere = :schedule, #status = :schedule, #wg = :wg, #rk = :rk, #at = :at, #first = if_not_exists(#first, :first)${resumeFrom !== undefined ? ', #resume = :resume' : ' REMOVE #resume'}`,
        ExpressionAttributeNames: { '#sphere': ATTR.sphere, '#status': ATTR.status, '#wg': ATTR.workerGroup, '#rk': ATTR.readyKey, '#at': ATTR.availableAt, '#first': ATTR.firstActivation, '#resume': ATTR.resumeFrom },
        ExpressionAttributeValues: {
          ':schedule': s(SCHEDULE),
          ':wg': s(workerGroup),
          ':rk': s(readyKeyOf(accountId, workerGroup)),
          ':at': s(availableAt),
          ':first': s(firstActivation),
          ...(resumeFrom !== undefined && { ':resume': s(resumeFrom) }),
        },
      }),
      { abortSignal: this.signal },
    );
  }

  advanceSchedule(c: Candidate, next: string | undefined): Promise<boolean> {
    return this.update(c.pipelineId, c.attemptId, {
      expression: next === undefined ? 'REMOVE #rk, #at' : 'SET #at = :next',
      condition: '#at = :seen',
      names: { '#at': ATTR.availableAt, ...(next === undefined && { '#rk': ATTR.readyKey }) },
      values: { ':seen': s(c.availableAt), ...(next !== undefined && { ':next': s(next) }) },
    });
  }

  async getAttempt(pipelineId: string, attemptId: string): Promise<StoredAttempt | undefined> {
    const { Item } = await this.client.send(
      new GetItemCommand({ TableName: this.tables.objects, Key: this.key(pipelineId, attemptId), ConsistentRead: true }),
      { abortSignal: this.signal },
    );
    return Item && str(Item, ATTR.sphere) === 'ATTEMPT' ? toAttempt(Item) : undefined;
  }

  async getInstance(pipelineId: string, instanceId: string): Promise<StoredInstance | undefined> {
    const { Item } = await this.client.send(
      new GetItemCommand({ TableName: this.tables.objects, Key: this.key(pipelineId, instanceId), ConsistentRead: true }),
      { abortSignal: this.signal },
    );
    return Item && str(Item, ATTR.sphere) === 'INSTANCE' ? toInstance(Item) : undefined;
  }

  async candidates(accountId: string, workerGroup: string, now: string, limit: number): Promise<Candidate[]> {
    const res = await this.client.send(
      new QueryCommand({
        TableName: this.tables.objects,
        IndexName: READY_INDEX.name,
        KeyConditionExpression: '#rk = :rk AND #at <= :now',
        ExpressionAttributeNames: { '#rk': ATTR.readyKey, '#at': ATTR.availableAt },
        ExpressionAttributeValues: { ':rk': s(readyKeyOf(accountId, workerGroup)), ':now': s(now) },
        Limit: limit,
      }),
      { abortSignal: this.signal },
    );
    return (res.Items ?? []).map((i) => ({
      pipelineId: str(i, ATTR.pipelineId)!,
      attemptId: str(i, ATTR.objectId)!,
      availableAt: str(i, ATTR.availableAt)!,
      status: str(i, ATTR.status) as AttemptStatus,
    }));
  }

  claim(c: Candidate, claim: Claim): Promise<boolean> {
    return this.update(c.pipelineId, c.attemptId, {
      expression: 'SET #status = :running, #task = :task, #start = :at, #at = :lease, #ack = :false' + (claim.hostname !== undefined ? ', #host = :host' : ''),
      condition: '#status = :waiting AND #at = :seen',
      names: { '#status': ATTR.status, '#task': ATTR.taskId, '#start': ATTR.actualStartTime, '#at': ATTR.availableAt, '#ack': ATTR.acknowledged, ...(claim.hostname !== undefined && { '#host': ATTR.hostname }) },
      values: {
        ':running': s('RUNNING'),
        ':waiting': s('WAITING_FOR_RUNNER'),
        ':task': s(claim.taskId),
        ':at': s(claim.at),
        ':lease': s(claim.leaseUntil),
        ':seen': s(c.availableAt),
        ':false': { BOOL: false },
        ...(claim.hostname !== undefined && { ':host': s(claim.hostname) }),
      },
    });
  }

  async release(c: Candidate, taskId: string): Promise<void> {
    await this.update(c.pipelineId, c.attemptId, {
      expression: 'SET #status = :waiting, #at = :seen REMOVE #task, #start, #ack, #host',
      condition: '#status = :running AND #task = :task',
      names: { '#status': ATTR.status, '#at': ATTR.availableAt, '#task': ATTR.taskId, '#start': ATTR.actualStartTime, '#ack': ATTR.acknowledged, '#host': ATTR.hostname },
      values: { ':waiting': s('WAITING_FOR_RUNNER'), ':running': s('RUNNING'), ':seen': s(c.availableAt), ':task': s(taskId) },
    });
  }

  cancelAttempt(pipelineId: string, attemptId: string, at: string): Promise<boolean> {
    return this.update(pipelineId, attemptId, {
      expression: 'SET #status = :canceled, #end = :at REMOVE #rk, #at',
      condition: '#status IN (:waiting, :running)',
      names: { '#status': ATTR.status, '#end': ATTR.endTime, '#rk': ATTR.readyKey, '#at': ATTR.availableAt },
      values: { ':canceled': s('CANCELED'), ':waiting': s('WAITING_FOR_RUNNER'), ':running': s('RUNNING'), ':at': s(at) },
    });
  }

  expire(c: Candidate, at: string, settleFrom: string): Promise<boolean> {
    return this.update(c.pipelineId, c.attemptId, {
      expression: 'SET #status = :timedout, #end = :at, #at = :settle',
      condition: '#status = :running AND #at = :seen',
      names: { '#status': ATTR.status, '#end': ATTR.endTime, '#at': ATTR.availableAt },
      values: { ':timedout': s('TIMEDOUT'), ':running': s('RUNNING'), ':at': s(at), ':seen': s(c.availableAt), ':settle': s(settleFrom) },
    });
  }

  async settled(pipelineId: string, attemptId: string): Promise<void> {
    await this.update(pipelineId, attemptId, {
      expression: 'REMOVE #rk, #at',
      condition: '#status IN (:finished, :failed, :false, :timedout) AND attribute_exists(#rk)',
      names: { '#status': ATTR.status, '#rk': ATTR.readyKey, '#at': ATTR.availableAt },
      values: { ':finished': s('FINISHED'), ':failed': s('FAILED'), ':false': s('FALSE'), ':timedout': s('TIMEDOUT') },
    });
  }

  async reportProgress(pipelineId: string, attemptId: string, taskId: string, leaseUntil: string, fields: readonly Field[]): Promise<ProgressResult> {
    const renewed = await this.update(pipelineId, attemptId, {
      expression: `SET #at = :lease, #ack = :true${fields.length > 0 ? ', #rep = :rep' : ''}`,
      condition: '#status = :running AND #task = :task',
      names: { '#status': ATTR.status, '#task': ATTR.taskId, '#at': ATTR.availableAt, '#ack': ATTR.acknowledged, ...(fields.length > 0 && { '#rep': ATTR.reported }) },
      values: { ':running': s('RUNNING'), ':task': s(taskId), ':lease': s(leaseUntil), ':true': { BOOL: true }, ...(fields.length > 0 && { ':rep': s(JSON.stringify(fields)) }) },
    });
    if (renewed) return 'ok';
    const attempt = await this.getAttempt(pipelineId, attemptId);
    return attempt?.status === 'CANCELED' ? 'canceled' : 'lost';
  }

  async instanceStarted(pipelineId: string, instanceId: string, attemptId: string): Promise<void> {
    await this.update(pipelineId, instanceId, {
      expression: 'SET #status = :running, #head = :head',
      condition: '#status IN (:waiting, :deps)',
      names: { '#status': ATTR.status, '#head': ATTR.headAttempt },
      values: { ':running': s('RUNNING'), ':head': s(attemptId), ':waiting': s('WAITING_FOR_RUNNER'), ':deps': s('WAITING_ON_DEPENDENCIES') },
    });
  }

  setInstanceStatus(pipelineId: string, instanceId: string, from: readonly InstanceStatus[], to: InstanceStatus): Promise<boolean> {
    const values: Item = { ':to': s(to) };
    from.forEach((f, i) => (values[`:f${i}`] = s(f)));
    return this.update(pipelineId, instanceId, {
      expression: 'SET #status = :to',
      condition: `#status IN (${from.map((_, i) => `:f${i}`).join(', ')})`,
      names: { '#status': ATTR.status },
      values,
    });
  }

  async apply(pipelineId: string, accountId: string, changes: readonly InstanceChange[], at: string): Promise<void> {
    for (const c of changes) {
      // The attempt first: it is what runners take, and a crash before the instance's own change leaves work a
      // runner can still do (the instance catches up when its attempt is claimed).
      if (c.attempt) await this.putIfAbsent(attemptItem(pipelineId, accountId, c.attempt));
      const final = ['FINISHED', 'FAILED', 'CASCADE_FAILED', 'CANCELED'].includes(c.to);
      await this.update(pipelineId, c.instanceId, {
        expression: `SET #status = :to${c.attempt ? ', #count = :count, #head = :head' : ''}${final ? ', #end = :at' : ''}`,
        condition: '#status = :from',
        names: { '#status': ATTR.status, ...(c.attempt && { '#count': ATTR.attemptCount, '#head': ATTR.headAttempt }), ...(final && { '#end': ATTR.endTime }) },
        values: {
          ':to': s(c.to),
          ':from': s(c.from),
          ...(c.attempt && { ':count': n(c.attempt.number), ':head': s(c.attempt.attemptId) }),
          ...(final && { ':at': s(at) }),
        },
      });
    }
  }
}
