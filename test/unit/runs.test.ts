/** The run planner and the run state machine, without a database. */
import type { Definition } from '../../lambda/definitions/definition';
import { Inheritance } from '../../lambda/definitions/inheritance';
import { planRun } from '../../lambda/runs/plan-run';
import { settingsOf } from '../../lambda/definitions/activity-settings';
import { periodsToOpen } from '../../lambda/runs/schedule';
import { NOTHING_OPEN, openedFrom } from '../support/pipelines';
import type { Instance, InstanceStatus } from '../../lambda/runs/run-model';
import { attemptEnded, dependenciesMet, LIVE_STATUSES, rerun } from '../../lambda/runs/transitions';
import { object } from '../support/pipelines';

const AT = new Date('2026-11-29T10:00:00.000Z');
const STRICT = { relaxed: false };
const RELAXED = { relaxed: true };
const def = (...pipelineObjects: ReturnType<typeof object>[]): Definition => ({ pipelineObjects, parameterObjects: [], parameterValues: [] });
const shell = (id: string, extra: Record<string, string | { ref: string } | string[]> = {}) =>
  object(id, { type: 'ShellCommandActivity', command: `echo ${id}`, ...extra });
const DEFAULT = object('Default', { scheduleType: 'ondemand', workerGroup: 'wg', failureAndRerunMode: 'CASCADE' });

/** A diamond: A, then B and C (both on A), then D (on B and C). */
const DIAMOND = def(
  DEFAULT,
  shell('A'),
  shell('B', { dependsOn: { ref: 'A' } }),
  shell('C', { dependsOn: { ref: 'A' } }),
  object('D', { type: 'ShellCommandActivity', command: 'x', dependsOn: [{ ref: 'B' }, { ref: 'C' }] as never }),
);

const planned = (d: Definition, limits = STRICT) => {
  const p = planRun(d, AT, limits);
  if (p.refusal !== undefined) throw new Error(p.refusal);
  return p.run;
};
const byComponent = (run: readonly Instance[], id: string) => run.find((i) => i.componentId === id)!;
const withStatus = (run: readonly Instance[], statuses: Record<string, InstanceStatus>) =>
  run.map((i) => ({ ...i, status: statuses[i.componentId] ?? i.status }));

