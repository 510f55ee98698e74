/** The run planner and the run state machine, without a database. */
import type { Definition } from '../../lambda/definitions/definition';
import { Inheritance } from '../../lambda/definitions/inheritance';
import { planRun, settingsOf } from '../../lambda/runs/plan-run';
import type { Instance, InstanceStatus } from '../../lambda/runs/run-model';
import { attemptEnded, cascadeFrom, readyDependents } from '../../lambda/runs/transitions';
import { object } from '../support/pipelines';

const AT = new Date('2026-11-29T10:00:00.000Z');
const STRICT = { relaxed: false };
const RELAXED = { relaxed: true };
const def = (...pipelineObjects: ReturnType<typeof object>[]): Definition => ({ pipelineObjects, parameterObjects: [], parameterValues: [] });
const shell = (id: string, extra: Record<string, string | { ref: string } | string[]> = {}) => object(id, { type: 'ShellCommandActivity', command: `echo ${id}`, ...extra });
const DEFAULT = object('Default', { scheduleType: 'ondemand', workerGroup: 'wg', failureAndRerunMode: 'CASCADE' });

/** A diamond: A, then B and C (both on A), then D (on B and C). */
const DIAMOND = def(DEFAULT, shell('A'), shell('B', { dependsOn: { ref: 'A' } }), shell('C', { dependsOn: { ref: 'A' } }), object('D', { type: 'ShellCommandActivity', command: 'x', dependsOn: [{ ref: 'B' }, { ref: 'C' }] as never }));

const planned = (d: Definition, limits = STRICT) => {
  const p = planRun(d, AT, limits);
  if (p.refusal !== undefined) throw new Error(p.refusal);
  return p.run;
};
const byComponent = (run: readonly Instance[], id: string) => run.find((i) => i.componentId === id)!;
const withStatus = (run: readonly Instance[], statuses: Record<string, InstanceStatus>) => run.map((i) => ({ ...i, status: statuses[i.componentId] ?? i.status }));

describe('planRun', () => {
  it('refuses a pipeline that is not on demand, naming its scheduleType', () => {
    expect(planRun(def(object('Default', { scheduleType: 'cron' }), shell('A')), AT, STRICT).refusal).toContain("it is 'cron'");
    expect(planRun(def(shell('A', { workerGroup: 'wg' })), AT, STRICT).refusal).toContain('not set, so cron');
  });

  it('makes one instance per activity with AWS\'s id shapes; those with nothing to wait for get attempt 1 at once', () => {
    const run = planned(def(DEFAULT, shell('A'), object('Data', { type: 'S3DataNode' }), shell('B', { dependsOn: { ref: 'A' } })));
    expect(run.instances.map((i) => [i.instanceId, i.status, i.attemptCount])).toEqual([
      ['@A_2026-11-29T10:00:00', 'WAITING_FOR_RUNNER', 1],
      ['@B_2026-11-29T10:00:00', 'WAITING_ON_DEPENDENCIES', 0],
    ]);
    expect(run.attempts).toEqual([
      { attemptId: '@A_2026-11-29T10:00:00_Attempt=1', instanceId: '@A_2026-11-29T10:00:00', componentId: 'A', number: 1, status: 'WAITING_FOR_RUNNER', workerGroup: 'wg', availableAt: AT.toISOString() },
    ]);
  });

  it('routes by workerGroup (inherited, exact), else by the runsOn resource\'s workerGroup, else by its id', () => {
    const run = planned(
      def(
        object('Default', { scheduleType: 'ondemand' }),
        object('Base', { workerGroup: 'Group-A' }),
        shell('Inherits', { parent: { ref: 'Base' } }),
        object('Box', { type: 'Ec2Resource', role: 'r', resourceRole: 'r' }),
        object('Tagged', { type: 'Ec2Resource', role: 'r', resourceRole: 'r', workerGroup: 'box-group' }),
        shell('OnBox', { runsOn: { ref: 'Box' } }),
        shell('OnTagged', { runsOn: { ref: 'Tagged' } }),
      ),
    );
    expect(run.instances.map((i) => [i.componentId, i.settings.workerGroup])).toEqual([
      ['Inherits', 'Group-A'],
      ['OnBox', 'Box'],
      ['OnTagged', 'box-group'],
    ]);
  });

  it('holds the limits of dp-limits by default (at most 5 retries, 2 minutes apart) and drops them when relaxed, where periods may be seconds', () => {
    const objects = def(DEFAULT, shell('A', { maximumRetries: '9', retryDelay: '1 seconds', reportProgressTimeout: '3 seconds' }));
    const strict = new Inheritance(objects.pipelineObjects);
    const a = strict.get('A')!;
    // Seconds are no period without relaxed limits: the defaults apply.
    expect(settingsOf(strict, a, new Set(['A']), STRICT)).toMatchObject({ maximumRetries: 5, retryDelayMs: 600_000, reportProgressTimeoutMs: 900_000, acknowledgeTimeoutMs: 120_000 });
    const minute = new Inheritance(def(DEFAULT, shell('A', { retryDelay: '1 minute' })).pipelineObjects);
    expect(settingsOf(minute, minute.get('A')!, new Set(['A']), STRICT).retryDelayMs).toBe(120_000);
    expect(settingsOf(strict, a, new Set(['A']), RELAXED)).toMatchObject({ maximumRetries: 9, retryDelayMs: 1000, reportProgressTimeoutMs: 3000, acknowledgeTimeoutMs: 3000 });
    expect(settingsOf(strict, strict.get('Default')!, new Set(), STRICT)).toMatchObject({ maximumRetries: 2, retryDelayMs: 600_000, cascade: true });
  });
});

