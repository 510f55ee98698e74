/**
 * `npm run seed -- [--pipelines N] [--deleted-pipelines N] [--missing-pipelines N] [--tasks-per-pipeline M]
 *                  [--canceled-tasks N] [--out FILE] [--stack NAME]`
 * Writes pipelines, RUNNING tasks and their attempts into the engine at DYNAMODB_ENDPOINT
 * (default http://127.0.0.1:8000), or into the tables of a deployed stack with `--stack`, and prints one
 * JSON line per task (to FILE with --out).
 */
import { createWriteStream } from 'node:fs';
import { parseArgs } from 'node:util';
import { wholeNumber } from './cli';
import { seed, SeedPlan } from './seeding';
import { resolveTables } from './targets';

const main = async () => {
  const { values } = parseArgs({
    options: {
      pipelines: { type: 'string' },
      'deleted-pipelines': { type: 'string' },
      'missing-pipelines': { type: 'string' },
      'tasks-per-pipeline': { type: 'string' },
      'canceled-tasks': { type: 'string' },
      out: { type: 'string' },
      stack: { type: 'string' },
    },
  });
  const plan: SeedPlan = {
    pipelines: wholeNumber('pipelines', values.pipelines, 1),
    deletedPipelines: wholeNumber('deleted-pipelines', values['deleted-pipelines'], 0),
    missingPipelines: wholeNumber('missing-pipelines', values['missing-pipelines'], 0),
    tasksPerPipeline: wholeNumber('tasks-per-pipeline', values['tasks-per-pipeline'], 1),
    canceledTasks: wholeNumber('canceled-tasks', values['canceled-tasks'], 0),
  };
  const target = await resolveTables({ stack: values.stack });
  // Owned by the account the seeding credentials map to (locally) or the stack's account (deployed).
  const tasks = await seed(target.client, target.names, plan, { accountId: target.accountId });
  target.client.destroy();
  const out = values.out ? createWriteStream(values.out) : process.stdout;
  for (const t of tasks) out.write(`${JSON.stringify(t)}\n`);
  if (values.out) {
    await new Promise<void>((resolve, reject) => (out as ReturnType<typeof createWriteStream>).end((err?: Error | null) => (err ? reject(err) : resolve())));
    console.error(`seeded ${tasks.length} tasks into ${target.description}; wrote ${values.out}`);
  }
};

main().catch((err: unknown) => {
  console.error(`seed: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
