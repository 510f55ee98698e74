/**
 * The run engine under races and crashes, on a real engine (docs/behaviour.md §8): joins that cannot lose an
 * update, polls that unclaimable work cannot starve, a new run per activation, claims and leases that one caller
 * wins, and request counts that do not grow with history.
 */
import { countRequests, dispatcherFor, startTestEngine, TestEngine } from '../support/engine';
import { createPipeline, newCaller, object, op } from '../support/pipelines';
import type { Caller } from '../../lambda/identity';
import { DynamoDbRunStore } from '../../lambda/store/dynamodb-run-store';
import type { RunStore } from '../../lambda/store/run-store';
import { DynamoDbPipelineStore } from '../../lambda/store/dynamodb-pipeline-store';
import { writeRunHistory } from '../../tools/seeding';
import { dynamoDbClient } from '../../local/dynamodb';
import { holdAt } from '../support/hold';

let engine: TestEngine;
beforeAll(async () => {
  engine = await startTestEngine();
});
afterAll(() => engine.close());

const clock = (start = '2026-11-29T10:00:00.000Z') => {
  let t = new Date(start).getTime();
  return { now: () => new Date(t), advance: (ms: number) => (t += ms) };
};
const shell = (id: string, extra: Record<string, string | { ref: string } | { ref: string }[]> = {}) =>
  object(id, { type: 'ShellCommandActivity', command: `echo ${id}`, ...(extra as Record<string, string>) });
const DEFAULT = (workerGroup = 'wg', extra: Record<string, string> = {}) =>
  object('Default', { scheduleType: 'ondemand', workerGroup, failureAndRerunMode: 'CASCADE', ...extra });

const setUp = async (objects: ReturnType<typeof object>[], options: { runs?: (inner: RunStore) => RunStore; caller?: Caller } = {}) => {
  const time = clock();
  const caller = options.caller ?? newCaller();
  const dispatch = dispatcherFor(engine, { now: time.now, ...(options.runs && { runs: options.runs }) });
  const call = (operation: string, input: Record<string, unknown>, budgetMs?: number) => op(dispatch, operation, input, caller, budgetMs);
  const pipelineId = await createPipeline(dispatch, caller);
  expect((await call('PutPipelineDefinition', { pipelineId, pipelineObjects: objects })).body.errored).toBe(false);
  expect((await call('ActivatePipeline', { pipelineId })).status).toBe(200);
  const poll = async (workerGroup = 'wg') => (await call('PollForTask', { workerGroup, hostname: 'h' }, 3000)).body.taskObject;
  const describe = async (ids: string[]) =>
    Object.fromEntries(
      (
        (await call('DescribeObjects', { pipelineId, objectIds: ids })).body.pipelineObjects as {
          id: string;
          fields: { key: string; stringValue?: string }[];
        }[]
      ).map((o) => [o.id, o.fields.find((f) => f.key === '@status')?.stringValue]),
    );
  const ids = async (sphere: string) => (await call('QueryObjects', { pipelineId, sphere, limit: 1000 })).body.ids as string[];
  return { time, caller, dispatch, call, pipelineId, poll, describe, ids };
};

const at = (id: string) => `@${id}_2026-11-29T10:00:00`;

