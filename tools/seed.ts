/**
 * `npm run seed -- [--pipelines N] [--deleted-pipelines N] [--missing-pipelines N] [--tasks-per-pipeline M]
 *                  [--canceled-tasks N] [--out FILE]`
 * Writes pipelines, RUNNING tasks and their attempts into the engine at DYNAMODB_ENDPOINT
 * (default http://127.0.0.1:8000) and prints one JSON line per task (to FILE with --out).
 */
import { createWriteStream } from 'node:fs';
import { parseArgs } from 'node:util';
import { tableNamesFromEnv } from '../lambda/store/tables';
import { dynamoDbClient } from '../local/dynamodb';
import { seed, SeedPlan } from './seeding';

const count = (name: string, value: string | undefined, fallback: number): number => {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 1_000_000) throw new Error(`--${name} takes a whole number from 0 to 1000000, not ${JSON.stringify(value)}`);
  return n;
};

const main = async () => {
  const { values } = parseArgs({
    options: {
      pipelines: { type: 'string' },
      'deleted-pipelines': { type: 'string' },
      'missing-pipelines': { type: 'string' },
      'tasks-per-pipeline': { type: 'string' },
      'canceled-tasks': { type: 'string' },
      out: { type: 'string' },
    },
  });
  const plan: SeedPlan = {
    pipelines: count('pipelines', values.pipelines, 1),
    deletedPipelines: count('deleted-pipelines', values['deleted-pipelines'], 0),
    missingPipelines: count('missing-pipelines', values['missing-pipelines'], 0),
    tasksPerPipeline: count('tasks-per-pipeline', values['tasks-per-pipeline'], 1),
    canceledTasks: count('canceled-tasks', values['canceled-tasks'], 0),
  };
  const endpoint = process.env.DYNAMODB_ENDPOINT ?? 'http://127.0.0.1:8000';
  const client = dynamoDbClient(endpoint);
  const tasks = await seed(client, tableNamesFromEnv(process.env), plan);
  client.destroy();
  const out = values.out ? createWriteStream(values.out) : process.stdout;
  for (const t of tasks) out.write(`${JSON.stringify(t)}\n`);
  if (values.out) {
    await new Promise<void>((resolve, reject) => (out as ReturnType<typeof createWriteStream>).end((err?: Error | null) => (err ? reject(err) : resolve())));
    console.error(`seeded ${tasks.length} tasks into ${endpoint}; wrote ${values.out}`);
  }
};

main().catch((err: unknown) => {
  console.error(`seed: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