describe('periodsToOpen (scheduled pipelines)', () => {
  const hourly = (extra: Record<string, string> = {}, scheduleType = 'cron') =>
    def(
      object('Default', { scheduleType, workerGroup: 'wg', schedule: { ref: 'Hourly' } }),
      object('Hourly', { type: 'Schedule', period: '1 hours', startDateTime: '2026-11-29T08:00:00', ...extra }),
      shell('A'),
      shell('B', { dependsOn: { ref: 'A' } }),
    );
  const open = (d: Definition, existing: Instance[] = [], now = AT, ctx = { firstActivation: AT }) => {
    const p = periodsToOpen(d, ctx, openedFrom(existing), now, STRICT);
    if ('refusal' in p) throw new Error(p.refusal);
    return { periods: p.runs.map((r) => r.runId), next: p.next?.toISOString(), runs: p.runs };
  };

  it('cron: each period is ready at its start; past periods are backfilled in order, the next one is due at its start', () => {
    const o = open(hourly());
    expect(o.periods).toEqual(['2026-11-29T08:00:00.000Z', '2026-11-29T09:00:00.000Z', '2026-11-29T10:00:00.000Z']);
    expect(o.next).toBe('2026-11-29T11:00:00.000Z');
    const first = o.runs[0].run;
    expect(first.instances.map((i) => [i.instanceId, i.status, i.scheduledStartTime, i.scheduledEndTime])).toEqual([
      ['@A_2026-11-29T08:00:00', 'WAITING_FOR_RUNNER', '2026-11-29T08:00:00.000Z', '2026-11-29T09:00:00.000Z'],
      ['@B_2026-11-29T08:00:00', 'WAITING_ON_DEPENDENCIES', '2026-11-29T08:00:00.000Z', '2026-11-29T09:00:00.000Z'],
    ]);
    expect(first.attempts.map((a) => [a.attemptId, a.availableAt])).toEqual([['@A_2026-11-29T08:00:00_Attempt=1', '2026-11-29T08:00:00.000Z']]);
  });

  it('timeseries: each period is ready at its end', () => {
    const o = open(hourly({}, 'timeseries'));
    expect(o.periods).toEqual(['2026-11-29T08:00:00.000Z', '2026-11-29T09:00:00.000Z']);
    expect(o.next).toBe('2026-11-29T11:00:00.000Z');
    expect(o.runs[0].run.attempts[0].availableAt).toBe('2026-11-29T09:00:00.000Z');
  });

  it('endDateTime and occurrences end the schedule; startAt is the first activation; periods after those opened come next', () => {
    expect(open(hourly({ endDateTime: '2026-11-29T09:30:00' }))).toMatchObject({
      periods: ['2026-11-29T08:00:00.000Z', '2026-11-29T09:00:00.000Z'],
      next: undefined,
    });
    expect(open(hourly({ occurrences: '1' })).periods).toEqual(['2026-11-29T08:00:00.000Z']);
    const atActivation = def(
      object('Default', { workerGroup: 'wg', schedule: { ref: 'S' } }),
      object('S', { type: 'Schedule', period: '1 hours', startAt: 'FIRST_ACTIVATION_DATE_TIME' }),
      shell('A'),
    );
    const first = open(atActivation, [], AT, { firstActivation: new Date('2026-11-29T09:30:00Z') });
    expect(first.periods).toEqual(['2026-11-29T09:30:00.000Z']);
    const opened = open(hourly())
      .runs.slice(0, 2)
      .flatMap((r) => r.run.instances)
      .map((i) => ({ ...i, status: 'FINISHED' as const }));
    expect(open(hourly(), opened).periods).toEqual(['2026-11-29T10:00:00.000Z']);
  });

  it("months keep their day or take the month's last; startTimestamp skips earlier periods", () => {
    const monthly = def(
      object('Default', { workerGroup: 'wg', schedule: { ref: 'M' } }),
      object('M', { type: 'Schedule', period: '1 months', startDateTime: '2026-01-31T00:00:00' }),
      shell('A'),
    );
    expect(open(monthly, [], new Date('2026-05-01T00:00:00Z')).periods).toEqual([
      '2026-01-31T00:00:00.000Z',
      '2026-02-28T00:00:00.000Z',
      '2026-03-31T00:00:00.000Z',
      '2026-04-30T00:00:00.000Z',
    ]);
    expect(open(hourly(), [], AT, { firstActivation: AT, resumeFrom: new Date('2026-11-29T09:30:00Z') } as never).periods).toEqual([
      '2026-11-29T10:00:00.000Z',
    ]);
  });

  it('at most 5 instances of an activity are not final at once (maxActiveInstances, at most 5): the rest wait', () => {
    const daily = def(
      object('Default', { workerGroup: 'wg', schedule: { ref: 'D' } }),
      object('D', { type: 'Schedule', period: '1 days', startDateTime: '2026-11-01T00:00:00' }),
      shell('A'),
    );
    const o = open(daily);
    expect(o.periods).toHaveLength(5);
    expect(o.next).toBe(new Date(AT.getTime() + 1000).toISOString()); // looks again soon: an instance may end
    const two = open(
      def(
        object('Default', { workerGroup: 'wg', schedule: { ref: 'D' } }),
        object('D', { type: 'Schedule', period: '1 days', startDateTime: '2026-11-01T00:00:00' }),
        shell('A', { maxActiveInstances: '2' }),
      ),
    );
    expect(two.periods).toHaveLength(2);
  });

  it('with relaxed limits a period may be in seconds (without, it is no period this backend can run)', () => {
    const fast = def(
      object('Default', { workerGroup: 'wg', schedule: { ref: 'S' } }),
      object('S', { type: 'Schedule', period: '10 seconds', startDateTime: '2026-11-29T09:59:30' }),
      shell('A'),
    );
    const relaxed = periodsToOpen(fast, { firstActivation: AT }, NOTHING_OPEN, AT, RELAXED);
    expect('runs' in relaxed && relaxed.runs.map((r) => r.runId)).toEqual([
      '2026-11-29T09:59:30.000Z',
      '2026-11-29T09:59:40.000Z',
      '2026-11-29T09:59:50.000Z',
      '2026-11-29T10:00:00.000Z',
    ]);
    expect(periodsToOpen(fast, { firstActivation: AT }, NOTHING_OPEN, AT, STRICT)).toEqual({
      refusal: "Schedule S has no period this backend can run ('10 seconds').",
    });
  });

  it('refuses an activity without a schedule, and a schedule without a start', () => {
    const noSchedule = periodsToOpen(def(object('Default', { workerGroup: 'wg' }), shell('A')), { firstActivation: AT }, NOTHING_OPEN, AT, STRICT);
    expect(noSchedule).toEqual({ refusal: 'Activity A has no schedule: a cron pipeline needs one on each activity (or on Default).' });
    const noStart = periodsToOpen(
      def(object('Default', { workerGroup: 'wg', schedule: { ref: 'S' } }), object('S', { type: 'Schedule', period: '1 days' }), shell('A')),
      { firstActivation: AT },
      NOTHING_OPEN,
      AT,
      STRICT,
    );
    expect(noStart).toEqual({ refusal: 'Schedule S has no start: give startDateTime or startAt FIRST_ACTIVATION_DATE_TIME.' });
  });
});