describe('joins: a dependency finishing is one conditional write per dependent, never lost', () => {
  /** J depends on D0..Dn-1; each D is polled, so their SetTaskStatus calls can be ordered by the test. */
  const join = (n: number) => [
    DEFAULT(),
    ...Array.from({ length: n }, (_, i) => shell(`D${i}`)),
    shell('J', { dependsOn: Array.from({ length: n }, (_, i) => ({ ref: `D${i}` })) }),
  ];

  /**
   * The held writer: D0's SetTaskStatus is stopped at the store port right before it tells J (between what it
   * read and what it writes), every other dependency finishes meanwhile, then D0 goes on.
   */
  it.each([2, 3, 5])('%i-way: one finishing call held at the store port while the others finish: J ready exactly once', async (n) => {
    const hold = holdAt<RunStore>('dependencyFinished', { when: (args) => args[2] === 'D0' });
    const r = await setUp(join(n), { runs: hold.wrap });
    const tasks = [];
    for (let i = 0; i < n; i++) tasks.push(await r.poll());
    const byComponent = new Map(tasks.map((t) => [t.attemptId.slice(1, t.attemptId.indexOf('_')), t]));
    const first = r.call('SetTaskStatus', { taskId: byComponent.get('D0')!.taskId, taskStatus: 'FINISHED' });
    await hold.arrived;
    for (let i = 1; i < n; i++) expect((await r.call('SetTaskStatus', { taskId: byComponent.get(`D${i}`)!.taskId, taskStatus: 'FINISHED' })).status).toBe(200);
    expect(await r.describe([at('J')])).toEqual({ [at('J')]: 'WAITING_ON_DEPENDENCIES' }); // D0 has not told it yet
    const waitingOn = (await r.call('DescribeObjects', { pipelineId: r.pipelineId, objectIds: [at('J')] })).body.pipelineObjects[0].fields.filter(
      (f: { key: string }) => f.key === '@waitingOn',
    );
    expect(waitingOn).toEqual([{ key: '@waitingOn', refValue: at('D0') }]);
    hold.release();
    expect((await first).status).toBe(200);
    expect(await r.describe([at('J'), `${at('J')}_Attempt=1`, `${at('J')}_Attempt=2`])).toEqual({
      [at('J')]: 'WAITING_FOR_RUNNER',
      [`${at('J')}_Attempt=1`]: 'WAITING_FOR_RUNNER',
    });
    // A retry of every call (their answers were lost) changes nothing.
    for (const t of tasks) expect((await r.call('SetTaskStatus', { taskId: t.taskId, taskStatus: 'FINISHED' })).status).toBe(200);
    expect((await r.ids('ATTEMPT')).filter((id) => id.startsWith(at('J')))).toEqual([`${at('J')}_Attempt=1`]);
  });

  it('10 rounds of A and B finishing at the same moment (concurrent SetTaskStatus calls): C ready exactly once each time', async () => {
    for (let round = 0; round < 10; round++) {
      const r = await setUp([DEFAULT(), shell('A'), shell('B'), shell('C', { dependsOn: [{ ref: 'A' }, { ref: 'B' }] })]);
      const [a, b] = [await r.poll(), await r.poll()];
      const answers = await Promise.all([a, b].map((t) => r.call('SetTaskStatus', { taskId: t.taskId, taskStatus: 'FINISHED' })));
      expect(answers.map((x) => x.status)).toEqual([200, 200]);
      expect(await r.describe([at('C')])).toEqual({ [at('C')]: 'WAITING_FOR_RUNNER' });
      expect((await r.ids('ATTEMPT')).filter((id) => id.startsWith(at('C')))).toEqual([`${at('C')}_Attempt=1`]);
    }
  });
});

describe('PollForTask is never starved by work it cannot hand out', () => {
  it('40 attempts of a deactivated pipeline ahead of one claimable attempt: one poll hands out the claimable one, and parks the 40', async () => {
    const caller = newCaller();
    const blocked = await setUp([DEFAULT('shared'), ...Array.from({ length: 40 }, (_, i) => shell(`X${i}`))], { caller });
    // Deactivated as a crash would leave it: the pipeline INACTIVE, its 40 attempts still in the ready index.
    await new DynamoDbPipelineStore(engine.client, engine.names).deactivate(blocked.pipelineId, false, '2026-11-29T10:00:00.000Z');
    blocked.time.advance(1000);
    const ready = await setUp([DEFAULT('shared'), shell('Ok')], { caller });
    ready.time.advance(2000);
    // A poll's whole wait (it answers as soon as it hands the task out): 40 claims and parks take a while on a slow engine.
    const task = (await ready.call('PollForTask', { workerGroup: 'shared', hostname: 'h' }, 15_000)).body.taskObject;
    expect(task?.attemptId).toBe(`${at('Ok')}_Attempt=1`);
    // They left the index: the next poll of the group finds nothing, and reactivation puts them back.
    expect(await ready.poll('shared')).toBeUndefined();
    expect((await blocked.call('ActivatePipeline', { pipelineId: blocked.pipelineId })).status).toBe(200);
    expect((await blocked.poll('shared'))?.attemptId).toMatch(/^@X\d+_2026-11-29T10:00:00_Attempt=1$/);
  });

  it("PAUSE parks a component's waiting attempts; RESUME puts them back", async () => {
    const r = await setUp([DEFAULT(), shell('A'), shell('B')]);
    await r.call('SetStatus', { pipelineId: r.pipelineId, objectIds: ['A', 'B'], status: 'PAUSE' });
    expect(await r.poll()).toBeUndefined();
    await r.call('SetStatus', { pipelineId: r.pipelineId, objectIds: ['B'], status: 'RESUME' });
    expect((await r.poll())?.attemptId).toBe(`${at('B')}_Attempt=1`);
    expect(await r.poll()).toBeUndefined();
  });
});

