/**
 * The concurrency conditions of the store adapters, each clause held by a case that fails without it (issue 20):
 * the claim, the lease (renewal, release, parking, expiry, progress, the task's own completion), the join (a
 * dependency leaving its dependent's pending set) and the deletes (an attempt or task canceled, a pipeline marked
 * deleted). Each case calls the adapter itself on a real engine, in the state where one clause alone decides, so
 * `npm run mutate:conditions` can judge a mutant in seconds; the races through whole calls are in runs.test.ts,
 * run-engine.test.ts and atomicity.test.ts.
 */
import { randomBytes } from 'node:crypto';
import { GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { startTestEngine, TestEngine } from '../support/engine';
import { dynamoDbClient } from '../../local/dynamodb';
import { DynamoDbRunStore } from '../../lambda/store/dynamodb-run-store';
import { DynamoDbTaskStore } from '../../lambda/store/dynamodb-task-store';
import { DynamoDbPipelineStore } from '../../lambda/store/dynamodb-pipeline-store';
import { ATTR, TABLES } from '../../lambda/store/tables';
import type { Candidate } from '../../lambda/store/run-store';
import type { Attempt, Instance } from '../../lambda/runs/run-model';
import type { ActivitySettings } from '../../lambda/definitions/activity-settings';

let engine: TestEngine;
let runs: DynamoDbRunStore;
let tasks: DynamoDbTaskStore;
let pipelines: DynamoDbPipelineStore;
beforeAll(async () => {
  engine = await startTestEngine();
  runs = new DynamoDbRunStore(engine.client, engine.names);
  tasks = new DynamoDbTaskStore(engine.client, engine.names);
  pipelines = new DynamoDbPipelineStore(engine.client, engine.names);
});
afterAll(() => engine.close());

const ACCOUNT = '123456789012';
const GROUP = 'wg-conditions';
const OPENED = '2026-01-01T00:00:00.000Z';
const LATER = '2026-01-01T01:00:00.000Z';
const SETTINGS: ActivitySettings = {
  workerGroup: GROUP,
  maximumRetries: 0,
  retryDelayMs: 0,
  reportProgressTimeoutMs: 0,
  acknowledgeTimeoutMs: 0,
  cascade: false,
  dependsOn: [],
};

/** A fresh pipeline with one instance of A and its first attempt, waiting for a runner from `availableAt`. */
const waitingAttempt = async (availableAt = OPENED) => {
  const pipelineId = `df-${randomBytes(8).toString('hex')}`;
  const instanceId = '@A_2026-01-01T00:00:00';
  const instance: Instance = {
    instanceId,
    componentId: 'A',
    status: 'WAITING_FOR_RUNNER',
    settings: SETTINGS,
    scheduledStartTime: OPENED,
    scheduledEndTime: OPENED,
    attemptCount: 1,
    headAttempt: `${instanceId}_Attempt=1`,
  };
  const attempt: Attempt = {
    attemptId: `${instanceId}_Attempt=1`,
    instanceId,
    componentId: 'A',
    number: 1,
    status: 'WAITING_FOR_RUNNER',
    workerGroup: GROUP,
    availableAt,
    run: { settings: SETTINGS, scheduledStartTime: OPENED, scheduledEndTime: OPENED },
  };
  await runs.startRun(pipelineId, ACCOUNT, OPENED, [instance], [attempt]);
  const candidate: Candidate = { pipelineId, attemptId: attempt.attemptId, availableAt, status: 'WAITING_FOR_RUNNER' };
  return { pipelineId, attemptId: attempt.attemptId, instanceId, candidate, instance, attempt };
};

/** An instance of C waiting on A and B. */
const waitingOnTwo = async () => {
  const pipelineId = `df-${randomBytes(8).toString('hex')}`;
  const instance: Instance = {
    instanceId: '@C_2026-01-01T00:00:00',
    componentId: 'C',
    status: 'WAITING_ON_DEPENDENCIES',
    settings: SETTINGS,
    scheduledStartTime: OPENED,
    scheduledEndTime: OPENED,
    attemptCount: 0,
    pending: ['A', 'B'],
  };
  await runs.startRun(pipelineId, ACCOUNT, OPENED, [instance], []);
  return { pipelineId, instanceId: instance.instanceId };
};

const claimOf = (taskId: string, hostname?: string) => ({ taskId, at: OPENED, leaseUntil: LATER, ...(hostname !== undefined && { hostname }) });

/** An attempt claimed by task `held`. */
const claimedAttempt = async (held = 'task-held') => {
  const w = await waitingAttempt();
  expect(await runs.claim(w.candidate, claimOf(held))).toBeDefined();
  return w;
};

/** Whether the ready index offers the attempt to a poller of its worker group (at any time up to 9999). */
const offered = async (w: { pipelineId: string; attemptId: string }) =>
  (await runs.candidates(ACCOUNT, GROUP, '9999-01-01T00:00:00.000Z', 1000)).some((c) => c.pipelineId === w.pipelineId && c.attemptId === w.attemptId);

const rawItem = async (pipelineId: string, objectId: string) =>
  (
    await engine.client.send(
      new GetItemCommand({
        TableName: engine.names.objects,
        Key: { [ATTR.pipelineId]: { S: pipelineId }, [ATTR.objectId]: { S: objectId } },
        ConsistentRead: true,
      }),
    )
  ).Item;

describe('claim: the arbiter between pollers', () => {
  it('of two pollers claiming one attempt at once, exactly one gets it, and the attempt is held by its task', async () => {
    const w = await waitingAttempt();
    const [a, b] = await Promise.all([runs.claim(w.candidate, claimOf('task-a')), runs.claim(w.candidate, claimOf('task-b'))]);
    expect([a, b].filter((x) => x !== undefined)).toHaveLength(1);
    const winner = (a ?? b)!;
    // The whole attempt, as the poll needs it to make the task (not only what the claim wrote).
    expect(winner).toMatchObject({
      pipelineId: w.pipelineId,
      attemptId: w.attemptId,
      instanceId: w.instanceId,
      componentId: 'A',
      number: 1,
      workerGroup: GROUP,
      run: w.attempt.run,
      status: 'RUNNING',
      leaseUntil: LATER,
      actualStartTime: OPENED,
      acknowledged: false,
    });
    expect((await runs.getAttempt(w.pipelineId, w.attemptId))?.taskId).toBe(winner.taskId);
  });

  it('a second claim of the same candidate, after the first, gets nothing', async () => {
    const w = await waitingAttempt();
    expect(await runs.claim(w.candidate, claimOf('task-a'))).toBeDefined();
    expect(await runs.claim(w.candidate, claimOf('task-b'))).toBeUndefined();
    expect((await runs.getAttempt(w.pipelineId, w.attemptId))?.taskId).toBe('task-a');
  });

  it('a candidate read before the attempt moved on (another availableAt) gets nothing: #at = :seen', async () => {
    const w = await waitingAttempt();
    expect(await runs.claim({ ...w.candidate, availableAt: LATER }, claimOf('task-a'))).toBeUndefined();
    expect((await runs.getAttempt(w.pipelineId, w.attemptId))?.status).toBe('WAITING_FOR_RUNNER');
  });

  it('an attempt out of the ready index (parked) is not claimed: attribute_exists(#rk)', async () => {
    const w = await waitingAttempt();
    expect(await runs.park(w.pipelineId, w.attemptId)).toBe(true);
    expect(await runs.claim(w.candidate, claimOf('task-a'))).toBeUndefined();
    expect((await runs.getAttempt(w.pipelineId, w.attemptId))?.status).toBe('WAITING_FOR_RUNNER');
  });

  it('an attempt that is not waiting is not claimed, even where its availableAt is the one read: #status = :waiting', async () => {
    const w = await claimedAttempt('task-a');
    // Running, still in the index, its availableAt now the lease's end: a candidate read as that is not a claim.
    expect(await runs.claim({ ...w.candidate, availableAt: LATER }, claimOf('task-b'))).toBeUndefined();
    expect((await runs.getAttempt(w.pipelineId, w.attemptId))?.taskId).toBe('task-a');
  });

  it("keeps the runner's hostname when it gives one, and none when it does not", async () => {
    const w = await waitingAttempt();
    expect((await runs.claim(w.candidate, claimOf('task-a', 'host-1')))?.hostname).toBe('host-1');
    const v = await waitingAttempt();
    const claimed = await runs.claim(v.candidate, claimOf('task-b'));
    expect(claimed).toBeDefined();
    expect(claimed).not.toHaveProperty('hostname');
  });
});

describe("advanceSchedule: the claim of a schedule's marker", () => {
  it('of two pollers opening the next period at once, one moves the marker; a stale read moves nothing; the last period takes it out', async () => {
    const pipelineId = `df-${randomBytes(8).toString('hex')}`;
    await runs.armSchedule(pipelineId, ACCOUNT, GROUP, OPENED, OPENED);
    const [marker] = await runs.markersOf(pipelineId);
    const seen: Candidate = { pipelineId, attemptId: marker.markerId, availableAt: OPENED, status: 'SCHEDULE' };
    const moved = await Promise.all([runs.advanceSchedule(seen, LATER), runs.advanceSchedule(seen, '2026-01-01T02:00:00.000Z')]);
    expect(moved.filter(Boolean)).toHaveLength(1);
    const now = (await runs.markersOf(pipelineId))[0].availableAt!;
    expect(await runs.advanceSchedule(seen, undefined)).toBe(false);
    expect((await runs.markersOf(pipelineId))[0].availableAt).toBe(now);
    expect(await runs.advanceSchedule({ ...seen, availableAt: now }, undefined)).toBe(true);
    const disarmed = await rawItem(pipelineId, marker.markerId);
    expect(disarmed).not.toHaveProperty(ATTR.readyKey);
    expect(disarmed).not.toHaveProperty(ATTR.availableAt); // no period left: DescribePipelines reads this
    expect((await runs.markersOf(pipelineId))[0]).not.toHaveProperty('availableAt');
  });
});

describe('the lease: only the task that holds it moves it', () => {
  it('setLease: the holder renews it; another task, or an attempt no longer running, does not', async () => {
    const w = await claimedAttempt();
    expect(await runs.setLease(w.pipelineId, w.attemptId, 'task-other', '2026-01-01T05:00:00.000Z')).toBe(false);
    expect((await runs.getAttempt(w.pipelineId, w.attemptId))?.leaseUntil).toBe(LATER);
    expect(await runs.setLease(w.pipelineId, w.attemptId, 'task-held', '2026-01-01T02:00:00.000Z')).toBe(true);
    expect((await runs.getAttempt(w.pipelineId, w.attemptId))?.leaseUntil).toBe('2026-01-01T02:00:00.000Z');
    // Shorter too: the poll sets the activity's acknowledgement window after a claim's longer lease.
    expect(await runs.setLease(w.pipelineId, w.attemptId, 'task-held', '2026-01-01T00:10:00.000Z')).toBe(true);
    expect((await runs.getAttempt(w.pipelineId, w.attemptId))?.leaseUntil).toBe('2026-01-01T00:10:00.000Z');
    expect(await runs.finishAttempt(w.pipelineId, w.attemptId, 'task-held', { status: 'FINISHED', endTime: LATER })).toBe(true);
    expect(await runs.setLease(w.pipelineId, w.attemptId, 'task-held', '2026-01-01T03:00:00.000Z')).toBe(false);
  });

  it('release: the holder puts the attempt back as the candidate it was; another task cannot', async () => {
    const w = await claimedAttempt();
    await runs.release(w.candidate, 'task-other');
    expect((await runs.getAttempt(w.pipelineId, w.attemptId))?.taskId).toBe('task-held');
    await runs.release(w.candidate, 'task-held');
    const back = await runs.getAttempt(w.pipelineId, w.attemptId);
    expect(back).toMatchObject({ status: 'WAITING_FOR_RUNNER', availableAt: OPENED });
    expect(back).not.toHaveProperty('taskId');
    expect(await offered(w)).toBe(true);
  });

  it('release and parkClaimed clear what the claim wrote: the next claim, with no hostname, shows none and its own start', async () => {
    for (const putBack of ['release', 'parkClaimed'] as const) {
      const w = await waitingAttempt();
      expect(await runs.claim(w.candidate, { ...claimOf('task-a', 'host-a'), at: '2026-01-01T00:01:00.000Z' })).toBeDefined();
      await runs[putBack](w.candidate, 'task-a');
      const back = await runs.getAttempt(w.pipelineId, w.attemptId);
      expect(back).not.toHaveProperty('hostname');
      expect(back).not.toHaveProperty('actualStartTime');
      if (putBack === 'parkClaimed') await runs.unpark(w.pipelineId, w.attemptId);
      const again = await runs.claim(w.candidate, claimOf('task-b'));
      expect(again).toMatchObject({ taskId: 'task-b', actualStartTime: OPENED });
      expect(again).not.toHaveProperty('hostname');
    }
  });

  it('release of an attempt that ended (same task) leaves it ended: #status = :running', async () => {
    const w = await claimedAttempt();
    await runs.finishAttempt(w.pipelineId, w.attemptId, 'task-held', { status: 'FAILED', endTime: LATER });
    await runs.release(w.candidate, 'task-held');
    expect((await runs.getAttempt(w.pipelineId, w.attemptId))?.status).toBe('FAILED');
  });

  it('parkClaimed: the holder puts it back out of the index, and unpark offers it again; another task cannot', async () => {
    const w = await claimedAttempt();
    await runs.parkClaimed(w.candidate, 'task-other');
    expect((await runs.getAttempt(w.pipelineId, w.attemptId))?.taskId).toBe('task-held');
    await runs.parkClaimed(w.candidate, 'task-held');
    const parked = await runs.getAttempt(w.pipelineId, w.attemptId);
    expect(parked).toMatchObject({ status: 'WAITING_FOR_RUNNER', availableAt: OPENED });
    expect(parked).not.toHaveProperty('taskId');
    expect(await offered(w)).toBe(false);
    expect(await runs.unpark(w.pipelineId, w.attemptId)).toBe(true);
    expect(await offered(w)).toBe(true);
    expect(await runs.unpark(w.pipelineId, w.attemptId)).toBe(false);
  });

  it('parkClaimed of an attempt that ended (same task) leaves it ended', async () => {
    const w = await claimedAttempt();
    await runs.finishAttempt(w.pipelineId, w.attemptId, 'task-held', { status: 'FINISHED', endTime: LATER });
    await runs.parkClaimed(w.candidate, 'task-held');
    expect((await runs.getAttempt(w.pipelineId, w.attemptId))?.status).toBe('FINISHED');
  });

  it('park: only a waiting attempt in the index', async () => {
    const w = await claimedAttempt();
    expect(await runs.park(w.pipelineId, w.attemptId)).toBe(false);
    const v = await waitingAttempt();
    expect(await runs.park(v.pipelineId, v.attemptId)).toBe(true);
    expect(await offered(v)).toBe(false);
    expect(await runs.park(v.pipelineId, v.attemptId)).toBe(false);
    // PAUSE, then RESUME: the attempt is offered again where it was.
    expect(await runs.unpark(v.pipelineId, v.attemptId)).toBe(true);
    expect(await offered(v)).toBe(true);
    expect((await runs.getAttempt(v.pipelineId, v.attemptId))?.availableAt).toBe(OPENED);
  });

  it('a parked attempt can be canceled', async () => {
    const v = await waitingAttempt();
    expect(await runs.park(v.pipelineId, v.attemptId)).toBe(true);
    expect(await runs.cancelAttempt(v.pipelineId, v.attemptId, LATER)).toBe(true);
    expect((await runs.getAttempt(v.pipelineId, v.attemptId))?.status).toBe('CANCELED');
  });

  it('expire: a lease that passed as read times the attempt out; one renewed since, or not running, stays', async () => {
    const w = await claimedAttempt();
    const asRead: Candidate = { ...w.candidate, availableAt: LATER, status: 'RUNNING' };
    await runs.setLease(w.pipelineId, w.attemptId, 'task-held', '2026-01-01T02:00:00.000Z');
    expect(await runs.expire(asRead, LATER, LATER)).toBe(false); // renewed after it was read
    expect((await runs.getAttempt(w.pipelineId, w.attemptId))?.status).toBe('RUNNING');
    const settleFrom = '2026-01-01T03:00:00.000Z';
    expect(await runs.expire({ ...asRead, availableAt: '2026-01-01T02:00:00.000Z' }, LATER, settleFrom)).toBe(true);
    // Ended when the lease was found passed; offered again (to move the run on) only from settleFrom, so that the
    // poller that expired it finishes first.
    expect(await runs.getAttempt(w.pipelineId, w.attemptId)).toMatchObject({ status: 'TIMEDOUT', actualEndTime: LATER, availableAt: settleFrom });
    expect((await runs.candidates(ACCOUNT, GROUP, LATER, 1000)).some((c) => c.pipelineId === w.pipelineId)).toBe(false);
    expect((await runs.candidates(ACCOUNT, GROUP, settleFrom, 1000)).some((c) => c.pipelineId === w.pipelineId)).toBe(true);
    // A waiting attempt whose availableAt is the one read is not expired.
    const v = await waitingAttempt();
    expect(await runs.expire(v.candidate, LATER, LATER)).toBe(false);
    expect((await runs.getAttempt(v.pipelineId, v.attemptId))?.status).toBe('WAITING_FOR_RUNNER');
  });

  it('reportProgress: the holder renews and acknowledges; another task is told it lost the attempt, a canceled one that it was canceled', async () => {
    const w = await claimedAttempt();
    expect(await runs.reportProgress(w.pipelineId, w.attemptId, 'task-other', '2026-01-01T05:00:00.000Z', [], LATER)).toBe('lost');
    expect(await runs.getAttempt(w.pipelineId, w.attemptId)).toMatchObject({ leaseUntil: LATER, acknowledged: false });
    expect(await runs.reportProgress(w.pipelineId, w.attemptId, 'task-held', '2026-01-01T02:00:00.000Z', [], LATER)).toBe('ok');
    const renewed = await runs.getAttempt(w.pipelineId, w.attemptId);
    expect(renewed).toMatchObject({ leaseUntil: '2026-01-01T02:00:00.000Z', acknowledged: true, reportProgressTime: LATER });
    expect(renewed).not.toHaveProperty('reported');
    // After the lease's end, before any poller gave it up: the runner's report is still in time (the first write wins).
    expect(await runs.reportProgress(w.pipelineId, w.attemptId, 'task-held', '2026-01-01T06:00:00.000Z', [], '2026-01-01T05:00:00.000Z')).toBe('ok');
    const fields = [{ key: 'rows', stringValue: '7' }];
    expect(await runs.reportProgress(w.pipelineId, w.attemptId, 'task-held', '2026-01-01T03:00:00.000Z', fields, LATER)).toBe('ok');
    expect((await runs.getAttempt(w.pipelineId, w.attemptId))?.reported).toEqual(fields);
    expect(await runs.cancelAttempt(w.pipelineId, w.attemptId, LATER)).toBe(true);
    expect(await runs.reportProgress(w.pipelineId, w.attemptId, 'task-held', '2026-01-01T04:00:00.000Z', [], LATER)).toBe('canceled');
    const v = await claimedAttempt();
    await runs.finishAttempt(v.pipelineId, v.attemptId, 'task-held', { status: 'FINISHED', endTime: LATER });
    expect(await runs.reportProgress(v.pipelineId, v.attemptId, 'task-held', '2026-01-01T04:00:00.000Z', [], LATER)).toBe('lost');
    // An attempt that does not exist (its pipeline's runs deleted) is lost too, and is not made.
    expect(await runs.reportProgress(v.pipelineId, '@gone_Attempt=1', 'task-held', '2026-01-01T04:00:00.000Z', [], LATER)).toBe('lost');
    expect(await rawItem(v.pipelineId, '@gone_Attempt=1')).toBeUndefined();
  });
});

describe("finishAttempt: the task's own completion", () => {
  it('only by the holding task, once, with its error fields; it leaves the ready index', async () => {
    const w = await claimedAttempt();
    const failed = { status: 'FAILED', endTime: LATER, errorId: 'E1', errorMessage: 'boom', errorStackTrace: 'at x' };
    expect(await runs.finishAttempt(w.pipelineId, w.attemptId, 'task-other', failed)).toBe(false);
    expect((await runs.getAttempt(w.pipelineId, w.attemptId))?.status).toBe('RUNNING');
    expect(await runs.finishAttempt(w.pipelineId, w.attemptId, 'task-held', failed)).toBe(true);
    expect(await runs.getAttempt(w.pipelineId, w.attemptId)).toMatchObject({
      status: 'FAILED',
      actualEndTime: LATER,
      errorId: 'E1',
      errorMessage: 'boom',
      errorStackTrace: 'at x',
    });
    expect(await offered(w)).toBe(false);
    expect(await runs.finishAttempt(w.pipelineId, w.attemptId, 'task-held', { status: 'FINISHED', endTime: LATER })).toBe(false);
    expect((await runs.getAttempt(w.pipelineId, w.attemptId))?.status).toBe('FAILED');
  });

  it('of two completions at once, one wins', async () => {
    const w = await claimedAttempt();
    const results = await Promise.all(
      (['FINISHED', 'FAILED'] as const).map((status) => runs.finishAttempt(w.pipelineId, w.attemptId, 'task-held', { status, endTime: LATER })),
    );
    expect(results.filter(Boolean)).toHaveLength(1);
  });

  it('a lease given up (TIMEDOUT) is still finished by its task, without error fields it did not give', async () => {
    const w = await claimedAttempt();
    expect(await runs.expire({ ...w.candidate, availableAt: LATER, status: 'RUNNING' }, LATER, LATER)).toBe(true);
    expect(await runs.finishAttempt(w.pipelineId, w.attemptId, 'task-other', { status: 'FINISHED', endTime: LATER })).toBe(false);
    expect(await runs.finishAttempt(w.pipelineId, w.attemptId, 'task-held', { status: 'FINISHED', endTime: LATER })).toBe(true);
    const item = await rawItem(w.pipelineId, w.attemptId);
    expect(item?.[ATTR.status]?.S).toBe('FINISHED');
    expect(item).not.toHaveProperty(ATTR.errorId);
    expect(item).not.toHaveProperty(ATTR.readyKey);
  });

  it('a waiting attempt is not finished (no task holds it)', async () => {
    const w = await waitingAttempt();
    expect(await runs.finishAttempt(w.pipelineId, w.attemptId, 'task-held', { status: 'FINISHED', endTime: LATER })).toBe(false);
  });
});

describe('cancelAttempt', () => {
  it('cancels a waiting or running attempt, once, and takes it out of the index; an ended one stays', async () => {
    const w = await waitingAttempt();
    expect(await runs.cancelAttempt(w.pipelineId, w.attemptId, LATER)).toBe(true);
    expect(await runs.getAttempt(w.pipelineId, w.attemptId)).toMatchObject({ status: 'CANCELED', actualEndTime: LATER });
    expect(await offered(w)).toBe(false);
    expect(await runs.cancelAttempt(w.pipelineId, w.attemptId, LATER)).toBe(false);
    const r = await claimedAttempt();
    expect(await runs.cancelAttempt(r.pipelineId, r.attemptId, LATER)).toBe(true);
    const f = await claimedAttempt();
    await runs.finishAttempt(f.pipelineId, f.attemptId, 'task-held', { status: 'FINISHED', endTime: LATER });
    expect(await runs.cancelAttempt(f.pipelineId, f.attemptId, LATER)).toBe(false);
    expect((await runs.getAttempt(f.pipelineId, f.attemptId))?.status).toBe('FINISHED');
  });
});

describe('dependencyFinished: the join', () => {
  it('each dependency leaves the set once; the one that empties it gets the instance, and so does a retry of it', async () => {
    const c = await waitingOnTwo();
    expect(await runs.dependencyFinished(c.pipelineId, c.instanceId, 'A')).toBeUndefined();
    expect(await runs.dependencyFinished(c.pipelineId, c.instanceId, 'A')).toBeUndefined(); // a retry: B still pending
    expect((await runs.getInstance(c.pipelineId, c.instanceId))?.pending).toEqual(['B']);
    const ready = await runs.dependencyFinished(c.pipelineId, c.instanceId, 'B');
    expect(ready).toMatchObject({ instanceId: c.instanceId, status: 'WAITING_ON_DEPENDENCIES' });
    expect(ready?.pending ?? []).toEqual([]);
    // The caller that emptied it may die before making it ready: a retry gets it too (the change it makes is conditional).
    expect(await runs.dependencyFinished(c.pipelineId, c.instanceId, 'B')).toMatchObject({ instanceId: c.instanceId });
  });

  it('of the two last dependencies finishing at once, one empties the set, and the instance is handed on', async () => {
    const c = await waitingOnTwo();
    const [a, b] = await Promise.all([runs.dependencyFinished(c.pipelineId, c.instanceId, 'A'), runs.dependencyFinished(c.pipelineId, c.instanceId, 'B')]);
    expect([a, b].some((x) => x !== undefined)).toBe(true);
    expect((await runs.getInstance(c.pipelineId, c.instanceId))?.pending ?? []).toEqual([]);
  });

  it('an instance no longer waiting on dependencies is not handed on', async () => {
    const c = await waitingOnTwo();
    const [applied] = await runs.apply(c.pipelineId, ACCOUNT, [{ instanceId: c.instanceId, from: ['WAITING_ON_DEPENDENCIES'], to: 'CANCELED' }], LATER);
    expect(applied).toBe(true);
    expect(await runs.dependencyFinished(c.pipelineId, c.instanceId, 'A')).toBeUndefined();
    expect(await runs.dependencyFinished(c.pipelineId, c.instanceId, 'B')).toBeUndefined();
    expect((await runs.getInstance(c.pipelineId, c.instanceId))?.status).toBe('CANCELED');
  });

  it('nor is one whose item still lists the dependency: #status = :waiting decides, not the set alone', async () => {
    // Every status change away from WAITING_ON_DEPENDENCIES removes the set in the same write; this item is made by hand.
    const c = await waitingOnTwo();
    const item = (await rawItem(c.pipelineId, c.instanceId))!;
    await engine.client.send(
      new PutItemCommand({ TableName: engine.names.objects, Item: { ...item, [ATTR.status]: { S: 'CANCELED' }, [ATTR.pending]: { SS: ['A'] } } }),
    );
    expect(await runs.dependencyFinished(c.pipelineId, c.instanceId, 'A')).toBeUndefined();
    expect((await runs.getInstance(c.pipelineId, c.instanceId))?.pending).toEqual(['A']);
  });

  it('an instance that does not exist is not handed on, and none is made', async () => {
    const pipelineId = `df-${randomBytes(8).toString('hex')}`;
    expect(await runs.dependencyFinished(pipelineId, '@C_2026-01-01T00:00:00', 'A')).toBeUndefined();
    expect(await rawItem(pipelineId, '@C_2026-01-01T00:00:00')).toBeUndefined();
  });

  it('a component it does not wait on changes nothing', async () => {
    const c = await waitingOnTwo();
    expect(await runs.dependencyFinished(c.pipelineId, c.instanceId, 'Z')).toBeUndefined();
    expect((await runs.getInstance(c.pipelineId, c.instanceId))?.pending).toEqual(['A', 'B']);
  });
});

describe('instanceStarted: the instance follows its claimed attempt', () => {
  it('from waiting only, with the claimed attempt as its head', async () => {
    const w = await claimedAttempt();
    expect(await runs.instanceStarted(w.pipelineId, w.instanceId, w.attemptId)).toBe(true);
    expect(await runs.getInstance(w.pipelineId, w.instanceId)).toMatchObject({ status: 'RUNNING', headAttempt: w.attemptId });
    expect(await runs.instanceStarted(w.pipelineId, w.instanceId, w.attemptId)).toBe(false);
    const c = await waitingOnTwo();
    expect(await runs.instanceStarted(c.pipelineId, c.instanceId, `${c.instanceId}_Attempt=1`)).toBe(true);
    expect((await runs.getInstance(c.pipelineId, c.instanceId))?.headAttempt).toBe(`${c.instanceId}_Attempt=1`);
    await runs.apply(w.pipelineId, ACCOUNT, [{ instanceId: w.instanceId, from: ['RUNNING'], to: 'FINISHED' }], LATER);
    expect(await runs.instanceStarted(w.pipelineId, w.instanceId, w.attemptId)).toBe(false);
    expect((await runs.getInstance(w.pipelineId, w.instanceId))?.status).toBe('FINISHED');
  });
});

describe('writes put once', () => {
  it('startRun again (a retry) keeps what the first wrote and what happened since', async () => {
    const w = await claimedAttempt();
    const before = await runs.getAttempt(w.pipelineId, w.attemptId);
    await runs.startRun(w.pipelineId, ACCOUNT, OPENED, [{ ...w.instance, status: 'WAITING_ON_DEPENDENCIES' }], [w.attempt]);
    expect(await runs.getAttempt(w.pipelineId, w.attemptId)).toEqual(before);
    expect((await runs.getInstance(w.pipelineId, w.instanceId))?.status).toBe('WAITING_FOR_RUNNER');
  });
});

describe('task store', () => {
  /** A task handed out for an attempt that a runner holds. */
  const runningTask = async () => {
    const w = await claimedAttempt();
    const taskId = `task-${randomBytes(6).toString('hex')}`;
    await tasks.putTask({ taskId, pipelineId: w.pipelineId, attemptId: w.attemptId, state: 'RUNNING' });
    return { ...w, taskId };
  };

  it('completeTask: of two completions at once one applies; the other is told the winner', async () => {
    const t = await runningTask();
    const [a, b] = await Promise.all(
      (['FINISHED', 'FAILED'] as const).map((status) => tasks.completeTask(t.taskId, { status, endTime: LATER, errorId: status })),
    );
    const results = [a, b];
    expect(results.filter((r) => r.applied)).toHaveLength(1);
    const lost = results.find((r) => !r.applied) as { applied: false; current?: { state: string } };
    const won = (await tasks.getTask(t.taskId))!.state;
    expect(lost.current?.state).toBe(won);
  });

  it('cancelTask: a running task is canceled; a final one is returned as it is; an absent one is undefined', async () => {
    const t = await runningTask();
    expect((await tasks.cancelTask(t.taskId))?.state).toBe('CANCELED');
    expect((await tasks.cancelTask(t.taskId))?.state).toBe('CANCELED');
    const f = await runningTask();
    await tasks.completeTask(f.taskId, { status: 'FINISHED', endTime: LATER });
    expect((await tasks.cancelTask(f.taskId))?.state).toBe('FINISHED');
    expect(await tasks.cancelTask(`task-absent-${randomBytes(4).toString('hex')}`)).toBeUndefined();
  });

  it('recordAttempt: copies the completion onto a running attempt once; an ended or absent attempt is left alone', async () => {
    const t = await runningTask();
    const settleFrom = '2026-01-01T03:00:00.000Z';
    await tasks.recordAttempt(t.pipelineId, t.attemptId, { status: 'FAILED', endTime: LATER, errorId: 'E1' }, settleFrom);
    expect(await runs.getAttempt(t.pipelineId, t.attemptId)).toMatchObject({ status: 'FAILED', errorId: 'E1', actualEndTime: LATER, availableAt: settleFrom });
    expect(await offered(t)).toBe(true); // until the run has moved on
    await tasks.recordAttempt(t.pipelineId, t.attemptId, { status: 'FINISHED', endTime: LATER }, LATER);
    expect(await runs.getAttempt(t.pipelineId, t.attemptId)).toMatchObject({ status: 'FAILED', errorId: 'E1' });
    await tasks.recordAttempt(t.pipelineId, '@absent_Attempt=1', { status: 'FINISHED', endTime: LATER }, LATER);
    expect(await rawItem(t.pipelineId, '@absent_Attempt=1')).toBeUndefined();
  });
});

describe('markDeleted', () => {
  it('marks an existing pipeline deleted, and creates nothing for one that does not exist', async () => {
    const pipelineId = `df-${randomBytes(8).toString('hex')}`;
    await pipelines.create({ pipelineId, accountId: ACCOUNT, userId: 'u', name: 'n', uniqueId: pipelineId, tags: [], creationTime: OPENED });
    await Promise.all([pipelines.markDeleted(pipelineId), pipelines.markDeleted(pipelineId)]); // two DeletePipeline calls
    expect((await pipelines.get(pipelineId))?.state).toBe('DELETED');
    const deleted = await engine.client.send(
      new GetItemCommand({ TableName: engine.names.pipelines, Key: { [TABLES.pipelines.partitionKey]: { S: pipelineId } } }),
    );
    expect(deleted.Item).not.toHaveProperty(ATTR.listAccount); // out of the account's list
    const absent = `df-${randomBytes(8).toString('hex')}`;
    await expect(pipelines.markDeleted(absent)).rejects.toThrow();
    const item = await engine.client.send(new GetItemCommand({ TableName: engine.names.pipelines, Key: { [TABLES.pipelines.partitionKey]: { S: absent } } }));
    expect(item.Item).toBeUndefined();
  });
});

describe('an engine error that is not a condition is not taken for one', () => {
  it('every conditional write rejects when the engine refuses the write, though it answers reads', async () => {
    // A client of the same engine whose writes fail (as a throttled or unavailable table's would): a write method
    // that took the error for a failed condition would go on to read, and answer as if another caller had won.
    const client = dynamoDbClient(engine.endpoint);
    client.middlewareStack.add(
      (next, context) => async (args) => {
        if (/^(PutItem|UpdateItem)Command$/.test(String(context.commandName))) throw Object.assign(new Error('write refused'), { name: 'ThrottlingException' });
        return next(args);
      },
      { step: 'initialize', name: 'refuseWrites' },
    );
    const r = new DynamoDbRunStore(client, engine.names);
    const t = new DynamoDbTaskStore(client, engine.names);
    const w = await claimedAttempt();
    const c = await waitingOnTwo();
    const task = `task-${randomBytes(6).toString('hex')}`;
    await tasks.putTask({ taskId: task, pipelineId: w.pipelineId, attemptId: w.attemptId, state: 'RUNNING' });
    const done = { status: 'FINISHED', endTime: LATER } as const;
    const calls: [string, () => Promise<unknown>][] = [
      ['startRun', () => r.startRun(w.pipelineId, ACCOUNT, OPENED, [w.instance], [w.attempt])],
      ['claim', () => r.claim(w.candidate, claimOf('t'))],
      ['setLease', () => r.setLease(w.pipelineId, w.attemptId, 'task-held', LATER)],
      ['release', () => r.release(w.candidate, 'task-held')],
      ['parkClaimed', () => r.parkClaimed(w.candidate, 'task-held')],
      ['cancelAttempt', () => r.cancelAttempt(w.pipelineId, w.attemptId, LATER)],
      ['expire', () => r.expire(w.candidate, LATER, LATER)],
      ['reportProgress', () => r.reportProgress(w.pipelineId, w.attemptId, 'task-held', LATER, [], LATER)],
      ['dependencyFinished', () => r.dependencyFinished(c.pipelineId, c.instanceId, 'A')],
      ['finishAttempt', () => r.finishAttempt(w.pipelineId, w.attemptId, 'task-held', done)],
      ['completeTask', () => t.completeTask(task, done)],
      ['cancelTask', () => t.cancelTask(task)],
      ['recordAttempt', () => t.recordAttempt(w.pipelineId, w.attemptId, done, LATER)],
    ];
    try {
      for (const [name, run] of calls) await expect(run().then(() => `${name} resolved`)).rejects.toThrow('write refused');
    } finally {
      client.destroy();
    }
  });
});