describe('planRun', () => {
  it("makes one instance per activity with AWS's id shapes; those with nothing to wait for get attempt 1 at once", () => {
    const run = planned(def(DEFAULT, shell('A'), object('Data', { type: 'S3DataNode' }), shell('B', { dependsOn: { ref: 'A' } })));
    expect(run.instances.map((i) => [i.instanceId, i.status, i.attemptCount])).toEqual([
      ['@A_2026-11-29T10:00:00', 'WAITING_FOR_RUNNER', 1],
      ['@B_2026-11-29T10:00:00', 'WAITING_ON_DEPENDENCIES', 0],
    ]);
    expect(run.attempts).toEqual([
      {
        attemptId: '@A_2026-11-29T10:00:00_Attempt=1',
        instanceId: '@A_2026-11-29T10:00:00',
        componentId: 'A',
        number: 1,
        status: 'WAITING_FOR_RUNNER',
        workerGroup: 'wg',
        availableAt: AT.toISOString(),
        // What a poll needs of its instance travels with it.
        run: { settings: byComponent(run.instances, 'A').settings, scheduledStartTime: AT.toISOString(), scheduledEndTime: AT.toISOString() },
      },
    ]);
  });

  it("routes by the runsOn resource's workerGroup, else its id, when runsOn is given; else by workerGroup (inherited, exact)", () => {
    const run = planned(
      def(
        object('Default', { scheduleType: 'ondemand' }),
        object('Base', { workerGroup: 'Group-A' }),
        shell('Inherits', { parent: { ref: 'Base' } }),
        object('Box', { type: 'Ec2Resource', role: 'r', resourceRole: 'r' }),
        object('Tagged', { type: 'Ec2Resource', role: 'r', resourceRole: 'r', workerGroup: 'box-group' }),
        shell('OnBox', { runsOn: { ref: 'Box' } }),
        shell('OnTagged', { runsOn: { ref: 'Tagged' } }),
        // dp-object-shellcommandactivity: "If you provide a runsOn value and workerGroup exists, workerGroup is ignored."
        shell('Both', { runsOn: { ref: 'Box' }, workerGroup: 'ignored' }),
      ),
    );
    expect(run.instances.map((i) => [i.componentId, i.settings.workerGroup])).toEqual([
      ['Inherits', 'Group-A'],
      ['OnBox', 'Box'],
      ['OnTagged', 'box-group'],
      ['Both', 'Box'],
    ]);
  });

  it('holds the limits of dp-limits by default (at most 5 retries, 2 minutes apart) and drops them when relaxed, where periods may be seconds', () => {
    const objects = def(DEFAULT, shell('A', { maximumRetries: '9', retryDelay: '1 seconds', reportProgressTimeout: '3 seconds' }));
    const strict = new Inheritance(objects.pipelineObjects);
    const a = strict.get('A')!;
    // Seconds are no period without relaxed limits: the defaults apply.
    expect(settingsOf(strict, a, new Set(['A']), STRICT)).toMatchObject({
      maximumRetries: 5,
      retryDelayMs: 600_000,
      reportProgressTimeoutMs: 900_000,
      acknowledgeTimeoutMs: 120_000,
    });
    const minute = new Inheritance(def(DEFAULT, shell('A', { retryDelay: '1 minute' })).pipelineObjects);
    expect(settingsOf(minute, minute.get('A')!, new Set(['A']), STRICT).retryDelayMs).toBe(120_000);
    expect(settingsOf(strict, a, new Set(['A']), RELAXED)).toMatchObject({
      maximumRetries: 9,
      retryDelayMs: 1000,
      reportProgressTimeoutMs: 3000,
      acknowledgeTimeoutMs: 3000,
    });
    expect(settingsOf(strict, strict.get('Default')!, new Set(), STRICT)).toMatchObject({ maximumRetries: 2, retryDelayMs: 600_000, cascade: true });
  });
});