describe('parking under contrary calls: whatever their order, the attempts are claimable when the pipeline ends active', () => {
  /** A store whose first `method` call after `arm()` is held (holdAt). */
  const armedHold = (method: keyof RunStore & string, options: Parameters<typeof holdAt>[1] = {}) => {
    let armed = false;
    return { ...holdAt<RunStore>(method, { ...options, armed: () => armed }), arm: () => (armed = true) };
  };

  it('DeactivatePipeline held before it parks while ActivatePipeline completes: the deactivation puts the attempt back (it re-reads the pipeline)', async () => {
    const hold = armedHold('park');
    const r = await setUp([DEFAULT(), shell('A')], { runs: hold.wrap });
    hold.arm();
    const deactivating = r.call('DeactivatePipeline', { pipelineId: r.pipelineId });
    await hold.arrived;
    expect((await r.call('ActivatePipeline', { pipelineId: r.pipelineId })).status).toBe(200);
    hold.release();
    expect((await deactivating).status).toBe(200);
    expect((await r.poll())?.attemptId).toBe(`${at('A')}_Attempt=1`);
  });

  it('ActivatePipeline that read the pipeline active, held before its write while DeactivatePipeline completes: the activation puts the attempt back', async () => {
    const hold = armedHold('summary'); // the activation's first read after the pipeline's (its runs in progress)
    const r = await setUp([DEFAULT('wg', { maxActiveInstances: '2' }), shell('A')], { runs: hold.wrap });
    hold.arm();
    const activating = r.call('ActivatePipeline', { pipelineId: r.pipelineId });
    await hold.arrived;
    expect((await r.call('DeactivatePipeline', { pipelineId: r.pipelineId })).status).toBe(200);
    hold.release();
    expect((await activating).status).toBe(200);
    const handed = [(await r.poll())?.attemptId, (await r.poll())?.attemptId];
    expect(handed).toContain(`${at('A')}_Attempt=1`);
  });

  it('a poller that claimed an attempt of an inactive pipeline, held before it parks it while ActivatePipeline completes: the attempt is handed out', async () => {
    const hold = armedHold('parkClaimed');
    const r = await setUp([DEFAULT(), shell('A')], { runs: hold.wrap });
    await new DynamoDbPipelineStore(engine.client, engine.names).deactivate(r.pipelineId, false, '2026-11-29T10:00:00.000Z'); // as a crash leaves it: still in the index
    hold.arm();
    const polling = r.poll();
    await hold.arrived;
    expect((await r.call('ActivatePipeline', { pipelineId: r.pipelineId })).status).toBe(200);
    hold.release();
    const handed = (await polling) ?? (await r.poll());
    expect(handed?.attemptId).toBe(`${at('A')}_Attempt=1`);
  });

  it('PAUSE held before it parks while RESUME completes: the attempt is put back', async () => {
    const hold = armedHold('park');
    const r = await setUp([DEFAULT(), shell('A')], { runs: hold.wrap });
    hold.arm();
    const pausing = r.call('SetStatus', { pipelineId: r.pipelineId, objectIds: ['A'], status: 'PAUSE' });
    await hold.arrived;
    expect((await r.call('SetStatus', { pipelineId: r.pipelineId, objectIds: ['A'], status: 'RESUME' })).status).toBe(200);
    hold.release();
    expect((await pausing).status).toBe(200);
    expect((await r.poll())?.attemptId).toBe(`${at('A')}_Attempt=1`);
  });
});

