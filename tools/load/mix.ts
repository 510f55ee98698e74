/**
 * What a load test sends: a weighted mix of request kinds, each with the stored state it needs.
 * Kinds that move a task out of RUNNING use each seeded task once; the others reuse a small set.
 */
import { randomBytes } from 'node:crypto';
import { DataPipelineClient, SetTaskStatusCommand, SetTaskStatusCommandInput } from '@aws-sdk/client-data-pipeline';
import type { TablesTarget } from '../targets';
import { EMPTY_PLAN, seed, SeededTask, SeedPlan } from '../seeding';
import type { Call } from './driver';

/** Every kind, with the outcome the behaviour reference gives it. */
export const KINDS = {
  finished: 'ok (RUNNING -> FINISHED)',
  failed: 'ok (RUNNING -> FAILED, with error fields)',
  false: 'ok (RUNNING -> FALSE)',
  repeat: 'ok (same status again)',
  conflict: 'InvalidRequestException (other status on a finished task)',
  canceled: 'ok (canceled task)',
  deleted: 'PipelineDeletedException',
  missing: 'PipelineNotFoundException',
  unknown: 'TaskNotFoundException',
  invalid: 'InvalidRequestException (validation)',
} as const;
type Kind = keyof typeof KINDS;
const FRESH: readonly Kind[] = ['finished', 'failed', 'false'];
/** How many stored tasks the reusable kinds cycle through. */
const REUSED = 20;

export type Mix = ReadonlyArray<{ kind: Kind; weight: number }>;

/** Parses `finished=70,failed=20,unknown=10`. */
export const parseMix = (text: string): Mix => {
  const mix = text.split(',').map((part) => {
    const [kind, weight] = part.split('=');
    if (!(kind in KINDS)) throw new Error(`unknown kind '${kind}' in --mix; kinds: ${Object.keys(KINDS).join(', ')}`);
    const w = Number(weight);
    if (!Number.isFinite(w) || w < 0) throw new Error(`--mix ${kind} needs a weight >= 0, not '${weight}'`);
    return { kind: kind as Kind, weight: w };
  });
  if (mix.reduce((sum, m) => sum + m.weight, 0) <= 0) throw new Error('--mix needs a positive total weight');
  return mix;
};

/** The share of calls that use up a fresh task. */
export const freshShare = (mix: Mix): number => {
  const total = mix.reduce((sum, m) => sum + m.weight, 0);
  return mix.filter((m) => FRESH.includes(m.kind)).reduce((sum, m) => sum + m.weight, 0) / total;
};

/**
 * Seeds what the mix needs (`freshTasks` RUNNING tasks, plus the reusable sets of the kinds present),
 * settles the tasks `repeat` and `conflict` use, and returns the request source for the driver.
 */
export const prepareMix = async (mix: Mix, sdk: DataPipelineClient, tables: TablesTarget, freshTasks: number): Promise<() => Call | undefined> => {
  const has = (kinds: Kind[]) => mix.some((m) => m.weight > 0 && kinds.includes(m.kind));
  const perPipeline = Math.min(100, freshTasks);
  const fresh = has([...FRESH])
    ? (await seed(tables.client, tables.names, { ...EMPTY_PLAN, pipelines: Math.ceil(freshTasks / perPipeline), tasksPerPipeline: perPipeline }, tables)).slice(
        0,
        freshTasks,
      )
    : [];
  const seedSet = async (plan: Partial<SeedPlan>, needed: boolean) =>
    needed ? seed(tables.client, tables.names, { ...EMPTY_PLAN, tasksPerPipeline: REUSED, ...plan }, tables) : [];
  const done = await seedSet({ pipelines: 1 }, has(['repeat', 'conflict']));
  const canceled = await seedSet({ canceledTasks: REUSED }, has(['canceled']));
  const deleted = await seedSet({ deletedPipelines: 1 }, has(['deleted']));
  const missing = await seedSet({ missingPipelines: 1 }, has(['missing']));
  for (const t of done) await sdk.send(new SetTaskStatusCommand({ taskId: t.taskId, taskStatus: 'FINISHED' }));

  let freshUsed = 0;
  let turn = 0;
  const cycle = (tasks: SeededTask[]) => tasks[turn++ % tasks.length].taskId;
  const total = mix.reduce((sum, m) => sum + m.weight, 0);
  const pick = (): Kind => {
    let r = Math.random() * total;
    for (const m of mix) if ((r -= m.weight) < 0) return m.kind;
    return mix[mix.length - 1].kind;
  };
  const inputFor = (kind: Kind): SetTaskStatusCommandInput | undefined => {
    switch (kind) {
      case 'finished':
      case 'failed':
      case 'false': {
        const task = fresh[freshUsed++];
        if (!task) return undefined;
        if (kind === 'failed') {
          return { taskId: task.taskId, taskStatus: 'FAILED', errorId: 'LoadTest', errorMessage: 'load test failure', errorStackTrace: 'at loadtest' };
        }
        return { taskId: task.taskId, taskStatus: kind === 'finished' ? 'FINISHED' : 'FALSE' };
      }
      case 'repeat':
        return { taskId: cycle(done), taskStatus: 'FINISHED' };
      case 'conflict':
        return { taskId: cycle(done), taskStatus: 'FAILED' };
      case 'canceled':
        return { taskId: cycle(canceled), taskStatus: 'FINISHED' };
      case 'deleted':
        return { taskId: cycle(deleted), taskStatus: 'FINISHED' };
      case 'missing':
        return { taskId: cycle(missing), taskStatus: 'FINISHED' };
      case 'unknown':
        return { taskId: randomBytes(384).toString('base64url'), taskStatus: 'FINISHED' };
      case 'invalid':
        return { taskId: 'x', taskStatus: 'DONE' as 'FINISHED' };
    }
  };
  return () => {
    const input = inputFor(pick());
    return input && (() => sdk.send(new SetTaskStatusCommand(input)));
  };
};
