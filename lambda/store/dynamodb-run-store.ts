/**
 * The DynamoDB adapter of the RunStore port. Instances and attempts are items of the objects table under
 * their pipeline; an attempt a runner may take carries `readyKey` (account and worker group) and
 * `availableAt`, which put it in the ready index; while RUNNING it keeps them, `availableAt` then being the end
 * of its lease, so that any later poller sees when a lease has passed; once ended it keeps them until the run
 * has moved on (`availableAt` then being when a poller may do that in place of a call that died). Every write is a single-item
 * conditional write; docs/behaviour.md (§8) gives the order that makes each call crash-safe.
 */
import { ON_DEMAND_MARKER_PREFIX, SCHEDULE_MARKER_PREFIX } from '../definitions/limits';
import {
  ConditionalCheckFailedException,
  type DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  QueryCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import type { Field } from '../definitions/definition';
import { batchGetAll, batchWriteAll, queryAll } from './dynamodb-requests';
import type { Attempt, AttemptStatus, Instance, InstanceStatus } from '../runs/run-model';
import { healthOf, HealthStatus, InstanceChange } from '../runs/transitions';
import { componentOfInstance, FINAL_INSTANCE_STATUSES, runStartOfInstance } from '../runs/run-model';
import { hourOf } from './run-store';
import type {
  Candidate,
  Claim,
  MarkerKind,
  ProgressResult,
  RunnerRecord,
  RunnersSeen,
  RunStore,
  RunSummary,
  ScheduleMarker,
  StoredAttempt,
  StoredInstance,
} from './run-store';
import { ATTR, EXPIRY_ATTRIBUTE, READY_INDEX, TableNames } from './tables';
import { Item, n, optionalStr, s, str } from './item-codec';

/** How long a runner's heartbeat is kept: the console shows the last hour's. */
const RUNNER_RECORD_SECONDS = 24 * 3600;

const readyKeyOf = (accountId: string, workerGroup: string) => `${accountId}#${workerGroup}`;

const instanceItem = (pipelineId: string, runId: string, i: Instance, openedAt: string): Item => ({
  ...(i.pending !== undefined && i.pending.length > 0 && { [ATTR.pending]: { SS: [...i.pending] } }),
  ...(i.headAttempt !== undefined && { [ATTR.headAttempt]: s(i.headAttempt) }),
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

const attemptItem = (pipelineId: string, accountId: string, a: Attempt, openedAt = a.run.openedAt): Item => ({
  ...(openedAt !== undefined && { [ATTR.runOpenedAt]: s(openedAt) }),
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
  [ATTR.settings]: s(JSON.stringify(a.run.settings)),
  [ATTR.scheduledStartTime]: s(a.run.scheduledStartTime),
  [ATTR.scheduledEndTime]: s(a.run.scheduledEndTime),
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
  ...(item[ATTR.pending]?.SS !== undefined && { pending: item[ATTR.pending].SS }),
  ...(str(item, ATTR.cascadeFailedOn) !== undefined && { cascadeFailedOn: str(item, ATTR.cascadeFailedOn) }),
});

const SUMMARY_ID = '#summary';
const HEALTH_PREFIX = 'health#';
/** `<instanceId> <ISO time>` of the instance the health comes from (split at the last space: the time has none). */
const HEALTH_FROM_PREFIX = 'healthFrom#';
const COMPLETED_PREFIX = 'completed#';
const PERIOD_PREFIX = 'period#';

const prefixed = (item: Item | undefined, prefix: string): Record<string, string> =>
  Object.fromEntries(
    Object.entries(item ?? {})
      .filter(([k, v]) => k.startsWith(prefix) && v.S !== undefined)
      .map(([k, v]) => [k.slice(prefix.length), v.S!]),
  );

const toSummary = (item: Item | undefined): RunSummary => ({
  open: item?.[ATTR.open]?.SS ?? [],
  health: prefixed(item, HEALTH_PREFIX) as Record<string, HealthStatus>,
  healthFrom: Object.fromEntries(
    Object.entries(prefixed(item, HEALTH_FROM_PREFIX)).map(([c, v]) => [
      c,
      { instanceId: v.slice(0, v.lastIndexOf(' ')), at: v.slice(v.lastIndexOf(' ') + 1) },
    ]),
  ),
  completed: prefixed(item, COMPLETED_PREFIX),
  periods: prefixed(item, PERIOD_PREFIX),
  ...(str(item ?? {}, ATTR.lastRunStart) !== undefined && { lastRunStart: str(item!, ATTR.lastRunStart) }),
  ...(str(item ?? {}, ATTR.pendingRun) !== undefined && { pendingRun: str(item!, ATTR.pendingRun) }),
});

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
    run: {
      settings: JSON.parse(str(item, ATTR.settings) ?? '{}'),
      scheduledStartTime: str(item, ATTR.scheduledStartTime) ?? '',
      scheduledEndTime: str(item, ATTR.scheduledEndTime) ?? str(item, ATTR.scheduledStartTime) ?? '',
      ...optionalStr(item, ATTR.runOpenedAt, 'openedAt'),
    },
    ...(status === 'RUNNING' && str(item, ATTR.availableAt) !== undefined && { leaseUntil: str(item, ATTR.availableAt) }),
    ...optionalStr(item, ATTR.taskId, 'taskId'),
    ...optionalStr(item, ATTR.hostname, 'hostname'),
    ...optionalStr(item, ATTR.actualStartTime, 'actualStartTime'),
    ...optionalStr(item, ATTR.endTime, 'actualEndTime'),
    ...optionalStr(item, ATTR.errorId, 'errorId'),
    ...optionalStr(item, ATTR.errorMessage, 'errorMessage'),
    ...optionalStr(item, ATTR.errorStackTrace, 'errorStackTrace'),
    ...(item[ATTR.acknowledged]?.BOOL !== undefined && { acknowledged: item[ATTR.acknowledged].BOOL }),
    ...(str(item, ATTR.reported) !== undefined && { reported: JSON.parse(str(item, ATTR.reported)!) as Field[] }),
    ...optionalStr(item, ATTR.reportProgressTime, 'reportProgressTime'),
  };
};

const SCHEDULE = 'SCHEDULE';
/** A marker's object id: `#` sorts before `@`, so markers come first in the pipeline's partition. */
const markerIdOf = (workerGroup: string, kind: MarkerKind = 'schedule') =>
  `${kind === 'schedule' ? SCHEDULE_MARKER_PREFIX : ON_DEMAND_MARKER_PREFIX}${workerGroup}`;

const toMarker = (item: Item): ScheduleMarker => ({
  pipelineId: str(item, ATTR.pipelineId)!,
  markerId: str(item, ATTR.objectId)!,
  workerGroup: str(item, ATTR.workerGroup) ?? '',
  firstActivation: str(item, ATTR.firstActivation) ?? '',
  ...optionalStr(item, ATTR.availableAt, 'availableAt'),
  ...optionalStr(item, ATTR.resumeFrom, 'resumeFrom'),
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

  /** Puts the item unless one with its key exists (a retry leaves the first write, and what happened since, in place). */
  private async putIfAbsent(item: Item): Promise<void> {
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
    } catch (err) {
      if (!(err instanceof ConditionalCheckFailedException)) throw err;
    }
  }

  /** An UpdateItem on an object on a condition; false when the condition did not hold. */
  private async update(
    pipelineId: string,
    objectId: string,
    update: { expression: string; condition?: string; names: Record<string, string>; values: Item },
  ): Promise<boolean> {
    try {
      await this.client.send(
        new UpdateItemCommand({
          TableName: this.tables.objects,
          Key: this.key(pipelineId, objectId),
          UpdateExpression: update.expression,
          ConditionExpression: update.condition, // the SDK leaves out a member that is undefined
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

  /**
   * Runners are items of the objects table under partitions of their own (no pipeline id starts with #): one per
   * account and hour, the hour of the heartbeat (`2026-12-07T10`), so that a read of recent runners reads recent
   * hours only, whatever the account's history. Each item expires a day after its heartbeat (the table's TTL).
   */
  private runnersPartition(accountId: string, hour: string): string {
    return `#runners#${accountId}#${hour}`;
  }

  async recordRunner(accountId: string, r: RunnerRecord): Promise<void> {
    await this.client.send(
      new PutItemCommand({
        TableName: this.tables.objects,
        Item: {
          ...this.key(this.runnersPartition(accountId, hourOf(r.at)), r.taskrunnerId),
          [ATTR.sphere]: s('RUNNER'),
          [ATTR.lastHeartbeat]: s(r.at),
          [EXPIRY_ATTRIBUTE]: n(Math.floor(Date.parse(r.at) / 1000) + RUNNER_RECORD_SECONDS),
          ...(r.workerGroup !== undefined && { [ATTR.workerGroup]: s(r.workerGroup) }),
          ...(r.hostname !== undefined && { [ATTR.hostname]: s(r.hostname) }),
        },
      }),
      { abortSignal: this.signal },
    );
  }

  async runnersSeen(accountId: string, hours: readonly string[], limitPerHour: number): Promise<RunnersSeen> {
    const pages = await Promise.all(
      hours.map((hour) =>
        this.client.send(
          new QueryCommand({
            TableName: this.tables.objects,
            KeyConditionExpression: '#pid = :pid',
            ExpressionAttributeNames: { '#pid': ATTR.pipelineId },
            ExpressionAttributeValues: { ':pid': s(this.runnersPartition(accountId, hour)) },
            Limit: limitPerHour + 1, // one more than kept: whether the hour has more than the limit
            ConsistentRead: true,
          }),
          { abortSignal: this.signal },
        ),
      ),
    );
    const runners = pages.flatMap((page) =>
      (page.Items ?? []).slice(0, limitPerHour).map((i) => ({
        taskrunnerId: str(i, ATTR.objectId)!,
        at: str(i, ATTR.lastHeartbeat) ?? '',
        ...optionalStr(i, ATTR.workerGroup, 'workerGroup'),
        ...optionalStr(i, ATTR.hostname, 'hostname'),
      })),
    );
    return { runners, truncated: pages.some((page) => (page.Items ?? []).length > limitPerHour) };
  }

  async purgeRuns(pipelineId: string): Promise<void> {
    // Every item of the pipeline's partition: instances, attempts, markers and the run summary.
    const items = await queryAll(
      this.client,
      {
        TableName: this.tables.objects,
        KeyConditionExpression: '#pid = :pid',
        ExpressionAttributeNames: { '#pid': ATTR.pipelineId, '#oid': ATTR.objectId },
        ExpressionAttributeValues: { ':pid': s(pipelineId) },
        ProjectionExpression: '#pid, #oid',
        ConsistentRead: true,
      },
      this.signal,
    );
    await batchWriteAll(
      this.client,
      this.tables.objects,
      items.map((i) => ({ DeleteRequest: { Key: this.key(pipelineId, str(i, ATTR.objectId)!) } })),
      this.signal,
    );
  }

  async startRun(
    pipelineId: string,
    accountId: string,
    runId: string,
    instances: readonly Instance[],
    attempts: readonly Attempt[],
    openedAt = runId,
  ): Promise<void> {
    for (const i of instances) await this.putIfAbsent(instanceItem(pipelineId, runId, i, openedAt));
    for (const a of attempts) await this.putIfAbsent(attemptItem(pipelineId, accountId, a, openedAt));
  }

  async armSchedule(
    pipelineId: string,
    accountId: string,
    workerGroup: string,
    availableAt: string,
    firstActivation: string,
    resumeFrom?: string,
    kind: MarkerKind = 'schedule',
  ): Promise<void> {
    await this.client.send(
      new UpdateItemCommand({
        TableName: this.tables.objects,
        Key: this.key(pipelineId, markerIdOf(workerGroup, kind)),
        UpdateExpression: `SET #sphere = :schedule, #status = :schedule, #wg = :wg, #rk = :rk, #at = :at, #first = if_not_exists(#first, :first)${resumeFrom !== undefined ? ', #resume = :resume' : ' REMOVE #resume'}`,
        ExpressionAttributeNames: {
          '#sphere': ATTR.sphere,
          '#status': ATTR.status,
          '#wg': ATTR.workerGroup,
          '#rk': ATTR.readyKey,
          '#at': ATTR.availableAt,
          '#first': ATTR.firstActivation,
          '#resume': ATTR.resumeFrom,
        },
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

  disarmSchedule(pipelineId: string, workerGroup: string, availableAt: string, kind: MarkerKind = 'schedule'): Promise<boolean> {
    return this.advanceSchedule({ pipelineId, attemptId: markerIdOf(workerGroup, kind), availableAt, status: 'SCHEDULE' }, undefined);
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

  async claim(c: Candidate, claim: Claim): Promise<StoredAttempt | undefined> {
    try {
      const res = await this.client.send(
        new UpdateItemCommand({
          TableName: this.tables.objects,
          Key: this.key(c.pipelineId, c.attemptId),
          UpdateExpression:
            'SET #status = :running, #task = :task, #start = :at, #at = :lease, #ack = :false' + (claim.hostname !== undefined ? ', #host = :host' : ''),
          // The arbiter between pollers: the attempt as this poller read it, still waiting, still in the index.
          ConditionExpression: '#status = :waiting AND #at = :seen AND attribute_exists(#rk)',
          ExpressionAttributeNames: {
            '#status': ATTR.status,
            '#task': ATTR.taskId,
            '#start': ATTR.actualStartTime,
            '#at': ATTR.availableAt,
            '#ack': ATTR.acknowledged,
            '#rk': ATTR.readyKey,
            ...(claim.hostname !== undefined && { '#host': ATTR.hostname }),
          },
          ExpressionAttributeValues: {
            ':running': s('RUNNING'),
            ':waiting': s('WAITING_FOR_RUNNER'),
            ':task': s(claim.taskId),
            ':at': s(claim.at),
            ':lease': s(claim.leaseUntil),
            ':seen': s(c.availableAt),
            ':false': { BOOL: false },
            ...(claim.hostname !== undefined && { ':host': s(claim.hostname) }),
          },
          ReturnValues: 'ALL_NEW',
        }),
        { abortSignal: this.signal },
      );
      return res.Attributes ? toAttempt(res.Attributes) : undefined;
    } catch (err) {
      if (err instanceof ConditionalCheckFailedException) return undefined;
      throw err;
    }
  }

  setLease(pipelineId: string, attemptId: string, taskId: string, leaseUntil: string): Promise<boolean> {
    return this.update(pipelineId, attemptId, {
      expression: 'SET #at = :lease',
      condition: '#status = :running AND #task = :task',
      names: { '#status': ATTR.status, '#task': ATTR.taskId, '#at': ATTR.availableAt },
      values: { ':running': s('RUNNING'), ':task': s(taskId), ':lease': s(leaseUntil) },
    });
  }

  async parkClaimed(c: Candidate, taskId: string): Promise<void> {
    await this.update(c.pipelineId, c.attemptId, {
      expression: 'SET #status = :waiting, #at = :seen, #parked = #rk REMOVE #rk, #task, #start, #ack, #host',
      condition: '#status = :running AND #task = :task',
      names: {
        '#status': ATTR.status,
        '#at': ATTR.availableAt,
        '#parked': ATTR.parkedKey,
        '#rk': ATTR.readyKey,
        '#task': ATTR.taskId,
        '#start': ATTR.actualStartTime,
        '#ack': ATTR.acknowledged,
        '#host': ATTR.hostname,
      },
      values: { ':waiting': s('WAITING_FOR_RUNNER'), ':running': s('RUNNING'), ':seen': s(c.availableAt), ':task': s(taskId) },
    });
  }

  park(pipelineId: string, attemptId: string): Promise<boolean> {
    return this.update(pipelineId, attemptId, {
      expression: 'SET #parked = #rk REMOVE #rk',
      condition: '#status = :waiting AND attribute_exists(#rk)',
      names: { '#status': ATTR.status, '#parked': ATTR.parkedKey, '#rk': ATTR.readyKey },
      values: { ':waiting': s('WAITING_FOR_RUNNER') },
    });
  }

  unpark(pipelineId: string, attemptId: string): Promise<boolean> {
    return this.update(pipelineId, attemptId, {
      expression: 'SET #rk = #parked REMOVE #parked',
      condition: 'attribute_exists(#parked)',
      names: { '#parked': ATTR.parkedKey, '#rk': ATTR.readyKey },
      values: {},
    });
  }

  async release(c: Candidate, taskId: string): Promise<void> {
    await this.update(c.pipelineId, c.attemptId, {
      expression: 'SET #status = :waiting, #at = :seen REMOVE #task, #start, #ack, #host',
      condition: '#status = :running AND #task = :task',
      names: {
        '#status': ATTR.status,
        '#at': ATTR.availableAt,
        '#task': ATTR.taskId,
        '#start': ATTR.actualStartTime,
        '#ack': ATTR.acknowledged,
        '#host': ATTR.hostname,
      },
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

  async reportProgress(
    pipelineId: string,
    attemptId: string,
    taskId: string,
    leaseUntil: string,
    fields: readonly Field[],
    at: string,
  ): Promise<ProgressResult> {
    const renewed = await this.update(pipelineId, attemptId, {
      expression: `SET #at = :lease, #ack = :true, #rpt = :now${fields.length > 0 ? ', #rep = :rep' : ''}`,
      condition: '#status = :running AND #task = :task',
      names: {
        '#status': ATTR.status,
        '#task': ATTR.taskId,
        '#at': ATTR.availableAt,
        '#ack': ATTR.acknowledged,
        '#rpt': ATTR.reportProgressTime,
        ...(fields.length > 0 && { '#rep': ATTR.reported }),
      },
      values: {
        ':running': s('RUNNING'),
        ':task': s(taskId),
        ':lease': s(leaseUntil),
        ':true': { BOOL: true },
        ':now': s(at),
        ...(fields.length > 0 && { ':rep': s(JSON.stringify(fields)) }),
      },
    });
    if (renewed) return 'ok';
    const attempt = await this.getAttempt(pipelineId, attemptId);
    return attempt?.status === 'CANCELED' ? 'canceled' : 'lost';
  }

  instanceStarted(pipelineId: string, instanceId: string, attemptId: string): Promise<boolean> {
    return this.update(pipelineId, instanceId, {
      expression: 'SET #status = :running, #head = :head',
      condition: '#status IN (:waiting, :deps)',
      names: { '#status': ATTR.status, '#head': ATTR.headAttempt },
      values: { ':running': s('RUNNING'), ':head': s(attemptId), ':waiting': s('WAITING_FOR_RUNNER'), ':deps': s('WAITING_ON_DEPENDENCIES') },
    });
  }

  async apply(pipelineId: string, accountId: string, changes: readonly InstanceChange[], at: string): Promise<boolean[]> {
    const held: boolean[] = [];
    for (const c of changes) {
      // The attempt first: it is what runners take, and a crash before the instance's own change leaves work a
      // runner can still do (the instance catches up when its attempt is claimed).
      if (c.attempt) await this.putIfAbsent(attemptItem(pipelineId, accountId, c.attempt));
      const final = FINAL_INSTANCE_STATUSES.includes(c.to);
      const values: Item = { ':to': s(c.to) };
      c.from.forEach((f, i) => (values[`:f${i}`] = s(f)));
      const names: Record<string, string> = { '#status': ATTR.status };
      const set = ['#status = :to'];
      const remove: string[] = [];
      if (c.attempt) {
        Object.assign(names, { '#count': ATTR.attemptCount, '#head': ATTR.headAttempt });
        Object.assign(values, { ':count': n(c.attempt.number), ':head': s(c.attempt.attemptId) });
        set.push('#count = :count', '#head = :head');
      }
      names['#end'] = ATTR.endTime;
      if (final) {
        values[':at'] = s(at);
        set.push('#end = :at');
      } else remove.push('#end'); // live again (a rerun): it has not ended
      if (c.to === 'CASCADE_FAILED' && c.cascadeFailedOn !== undefined) {
        Object.assign(names, { '#cfo': ATTR.cascadeFailedOn });
        values[':cfo'] = s(c.cascadeFailedOn);
        set.push('#cfo = :cfo');
      } else if (!final) {
        names['#cfo'] = ATTR.cascadeFailedOn; // a rerun: it no longer follows that failure
        remove.push('#cfo');
      }
      if (c.to !== 'WAITING_ON_DEPENDENCIES' || (c.pending ?? []).length > 0) names['#pending'] = ATTR.pending;
      if (c.to === 'WAITING_ON_DEPENDENCIES' && (c.pending ?? []).length > 0) {
        values[':pending'] = { SS: [...c.pending!] };
        set.push('#pending = :pending');
      } else if (c.to !== 'WAITING_ON_DEPENDENCIES') remove.push('#pending');
      const conditions = [`#status IN (${c.from.map((_, i) => `:f${i}`).join(', ')})`];
      if (c.head !== undefined) {
        names['#head'] = ATTR.headAttempt;
        values[':was'] = s(c.head);
        conditions.push('#head = :was');
      }
      const applied = await this.update(pipelineId, c.instanceId, {
        expression: `SET ${set.join(', ')}${remove.length > 0 ? ` REMOVE ${remove.join(', ')}` : ''}`,
        condition: conditions.join(' AND '),
        names,
        values,
      });
      // The summary follows the instance; a retry whose instance write finds it done already still writes it
      // (a crash may have come between the two), provided the instance is in the status this change gave it.
      const now = applied ? undefined : await this.getInstance(pipelineId, c.instanceId);
      const done = applied || (now?.status === c.to && (c.head === undefined || now.headAttempt === c.head));
      held.push(done);
      if (done && final) await this.instanceEnded(pipelineId, c.instanceId, c.to, at);
      else if (done && (c.to === 'WAITING_FOR_RUNNER' || c.to === 'WAITING_ON_DEPENDENCIES') && c.from.every((f) => FINAL_INSTANCE_STATUSES.includes(f))) {
        await this.instancesOpened(pipelineId, [c.instanceId]); // a rerun: live again
      }
    }
    return held;
  }

  /**
   * A final instance leaves the open set; its component's health is what it ended as, from it, now; FINISHED, its
   * run is the component's latest completed one. (Prefixed attributes: the ids are the components'.)
   */
  private async instanceEnded(pipelineId: string, instanceId: string, status: InstanceStatus, at: string): Promise<void> {
    const component = componentOfInstance(instanceId);
    const finished = status === 'FINISHED';
    await this.client.send(
      new UpdateItemCommand({
        TableName: this.tables.objects,
        Key: this.key(pipelineId, SUMMARY_ID),
        UpdateExpression: `DELETE #open :id SET #health = :health, #from = :from${finished ? ', #done = :run' : ''}`,
        ExpressionAttributeNames: {
          '#open': ATTR.open,
          '#health': `${HEALTH_PREFIX}${component}`,
          '#from': `${HEALTH_FROM_PREFIX}${component}`,
          ...(finished && { '#done': `${COMPLETED_PREFIX}${component}` }),
        },
        ExpressionAttributeValues: {
          ':id': { SS: [instanceId] },
          ':health': s(healthOf(status)),
          ':from': s(`${instanceId} ${at}`),
          ...(finished && { ':run': s(runStartOfInstance(instanceId)) }),
        },
      }),
      { abortSignal: this.signal },
    );
  }

  async instancesOpened(pipelineId: string, instanceIds: readonly string[], pendingRun?: string): Promise<boolean> {
    if (instanceIds.length === 0 && pendingRun === undefined) return true;
    return this.update(pipelineId, SUMMARY_ID, {
      expression: `${instanceIds.length > 0 ? 'ADD #open :ids ' : ''}${pendingRun !== undefined ? 'REMOVE #pending' : ''}`.trim(),
      ...(pendingRun !== undefined && { condition: '#pending = :pending' }),
      names: { ...(instanceIds.length > 0 && { '#open': ATTR.open }), ...(pendingRun !== undefined && { '#pending': ATTR.pendingRun }) },
      values: { ...(instanceIds.length > 0 && { ':ids': { SS: [...new Set(instanceIds)] } }), ...(pendingRun !== undefined && { ':pending': s(pendingRun) }) },
    });
  }

  async periodOpened(pipelineId: string, scheduleId: string, start: string): Promise<void> {
    await this.update(pipelineId, SUMMARY_ID, {
      expression: 'SET #p = :start',
      condition: 'attribute_not_exists(#p) OR #p < :start',
      names: { '#p': `${PERIOD_PREFIX}${scheduleId}` },
      values: { ':start': s(start) },
    });
  }

  async summary(pipelineId: string): Promise<RunSummary> {
    const { Item } = await this.client.send(
      new GetItemCommand({ TableName: this.tables.objects, Key: this.key(pipelineId, SUMMARY_ID), ConsistentRead: true }),
      { abortSignal: this.signal },
    );
    return toSummary(Item);
  }

  async summaries(pipelineIds: readonly string[]): Promise<Map<string, RunSummary>> {
    const items = await batchGetAll(
      this.client,
      this.tables.objects,
      pipelineIds.map((id) => this.key(id, SUMMARY_ID)),
      this.signal,
    );
    const byId = new Map(items.map((i) => [str(i, ATTR.pipelineId)!, i]));
    return new Map(pipelineIds.map((id) => [id, toSummary(byId.get(id))]));
  }

  reserveRun(pipelineId: string, start: string, lastSeen: string | undefined): Promise<boolean> {
    return this.update(pipelineId, SUMMARY_ID, {
      expression: 'SET #last = :start, #pending = :start',
      condition: `${lastSeen === undefined ? 'attribute_not_exists(#last)' : '#last = :seen'} AND attribute_not_exists(#pending)`,
      names: { '#last': ATTR.lastRunStart, '#pending': ATTR.pendingRun },
      values: { ':start': s(start), ...(lastSeen !== undefined && { ':seen': s(lastSeen) }) },
    });
  }

  async dependencyFinished(pipelineId: string, instanceId: string, finished: string): Promise<StoredInstance | undefined> {
    try {
      const res = await this.client.send(
        new UpdateItemCommand({
          TableName: this.tables.objects,
          Key: this.key(pipelineId, instanceId),
          UpdateExpression: 'DELETE #pending :done',
          ConditionExpression: 'contains(#pending, :one) AND #status = :waiting',
          ExpressionAttributeNames: { '#pending': ATTR.pending, '#status': ATTR.status },
          ExpressionAttributeValues: { ':done': { SS: [finished] }, ':one': s(finished), ':waiting': s('WAITING_ON_DEPENDENCIES') },
          ReturnValues: 'ALL_NEW',
        }),
        { abortSignal: this.signal },
      );
      const after = res.Attributes ? toInstance(res.Attributes) : undefined;
      return after && (after.pending ?? []).length === 0 ? after : undefined;
    } catch (err) {
      if (!(err instanceof ConditionalCheckFailedException)) throw err;
      // Heard already (a retry), or not waiting: if it waits on nothing more, whoever emptied its set may have
      // died before making it ready, so this caller does (the change is conditional: it happens once).
      const now = await this.getInstance(pipelineId, instanceId);
      return now?.status === 'WAITING_ON_DEPENDENCIES' && (now.pending ?? []).length === 0 ? now : undefined;
    }
  }

  async getInstances(pipelineId: string, instanceIds: readonly string[]): Promise<StoredInstance[]> {
    const items = await batchGetAll(
      this.client,
      this.tables.objects,
      [...new Set(instanceIds)].map((id) => this.key(pipelineId, id)),
      this.signal,
    );
    return items.filter((i) => str(i, ATTR.sphere) === 'INSTANCE').map(toInstance);
  }

  async getObjects(pipelineId: string, objectIds: readonly string[]): Promise<{ instances: StoredInstance[]; attempts: StoredAttempt[] }> {
    const items = await batchGetAll(
      this.client,
      this.tables.objects,
      [...new Set(objectIds)].filter((id) => id.startsWith('@')).map((id) => this.key(pipelineId, id)),
      this.signal,
    );
    return {
      instances: items.filter((i) => str(i, ATTR.sphere) === 'INSTANCE').map(toInstance),
      attempts: items.filter((i) => str(i, ATTR.sphere) === 'ATTEMPT').map(toAttempt),
    };
  }

  async markersOf(pipelineId: string): Promise<ScheduleMarker[]> {
    const res = await this.client.send(
      new QueryCommand({
        TableName: this.tables.objects,
        KeyConditionExpression: '#pid = :pid AND begins_with(#oid, :prefix)',
        ExpressionAttributeNames: { '#pid': ATTR.pipelineId, '#oid': ATTR.objectId },
        ExpressionAttributeValues: { ':pid': s(pipelineId), ':prefix': s(SCHEDULE_MARKER_PREFIX) },
        ConsistentRead: true,
      }),
      { abortSignal: this.signal },
    );
    return (res.Items ?? []).map(toMarker);
  }

  async pageObjects(
    pipelineId: string,
    after: string | undefined,
    limit: number,
  ): Promise<{ instances: StoredInstance[]; attempts: StoredAttempt[]; next?: string }> {
    const res = await this.client.send(
      new QueryCommand({
        TableName: this.tables.objects,
        KeyConditionExpression: after === undefined ? '#pid = :pid AND begins_with(#oid, :at)' : '#pid = :pid AND #oid > :after',
        ExpressionAttributeNames: { '#pid': ATTR.pipelineId, '#oid': ATTR.objectId },
        ExpressionAttributeValues: { ':pid': s(pipelineId), ...(after === undefined ? { ':at': s('@') } : { ':after': s(after) }) },
        ConsistentRead: true,
        Limit: limit,
      }),
      { abortSignal: this.signal },
    );
    const items = (res.Items ?? []).filter((i) => str(i, ATTR.objectId)!.startsWith('@'));
    const last = res.LastEvaluatedKey ? str(res.LastEvaluatedKey, ATTR.objectId) : undefined;
    return {
      instances: items.filter((i) => str(i, ATTR.sphere) === 'INSTANCE').map(toInstance),
      attempts: items.filter((i) => str(i, ATTR.sphere) === 'ATTEMPT').map(toAttempt),
      ...(last !== undefined && { next: last }),
    };
  }

  async finishAttempt(
    pipelineId: string,
    attemptId: string,
    taskId: string,
    completion: { status: string; endTime: string; errorId?: string; errorMessage?: string; errorStackTrace?: string },
  ): Promise<boolean> {
    const names: Record<string, string> = { '#status': ATTR.status, '#end': ATTR.endTime, '#task': ATTR.taskId, '#rk': ATTR.readyKey, '#at': ATTR.availableAt };
    const values: Item = {
      ':status': s(completion.status),
      ':end': s(completion.endTime),
      ':running': s('RUNNING'),
      ':timedout': s('TIMEDOUT'),
      ':task': s(taskId),
    };
    const set = ['#status = :status', '#end = :end'];
    const remove = ['#rk', '#at'];
    for (const [attr, value] of [
      [ATTR.errorId, completion.errorId],
      [ATTR.errorMessage, completion.errorMessage],
      [ATTR.errorStackTrace, completion.errorStackTrace],
    ] as const) {
      names[`#${attr}`] = attr;
      if (value !== undefined) {
        values[`:${attr}`] = s(value);
        set.push(`#${attr} = :${attr}`);
      } else remove.push(`#${attr}`);
    }
    return this.update(pipelineId, attemptId, {
      expression: `SET ${set.join(', ')} REMOVE ${remove.join(', ')}`,
      // TIMEDOUT too: a lease given up whose task the runner's SetTaskStatus won (run-progress.ts settleAttempt).
      condition: '#status IN (:running, :timedout) AND #task = :task',
      names,
      values,
    });
  }
}