describe('a lease given up while its runner reports: one conditional write on the attempt decides, and the runner hears it', () => {
  const ACK_WINDOW_PASSED = 3 * 60_000; // past the 2-minute acknowledgement window

  it('the renewal wins (the poller held after reading the passed lease): the task goes on and its outcome counts', async () => {
    let armed = false;
    const hold = holdAt<RunStore>('getAttempt', { armed: () => armed, after: () => true }); // after its read
    const r = await setUp([DEFAULT(), shell('A')], { runs: hold.wrap });
    const t = await r.poll();
    r.time.advance(ACK_WINDOW_PASSED);
    armed = true;
    const polling = r.poll(); // meets the passed lease, reads the attempt: held
    await hold.arrived;
    expect((await r.call('ReportTaskProgress', { taskId: t.taskId })).body).toEqual({ canceled: false });
    hold.release();
    expect(await polling).toBeUndefined();
    expect((await r.call('ReportTaskProgress', { taskId: t.taskId })).body).toEqual({ canceled: false });
    expect((await r.call('SetTaskStatus', { taskId: t.taskId, taskStatus: 'FINISHED' })).status).toBe(200);
    expect(await r.describe([at('A'), `${at('A')}_Attempt=1`])).toEqual({ [at('A')]: 'FINISHED', [`${at('A')}_Attempt=1`]: 'FINISHED' });
    expect(await r.ids('ATTEMPT')).toEqual([`${at('A')}_Attempt=1`]);
  });

  it('the expiry wins the attempt, the runner then reports canceled; a SetTaskStatus that wins the task before the expiry cancels it counts', async () => {
    let armed = false;
    const hold = holdAt<RunStore>('expire', { armed: () => armed, after: (won) => won === true });
    const r = await setUp([DEFAULT(), shell('A')], { runs: hold.wrap });
    const t = await r.poll();
    r.time.advance(ACK_WINDOW_PASSED);
    armed = true;
    const polling = r.poll();
    await hold.arrived; // the attempt is TIMEDOUT; its task not canceled yet
    expect((await r.call('ReportTaskProgress', { taskId: t.taskId })).body).toEqual({ canceled: true });
    expect((await r.call('SetTaskStatus', { taskId: t.taskId, taskStatus: 'FINISHED' })).status).toBe(200);
    hold.release();
    expect(await polling).toBeUndefined();
    expect(await r.describe([at('A'), `${at('A')}_Attempt=1`])).toEqual({ [at('A')]: 'FINISHED', [`${at('A')}_Attempt=1`]: 'FINISHED' });
    r.time.advance(60_000); // past the settling delay: nothing is left in the index to settle or retry
    expect(await r.poll()).toBeUndefined();
    expect(await r.ids('ATTEMPT')).toEqual([`${at('A')}_Attempt=1`]);
  });

  it('the expiry wins and the runner stays silent: its task is canceled and the run retries', async () => {
    const r = await setUp([DEFAULT('wg', { maximumRetries: '1' }), shell('A')]);
    const t = await r.poll();
    r.time.advance(ACK_WINDOW_PASSED);
    const retried = await r.poll(); // gives the lease up, then (after the retry delay) hands out the retry
    r.time.advance(15 * 60_000);
    const next = retried ?? (await r.poll());
    expect(next?.attemptId).toBe(`${at('A')}_Attempt=2`);
    expect((await r.call('ReportTaskProgress', { taskId: t.taskId })).body).toEqual({ canceled: true });
    expect(await r.describe([`${at('A')}_Attempt=1`])).toEqual({ [`${at('A')}_Attempt=1`]: 'TIMEDOUT' });
  });
});