describe('the state machine: each event a few writes by key', () => {
  it('planning gives each instance its pending dependencies, its dependents and what is downstream of it', () => {
    const run = planned(DIAMOND).instances;
    const [a, b, c, d] = ['A', 'B', 'C', 'D'].map((id) => byComponent(run, id));
    expect(a.pending).toBeUndefined();
    expect(a.headAttempt).toBe('@A_2026-11-29T10:00:00_Attempt=1');
    expect(d.pending).toEqual(['B', 'C']);
    expect(a.settings.dependents).toEqual(['B', 'C']);
    expect([...a.settings.downstream!].sort()).toEqual(['B', 'C', 'D']);
    expect([b.settings.dependents, c.settings.dependents, d.settings.dependents]).toEqual([['D'], ['D'], []]);
  });

  it('an attempt that finishes: its instance FINISHED (while that attempt is its head), and its dependents hear of it by key', () => {
    const a = byComponent(planned(DIAMOND).instances, 'A');
    expect(attemptEnded(a, 1, 'FINISHED', AT)).toEqual({
      changes: [{ instanceId: '@A_2026-11-29T10:00:00', from: LIVE_STATUSES, to: 'FINISHED', head: '@A_2026-11-29T10:00:00_Attempt=1' }],
      notify: ['@B_2026-11-29T10:00:00', '@C_2026-11-29T10:00:00'],
      finished: 'A',
    });
  });

  it('a dependent whose pending set is empty gets attempt 1, from WAITING_ON_DEPENDENCIES only', () => {
    const d = { ...byComponent(planned(DIAMOND).instances, 'D'), pending: [] };
    expect(dependenciesMet(d, AT)).toEqual({
      instanceId: '@D_2026-11-29T10:00:00',
      from: ['WAITING_ON_DEPENDENCIES'],
      to: 'WAITING_FOR_RUNNER',
      attempt: expect.objectContaining({ attemptId: '@D_2026-11-29T10:00:00_Attempt=1', availableAt: AT.toISOString() }),
    });
  });

  it('a failure with retries left makes the next attempt, available after retryDelay', () => {
    const a = byComponent(planned(DIAMOND).instances, 'A');
    const { changes } = attemptEnded(a, 1, 'FAILED', AT);
    expect(changes).toEqual([
      {
        instanceId: '@A_2026-11-29T10:00:00',
        from: LIVE_STATUSES,
        to: 'WAITING_FOR_RUNNER',
        head: '@A_2026-11-29T10:00:00_Attempt=1',
        attempt: {
          attemptId: '@A_2026-11-29T10:00:00_Attempt=2',
          instanceId: '@A_2026-11-29T10:00:00',
          componentId: 'A',
          number: 2,
          status: 'WAITING_FOR_RUNNER',
          workerGroup: 'wg',
          availableAt: '2026-11-29T10:10:00.000Z',
          run: { settings: a.settings, scheduledStartTime: a.scheduledStartTime, scheduledEndTime: a.scheduledEndTime },
        },
      },
    ]);
    expect(attemptEnded(a, 2, 'TIMEDOUT', AT).changes[0].attempt?.number).toBe(3);
  });

  it('the last failure fails the instance and, with cascade, every instance downstream: CASCADE_FAILED', () => {
    const a = byComponent(planned(DIAMOND).instances, 'A');
    expect(
      attemptEnded(a, 3, 'FAILED', AT)
        .changes.map((c) => [c.instanceId.slice(0, 2), c.to])
        .sort(),
    ).toEqual([
      ['@A', 'FAILED'],
      ['@B', 'CASCADE_FAILED'],
      ['@C', 'CASCADE_FAILED'],
      ['@D', 'CASCADE_FAILED'],
    ]);
  });

  it('without cascade, the instances downstream keep waiting', () => {
    const noCascade = def(object('Default', { scheduleType: 'ondemand', workerGroup: 'wg' }), shell('A'), shell('B', { dependsOn: { ref: 'A' } }));
    const a = byComponent(planned(noCascade).instances, 'A');
    expect(attemptEnded(a, 3, 'FAILED', AT).changes.map((c) => c.to)).toEqual(['FAILED']);
  });

  it('a rerun with cascade: its CASCADE_FAILED consumers wait again on what is not finished', () => {
    const run = withStatus(planned(DIAMOND).instances, { A: 'FAILED', B: 'CASCADE_FAILED', C: 'CASCADE_FAILED', D: 'CASCADE_FAILED' });
    const byId = new Map(run.map((i) => [i.componentId, i]));
    const changes = rerun(
      byId.get('A')!,
      (c) => byId.get(c)?.status,
      (c) => byId.get(c)?.settings.dependsOn ?? [],
      AT,
    );
    if ('refusal' in changes) throw new Error(changes.refusal);
    expect(changes.map((c) => [c.instanceId.slice(0, 2), c.to, c.pending?.slice().sort()])).toEqual([
      ['@A', 'WAITING_FOR_RUNNER', undefined],
      ...[
        ['@B', ['A']],
        ['@C', ['A']],
        ['@D', ['B', 'C']],
      ].map(([id, pending]) => [id, 'WAITING_ON_DEPENDENCIES', pending]),
    ]);
  });
});