describe('the state machine', () => {
  it('a diamond: D becomes ready only when both B and C are finished', () => {
    let run = planned(DIAMOND).instances;
    const a = byComponent(run, 'A');
    const afterA = attemptEnded(run, a, 1, 'FINISHED', AT);
    expect(afterA.map((c) => [c.instanceId, c.to, c.attempt?.attemptId])).toEqual([
      ['@A_2026-11-29T10:00:00', 'FINISHED', undefined],
      ['@B_2026-11-29T10:00:00', 'WAITING_FOR_RUNNER', '@B_2026-11-29T10:00:00_Attempt=1'],
      ['@C_2026-11-29T10:00:00', 'WAITING_FOR_RUNNER', '@C_2026-11-29T10:00:00_Attempt=1'],
    ]);
    run = withStatus(run, { A: 'FINISHED', B: 'RUNNING', C: 'RUNNING' });
    expect(attemptEnded(run, byComponent(run, 'B'), 1, 'FINISHED', AT).map((c) => c.instanceId)).toEqual(['@B_2026-11-29T10:00:00']);
    run = withStatus(run, { B: 'FINISHED' });
    expect(attemptEnded(run, byComponent(run, 'C'), 1, 'FINISHED', AT).map((c) => [c.instanceId, c.to])).toEqual([
      ['@C_2026-11-29T10:00:00', 'FINISHED'],
      ['@D_2026-11-29T10:00:00', 'WAITING_FOR_RUNNER'],
    ]);
  });

  it('a failure with retries left makes the next attempt, available after retryDelay', () => {
    const run = withStatus(planned(DIAMOND).instances, { A: 'RUNNING' });
    const [change] = attemptEnded(run, byComponent(run, 'A'), 1, 'FAILED', AT);
    expect(change).toEqual({
      instanceId: '@A_2026-11-29T10:00:00',
      from: 'RUNNING',
      to: 'WAITING_FOR_RUNNER',
      attempt: {
        attemptId: '@A_2026-11-29T10:00:00_Attempt=2',
        instanceId: '@A_2026-11-29T10:00:00',
        componentId: 'A',
        number: 2,
        status: 'WAITING_FOR_RUNNER',
        workerGroup: 'wg',
        availableAt: '2026-11-29T10:10:00.000Z',
      },
    });
    expect(attemptEnded(run, byComponent(run, 'A'), 2, 'TIMEDOUT', AT)[0].attempt?.number).toBe(3);
  });

  it('the last failure fails the instance and, with cascade, every instance downstream: CASCADE_FAILED', () => {
    const run = withStatus(planned(DIAMOND).instances, { A: 'RUNNING' });
    expect(attemptEnded(run, byComponent(run, 'A'), 3, 'FAILED', AT).map((c) => [c.instanceId.slice(0, 2), c.to])).toEqual([
      ['@A', 'FAILED'],
      ['@B', 'CASCADE_FAILED'],
      ['@C', 'CASCADE_FAILED'],
      ['@D', 'CASCADE_FAILED'],
    ]);
  });

  it('without cascade, the instances downstream keep waiting', () => {
    const noCascade = def(object('Default', { scheduleType: 'ondemand', workerGroup: 'wg' }), shell('A'), shell('B', { dependsOn: { ref: 'A' } }));
    const run = withStatus(planned(noCascade).instances, { A: 'RUNNING' });
    expect(attemptEnded(run, byComponent(run, 'A'), 3, 'FAILED', AT).map((c) => c.to)).toEqual(['FAILED']);
    expect(cascadeFrom(run, 'A').map((c) => c.to)).toEqual(['CASCADE_FAILED']); // what cascade would have done
  });

  it('readyDependents leaves final and running instances alone', () => {
    const run = withStatus(planned(DIAMOND).instances, { A: 'FINISHED', B: 'CANCELED', C: 'RUNNING' });
    expect(readyDependents(run, AT)).toEqual([]);
  });
});