describe('a new run on every activation', () => {
  it('activating again within the same second, once the run ended, starts a run a second later: ids unique per activation', async () => {
    const r = await setUp([DEFAULT(), shell('A')]);
    const t = await r.poll();
    await r.call('SetTaskStatus', { taskId: t.taskId, taskStatus: 'FINISHED' });
    expect((await r.call('ActivatePipeline', { pipelineId: r.pipelineId })).status).toBe(200); // the clock has not moved
    expect(await r.ids('INSTANCE')).toEqual([at('A'), '@A_2026-11-29T10:00:01']);
    expect((await r.poll())?.attemptId).toBe('@A_2026-11-29T10:00:01_Attempt=1');
  });

  it('while a run is in progress, activation is refused with a 400 (maxActiveInstances 1, the default); with 2, a second run starts', async () => {
    const one = await setUp([DEFAULT(), shell('A')]);
    const refused = await one.call('ActivatePipeline', { pipelineId: one.pipelineId });
    expect(refused.status).toBe(400);
    expect(refused.body).toEqual({
      __type: 'InvalidRequestException',
      message: expect.stringMatching(/1 run is in progress and Default's maxActiveInstances is 1/),
    });
    const two = await setUp([DEFAULT('wg', { maxActiveInstances: '2' }), shell('A')]);
    expect((await two.call('ActivatePipeline', { pipelineId: two.pipelineId })).status).toBe(200);
    expect((await two.call('ActivatePipeline', { pipelineId: two.pipelineId })).status).toBe(400);
    expect(await two.ids('INSTANCE')).toEqual([at('A'), '@A_2026-11-29T10:00:01']);
  });

  it('concurrent activations of an idle pipeline start exactly maxActiveInstances runs', async () => {
    const r = await setUp([DEFAULT('wg', { maxActiveInstances: '3' }), shell('A')]);
    const t = await r.poll();
    await r.call('SetTaskStatus', { taskId: t.taskId, taskStatus: 'FINISHED' });
    const answers = await Promise.all(Array.from({ length: 6 }, () => r.call('ActivatePipeline', { pipelineId: r.pipelineId })));
    expect(answers.filter((a) => a.status === 200)).toHaveLength(3);
    expect(await r.ids('INSTANCE')).toHaveLength(4);
  });
});

describe('claims and leases: one caller wins, by the conditions of the store', () => {
  const store = () => new DynamoDbRunStore(engine.client, engine.names);

  it('a claim of a candidate read before another claim (or release) fails: the condition on status and availableAt', async () => {
    const r = await setUp([DEFAULT(), shell('A')]);
    const [c] = await store().candidates(r.caller.accountId, 'wg', '2026-11-29T10:00:00.000Z', 10);
    const claims = await Promise.all(
      Array.from({ length: 8 }, (_, i) => store().claim(c, { taskId: `t${i}`, at: '2026-11-29T10:00:00.000Z', leaseUntil: '2026-11-29T10:02:00.000Z' })),
    );
    expect(claims.filter((x) => x !== undefined)).toHaveLength(1);
    const winner = claims.findIndex((x) => x !== undefined);
    await store().release(c, `t${winner}`);
    // Released with the availableAt it was read with: a claim of a stale candidate (other availableAt) still fails.
    expect(
      await store().claim(
        { ...c, availableAt: '2026-11-29T09:59:59.000Z' },
        { taskId: 'late', at: '2026-11-29T10:00:00.000Z', leaseUntil: '2026-11-29T10:02:00.000Z' },
      ),
    ).toBeUndefined();
    expect(await store().claim(c, { taskId: 'again', at: '2026-11-29T10:00:00.000Z', leaseUntil: '2026-11-29T10:02:00.000Z' })).toBeDefined();
  });

  it('a lease renewed after it was read cannot be expired (the guard #at = :seen); another task cannot renew it', async () => {
    const r = await setUp([DEFAULT(), shell('A')]);
    const t = await r.poll();
    const [pipelineId, attemptId] = [r.pipelineId, t.attemptId];
    const before = (await store().getAttempt(pipelineId, attemptId))!;
    expect(await store().reportProgress(pipelineId, attemptId, 'another-task', '2026-11-29T11:00:00.000Z', [], '2026-11-29T10:01:00.000Z')).toBe('lost');
    expect(await store().reportProgress(pipelineId, attemptId, t.taskId, '2026-11-29T10:30:00.000Z', [], '2026-11-29T10:01:00.000Z')).toBe('ok');
    expect(
      await store().expire(
        { pipelineId, attemptId, availableAt: before.availableAt, status: 'RUNNING' },
        '2026-11-29T10:05:00.000Z',
        '2026-11-29T10:05:30.000Z',
      ),
    ).toBe(false);
    expect(
      await store().expire(
        { pipelineId, attemptId, availableAt: '2026-11-29T10:30:00.000Z', status: 'RUNNING' },
        '2026-11-29T10:31:00.000Z',
        '2026-11-29T10:31:30.000Z',
      ),
    ).toBe(true);
  });

  it('a DeletePipeline that returns between a claim and the read after it: nothing is handed out (the post-claim check)', async () => {
    const hold = holdAt<RunStore>('claim', { after: (won) => won !== undefined });
    const r = await setUp([DEFAULT(), shell('A')], { runs: hold.wrap });
    const polling = r.call('PollForTask', { workerGroup: 'wg' }, 3000);
    await hold.arrived;
    expect((await op(dispatcherFor(engine, { now: r.time.now }), 'DeletePipeline', { pipelineId: r.pipelineId }, r.caller)).status).toBe(200);
    hold.release();
    expect((await polling).body).toEqual({});
  });
});

describe('cost that does not grow with history', () => {
  /** Each run call's requests on a pipeline with `history` items of old runs. */
  const requestsWith = async (history: number) => {
    const r = await setUp([DEFAULT(), shell('B'), shell('C', { dependsOn: { ref: 'B' } })]);
    await writeRunHistory(engine.client, engine.names.objects, r.pipelineId, history, 'A');
    const client = dynamoDbClient(engine.endpoint);
    const counter = countRequests(client);
    const counted = dispatcherFor(engine, { client, now: r.time.now });
    const count = async (operation: string, input: Record<string, unknown>) => {
      counter.reset();
      const res = await op(counted, operation, input, r.caller, 3000);
      return { body: res.body, requests: [...counter.names] };
    };
    const poll = await count('PollForTask', { workerGroup: 'wg' });
    const taskId = poll.body.taskObject.taskId;
    const out = {
      poll: poll.requests,
      progress: (await count('ReportTaskProgress', { taskId })).requests,
      finish: (await count('SetTaskStatus', { taskId, taskStatus: 'FINISHED' })).requests,
      setStatus: (await count('SetStatus', { pipelineId: r.pipelineId, objectIds: [at('C')], status: 'TRY_CANCEL' })).requests,
      describePipelines: (await count('DescribePipelines', { pipelineIds: [r.pipelineId] })).requests,
      describeObjects: (await count('DescribeObjects', { pipelineId: r.pipelineId, objectIds: [at('B'), `${at('B')}_Attempt=1`] })).requests,
      queryObjects: (await count('QueryObjects', { pipelineId: r.pipelineId, sphere: 'INSTANCE', limit: 10 })).requests,
    };
    client.destroy();
    return out;
  };

  it('each run call makes the same requests with 10 and with 5,000 history items', async () => {
    const fresh = await requestsWith(10);
    const old = await requestsWith(5000);
    expect(old).toEqual(fresh);
    expect(fresh.poll).toHaveLength(5);
  });
});

describe('crashes between the writes of ActivatePipeline and PollForTask, never retried', () => {
  /** A dispatcher on the run's clock whose engine client fails the requests `fails` picks (for good once `forever`). */
  const failingDispatcher = (r: { time: { now: () => Date } }, fails: (command: string, input: Record<string, unknown>) => boolean, forever = true) => {
    const client = dynamoDbClient(engine.endpoint);
    let dead = false;
    client.middlewareStack.add(
      (next, context) => async (args) => {
        const now = fails(context.commandName ?? '', args.input as Record<string, unknown>);
        dead ||= now && forever;
        if (dead || now) throw new Error('simulated crash');
        return next(args);
      },
      { step: 'initialize', name: 'failOnRequest' },
    );
    return { dispatch: dispatcherFor(engine, { client, now: r.time.now }), client };
  };
  const isWrite = (command: string) => ['PutItemCommand', 'UpdateItemCommand', 'BatchWriteItemCommand'].includes(command);
  const nthWrite = (n: number) => {
    let writes = 0;
    return (command: string) => isWrite(command) && ++writes === n;
  };

  /** Works the pipeline's run to its end with healthy calls, the clock moving; the instances' statuses at the end. */
  const workToTheEnd = async (r: Awaited<ReturnType<typeof setUp>>) => {
    for (let round = 0; round < 40; round++) {
      const task = await r.poll();
      if (task) await r.call('SetTaskStatus', { taskId: task.taskId, taskStatus: 'FINISHED' });
      else r.time.advance(60_000);
      const ids = await r.ids('INSTANCE');
      const statuses = ids.length === 0 ? {} : await r.describe(ids);
      if (ids.length > 0 && Object.values(statuses).every((s) => s === 'FINISHED')) return statuses;
    }
    return r.describe(await r.ids('INSTANCE'));
  };

  const RUN = [DEFAULT(), shell('A'), shell('B', { dependsOn: { ref: 'A' } }), shell('C')];
  // The writes of an on-demand activation here: the pipeline, the repair marker, the reservation, 3 instances,
  // 2 first attempts, the instances opened, the marker disarmed.
  it.each(Array.from({ length: 10 }, (_, i) => i + 1))(
    'ActivatePipeline dies at its write %i: the next poll of the worker group finishes the run, which then runs to its end',
    async (n) => {
      const time = clock();
      const caller = newCaller();
      const healthy = dispatcherFor(engine, { now: time.now });
      const pipelineId = await createPipeline(healthy, caller);
      await op(healthy, 'PutPipelineDefinition', { pipelineId, pipelineObjects: RUN }, caller);
      const dying = failingDispatcher({ time }, nthWrite(n));
      const answer = await op(dying.dispatch, 'ActivatePipeline', { pipelineId }, caller);
      dying.client.destroy();
      const call = (operation: string, input: Record<string, unknown>, budgetMs?: number) => op(healthy, operation, input, caller, budgetMs);
      const r = {
        time,
        call,
        poll: async () => (await call('PollForTask', { workerGroup: 'wg' }, 3000)).body.taskObject,
        ids: async (sphere: string) => (await call('QueryObjects', { pipelineId, sphere, limit: 1000 })).body.ids as string[],
        describe: async (ids: string[]) =>
          Object.fromEntries(
            (
              (await call('DescribeObjects', { pipelineId, objectIds: ids })).body.pipelineObjects as {
                id: string;
                fields: { key: string; stringValue?: string }[];
              }[]
            ).map((o) => [o.id, o.fields.find((f) => f.key === '@status')?.stringValue]),
          ),
      } as unknown as Awaited<ReturnType<typeof setUp>>;
      expect(answer.status).toBe(500);
      time.advance(31_000); // past the repair marker's time
      if (n <= 3) {
        // Died before the run was reserved (the n-th write is the one not made): no run, nothing waits; the activation
        // did not happen, or happened without a run, and the marker armed for a repair finds nothing to repair.
        expect(await r.ids('INSTANCE')).toEqual([]);
        return;
      }
      expect(await workToTheEnd(r)).toEqual({ [at('A')]: 'FINISHED', [at('B')]: 'FINISHED', [at('C')]: 'FINISHED' });
    },
  );

  it.each(Array.from({ length: 3 }, (_, i) => i + 1))(
    'PollForTask dies at its write %i (claim, instance, task): the attempt comes back when its lease passes, and the run ends',
    async (n) => {
      const r = await setUp([DEFAULT('wg', { retryDelay: '2 minutes' }), shell('A')]);
      const dying = failingDispatcher(r, nthWrite(n));
      expect((await op(dying.dispatch, 'PollForTask', { workerGroup: 'wg' }, r.caller, 3000)).status).toBe(500);
      dying.client.destroy();
      expect(await workToTheEnd(r)).toEqual({ [at('A')]: 'FINISHED' });
    },
  );

  it('a claim whose next read fails puts the attempt back at once: the next poll hands it out', async () => {
    const r = await setUp([DEFAULT(), shell('A')]);
    let claimed = false;
    const failing = failingDispatcher(
      r,
      (command, input) => {
        if (command === 'UpdateItemCommand' && input.TableName === engine.names.objects) claimed = true;
        return claimed && command === 'GetItemCommand' && input.TableName === engine.names.pipelines && !(claimed = false);
      },
      false,
    );
    expect((await op(failing.dispatch, 'PollForTask', { workerGroup: 'wg' }, r.caller, 3000)).status).toBe(500);
    failing.client.destroy();
    expect((await r.poll())?.attemptId).toBe(`${at('A')}_Attempt=1`);
  });
});

describe("operators racing runners: DeactivatePipeline, TRY_CANCEL and a runner's SetTaskStatus", () => {
  const CASCADING = (extra: Record<string, string> = {}) => DEFAULT('wg', { maximumRetries: '0', ...extra });

  it('DeactivatePipeline (cancelActive) cancels the running instance and, with cascade, its consumers: the run ends, and the pipeline activates again', async () => {
    const r = await setUp([CASCADING(), shell('A'), shell('B', { dependsOn: { ref: 'A' } })]);
    expect((await r.poll())?.attemptId).toBe(`${at('A')}_Attempt=1`);
    expect((await r.call('DeactivatePipeline', { pipelineId: r.pipelineId })).status).toBe(200);
    expect(await r.describe([at('A'), at('B')])).toEqual({ [at('A')]: 'CANCELED', [at('B')]: 'CASCADE_FAILED' });
    r.time.advance(1000);
    expect((await r.call('ActivatePipeline', { pipelineId: r.pipelineId })).status).toBe(200);
    expect((await r.poll())?.attemptId).toBe('@A_2026-11-29T10:00:01_Attempt=1');
  });

  it("DeactivatePipeline held after reading the attempt while the runner finishes it: the runner's FINISHED stands on task, attempt and instance", async () => {
    let armed = false;
    const hold = holdAt<RunStore>('getObjects', { armed: () => armed, after: () => true }); // the open instances' head attempts
    const r = await setUp([CASCADING(), shell('A')], { runs: hold.wrap });
    const t = await r.poll();
    armed = true;
    const deactivating = r.call('DeactivatePipeline', { pipelineId: r.pipelineId });
    await hold.arrived;
    expect((await r.call('SetTaskStatus', { taskId: t.taskId, taskStatus: 'FINISHED' })).status).toBe(200);
    hold.release();
    expect((await deactivating).status).toBe(200);
    expect(await r.describe([at('A'), `${at('A')}_Attempt=1`])).toEqual({ [at('A')]: 'FINISHED', [`${at('A')}_Attempt=1`]: 'FINISHED' });
  });

  it('TRY_CANCEL held after reading the instance while the runner fails its attempt (a retry is made): the retry is canceled too, and never handed out', async () => {
    let armed = false;
    const hold = holdAt<RunStore>('getAttempt', { armed: () => armed });
    const r = await setUp([DEFAULT('wg', { maximumRetries: '2', retryDelay: '2 minutes' }), shell('A')], { runs: hold.wrap });
    const t = await r.poll();
    armed = true;
    const canceling = r.call('SetStatus', { pipelineId: r.pipelineId, objectIds: [at('A')], status: 'TRY_CANCEL' });
    await hold.arrived; // it read the instance (head: attempt 1)
    expect((await r.call('SetTaskStatus', { taskId: t.taskId, taskStatus: 'FAILED' })).status).toBe(200);
    expect(await r.describe([at('A')])).toEqual({ [at('A')]: 'WAITING_FOR_RUNNER' }); // attempt 2, after retryDelay
    hold.release();
    expect((await canceling).status).toBe(200);
    r.time.advance(3 * 60_000);
    expect(await r.poll()).toBeUndefined();
    expect(await r.describe([at('A'), `${at('A')}_Attempt=1`, `${at('A')}_Attempt=2`])).toEqual({
      [at('A')]: 'CANCELED',
      [`${at('A')}_Attempt=1`]: 'FAILED',
      [`${at('A')}_Attempt=2`]: 'CANCELED',
    });
  });

  it("an attempt left in the ready index under an instance that ended (an operator's change between a retry's two writes) is not handed out: the poll cancels it", async () => {
    const r = await setUp([DEFAULT(), shell('A')]);
    await new DynamoDbRunStore(engine.client, engine.names).apply(
      r.pipelineId,
      r.caller.accountId,
      [{ instanceId: at('A'), from: ['WAITING_FOR_RUNNER'], to: 'CANCELED' }],
      '2026-11-29T10:00:00.000Z',
    );
    expect(await r.poll()).toBeUndefined();
    expect(await r.describe([`${at('A')}_Attempt=1`])).toEqual({ [`${at('A')}_Attempt=1`]: 'CANCELED' });
  });
});

describe('SetStatus of instances: bounded work', () => {
  it("more than 100 ids is refused before anything changes (the model's length message)", async () => {
    const r = await setUp([DEFAULT(), shell('A')]);
    const answer = await r.call('SetStatus', { pipelineId: r.pipelineId, objectIds: Array.from({ length: 101 }, (_, i) => `@X${i}`), status: 'TRY_CANCEL' });
    expect([answer.status, answer.body.__type]).toEqual([400, 'InvalidRequestException']);
  });

  it('TRY_CANCEL of the heads of 5 runs, each with 20 consumers: every consumer CASCADE_FAILED (each written once a call)', async () => {
    const consumers = Array.from({ length: 20 }, (_, i) => shell(`C${i}`, { dependsOn: { ref: 'A' } }));
    const r = await setUp([DEFAULT('wg', { maxActiveInstances: '5' }), shell('A'), ...consumers]);
    for (let run = 1; run < 5; run++) {
      r.time.advance(1000);
      expect((await r.call('ActivatePipeline', { pipelineId: r.pipelineId })).status).toBe(200);
    }
    const heads = (await r.ids('INSTANCE')).filter((id) => id.startsWith('@A_'));
    expect(heads).toHaveLength(5);
    expect((await r.call('SetStatus', { pipelineId: r.pipelineId, objectIds: heads, status: 'TRY_CANCEL' })).status).toBe(200);
    const all = await r.ids('INSTANCE');
    const statuses = { ...(await r.describe(all.slice(0, 100))), ...(await r.describe(all.slice(100))) };
    expect(new Set(all.filter((id) => id.startsWith('@A_')).map((id) => statuses[id]))).toEqual(new Set(['CANCELED']));
    expect(new Set(all.filter((id) => id.startsWith('@C')).map((id) => statuses[id]))).toEqual(new Set(['CASCADE_FAILED']));
    expect(all.filter((id) => id.startsWith('@C'))).toHaveLength(100);
  });
});

describe("giving up passed leases is bounded by the request's time", () => {
  it('a read with less than 1.5 s before its deadline leaves a passed lease to the next read; one with time gives it up', async () => {
    const r = await setUp([DEFAULT(), shell('A')]);
    const t = await r.poll();
    r.time.advance(3 * 60_000);
    const status = async (budgetMs: number) => {
      const answer = await r.call('DescribeObjects', { pipelineId: r.pipelineId, objectIds: [t.attemptId] }, budgetMs);
      return (answer.body.pipelineObjects[0].fields as { key: string; stringValue?: string }[]).find((f) => f.key === '@status')?.stringValue;
    };
    expect(await status(1000)).toBe('RUNNING');
    expect(await status(5000)).toBe('TIMEDOUT');
  });
});

describe('a late repeat of an old attempt', () => {
  it('SetTaskStatus FINISHED repeated for an attempt a RERUN replaced does not start the dependents', async () => {
    const r = await setUp([DEFAULT(), shell('A'), shell('C', { dependsOn: { ref: 'A' } })]);
    const a1 = await r.poll();
    await r.call('SetTaskStatus', { taskId: a1.taskId, taskStatus: 'FINISHED' });
    const c1 = await r.poll(); // C's first attempt
    await r.call('SetTaskStatus', { taskId: c1.taskId, taskStatus: 'FINISHED' });
    await r.call('SetStatus', { pipelineId: r.pipelineId, objectIds: [at('A')], status: 'RERUN' });
    await r.call('SetStatus', { pipelineId: r.pipelineId, objectIds: [at('C')], status: 'RERUN' }); // C waits on A again
    expect(await r.describe([at('A'), at('C')])).toEqual({ [at('A')]: 'WAITING_FOR_RUNNER', [at('C')]: 'WAITING_ON_DEPENDENCIES' });
    expect((await r.call('SetTaskStatus', { taskId: a1.taskId, taskStatus: 'FINISHED' })).status).toBe(200); // an SDK retry, late
    expect(await r.describe([at('A'), at('C')])).toEqual({ [at('A')]: 'WAITING_FOR_RUNNER', [at('C')]: 'WAITING_ON_DEPENDENCIES' });
  });
});
