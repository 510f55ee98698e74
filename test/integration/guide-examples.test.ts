/**
 * Every example definition of the Developer Guide pages (test/fixtures/guide-examples.json, extracted by
 * tools/guide-examples.ts) is accepted as written (issue 18): ValidatePipelineDefinition finds no error in it.
 * The examples are fragments, so what they leave out is supplied or forgiven, and nothing else:
 * - references to objects the example does not include (REFERENCE_TO_NONEXISTENT_OBJECT);
 * - what the guide's examples leave to Default: an example without a Default gets the guide's own
 *   (dp-object-schedule's on-demand one: `role`, `resourceRole`, `scheduleType: ondemand`), with a `workerGroup`
 *   for activities that name no resource;
 * - an object the guide writes with a `name` and no `id` (dp-object-schedule's Default) takes its name as id;
 * Those that are whole definitions with an activity (nothing left out) are also run: activated, their task handed out.
 * - dp-writing-pipeline-definition's parent illustration (objects A and B, no `type`): the same page says "Each
 *   pipeline object must contain the following fields: id and type", so B, which nothing inherits from, is refused.
 */
import { dispatcherFor, startTestEngine, TestEngine } from '../support/engine';
import { createPipeline, newCaller, op } from '../support/pipelines';
import { definitionFromFile } from '../../tools/definition-file';
import type { GuideExample } from '../../tools/guide-examples';
import examples from '../fixtures/guide-examples.json';

let engine: TestEngine;
beforeAll(async () => {
  engine = await startTestEngine();
});
afterAll(() => engine.close());

/** An error about a reference to an object the example does not include. */
const MISSING_REFERENCE = /^REFERENCE_TO_NONEXISTENT_OBJECT: /;
const GUIDE_DEFAULT = {
  id: 'Default',
  name: 'Default',
  role: 'DataPipelineDefaultRole',
  resourceRole: 'DataPipelineDefaultResourceRole',
  scheduleType: 'ondemand',
  workerGroup: 'wg-guide',
};
/** Errors the guide's own text says are right (see above), by example. */
const EXPECTED: Record<string, string[]> = {
  'dp-writing-pipeline-definition.md example 4': ["B: MISSING_REQUIRED_FIELD: the object has no 'type'."],
};

describe.each((examples as GuideExample[]).map((e) => [`${e.page} example ${e.block}`, e] as const))('%s', (name, example) => {
  it('is accepted as written: no validation error but references to objects it leaves out', async () => {
    const dispatch = dispatcherFor(engine);
    const caller = newCaller();
    const pipelineId = await createPipeline(dispatch, caller);
    const named = example.objects.map((o) => ({ id: o.name, ...o }));
    const objects: Record<string, unknown>[] = named.some((o) => o.id === 'Default') ? named : [GUIDE_DEFAULT, ...named];
    const { pipelineObjects } = definitionFromFile({ objects: objects as never });
    const res = await op(dispatch, 'ValidatePipelineDefinition', { pipelineId, pipelineObjects }, caller);
    expect(res.status).toBe(200);
    const errors = (res.body.validationErrors as { id: string; errors: string[] }[])
      .flatMap((e) => e.errors.map((m) => `${e.id}: ${m}`))
      .filter((m) => !MISSING_REFERENCE.test(m.slice(m.indexOf(': ') + 2)));
    expect(errors).toEqual(EXPECTED[name] ?? []);
    // Whole definitions (no reference left out) with an activity run here: put, activated, and the activity's task
    // handed out on its worker group (its resource's, for runsOn: no resource is started here).
    const activity: Record<string, unknown> | undefined = objects.find((o) => typeof o.type === 'string' && /Activity$/.test(o.type));
    // (An expression block's wrapper is not run: its names, such as myDateTime, are the page's placeholders.)
    if (!activity || activity.id === 'Expression' || (res.body.validationErrors as unknown[]).length > 0) return;
    expect((await op(dispatch, 'PutPipelineDefinition', { pipelineId, pipelineObjects }, caller)).body.errored).toBe(false);
    expect((await op(dispatch, 'ActivatePipeline', { pipelineId }, caller)).status).toBe(200);
    const task = (await op(dispatch, 'PollForTask', { workerGroup: workerGroupOf(objects, activity) }, caller, 3000)).body.taskObject;
    expect(task?.attemptId).toMatch(new RegExp(`^@${activity.id as string}_`));
    ran.push(name);
  });
});

/** Where the guide's activity's tasks go: its resource's workerGroup (or the resource's id), else its own or Default's. */
const workerGroupOf = (objects: Record<string, unknown>[], activity: Record<string, unknown>): string => {
  const byId = new Map(objects.map((o) => [o.id as string, o]));
  const runsOn = (activity.runsOn as { ref?: string } | undefined)?.ref;
  if (runsOn !== undefined) return (byId.get(runsOn)?.workerGroup as string | undefined) ?? runsOn;
  return ((activity.workerGroup ?? byId.get('Default')?.workerGroup) as string | undefined) ?? '';
};

const ran: string[] = [];
afterAll(() => {
  // dp-object-schedule's three whole definitions (cron, on an Ec2Resource) and the activity fragments, at least.
  expect(ran.length).toBeGreaterThanOrEqual(6);
});
