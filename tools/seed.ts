/**
 * `npm run seed -- [--pipelines N] [--deleted-pipelines N] [--missing-pipelines N] [--tasks-per-pipeline M]
 *                  [--canceled-tasks N] [--out FILE] [--dynamodb-endpoint URL | --stack NAME]`
 * Writes pipelines, RUNNING tasks and their attempts into the engine at --dynamodb-endpoint (DYNAMODB_ENDPOINT,
 * default http://127.0.0.1:8000: `npm start`'s), or into the tables of a deployed stack with `--stack`, and
 * prints one JSON line per task (to FILE with --out).
 */
import { createWriteStream } from 'node:fs';
import { parseFlags, runTool, UsageError, usageText, wholeNumber } from '../local/cli';
import { seed, SeedPlan } from './seeding';
import { resolveTables } from './targets';

const FLAGS = {
  pipelines: { type: 'string', help: 'pipelines to write, each ACTIVE', default: '1' },
  'deleted-pipelines': { type: 'string', help: 'pipelines marked deleted, with tasks (their calls answer PipelineDeletedException)', default: '0' },
  'missing-pipelines': { type: 'string', help: 'tasks whose pipeline was never written (PipelineNotFoundException)', default: '0' },
  'tasks-per-pipeline': { type: 'string', help: 'RUNNING tasks per pipeline', default: '1' },
  'canceled-tasks': { type: 'string', help: 'CANCELED tasks', default: '0' },
  out: { type: 'string', help: 'write the tasks, one JSON line each, to this file', default: 'standard output' },
  'dynamodb-endpoint': { type: 'string', help: 'the engine to write to (DYNAMODB_ENDPOINT)', default: "http://127.0.0.1:8000, npm start's" },
  stack: { type: 'string', help: "a deployed stack's tables instead (its outputs name them; your AWS credentials)", default: 'none' },
  help: { type: 'boolean', help: 'print this text and exit' },
} as const;
const USAGE = usageText('npm run seed -- [--pipelines N] [--tasks-per-pipeline M] [...] [--out FILE] [--dynamodb-endpoint URL | --stack NAME]', FLAGS);

const main = async () => {
  const values = parseFlags(process.argv.slice(2), FLAGS) as Record<string, string | undefined>;
  if (values.stack !== undefined && values['dynamodb-endpoint'] !== undefined)
    throw new UsageError('--stack and --dynamodb-endpoint exclude each other: give one');
  if (values['dynamodb-endpoint'] !== undefined && !/^https?:\/\/[^\s]+$/.test(values['dynamodb-endpoint']))
    throw new UsageError(`--dynamodb-endpoint takes an http(s) URL, not ${JSON.stringify(values['dynamodb-endpoint'])}`);
  const plan: SeedPlan = {
    pipelines: wholeNumber('pipelines', values.pipelines, 1),
    deletedPipelines: wholeNumber('deleted-pipelines', values['deleted-pipelines'], 0),
    missingPipelines: wholeNumber('missing-pipelines', values['missing-pipelines'], 0),
    tasksPerPipeline: wholeNumber('tasks-per-pipeline', values['tasks-per-pipeline'], 1),
    canceledTasks: wholeNumber('canceled-tasks', values['canceled-tasks'], 0),
  };
  const target = await resolveTables({ stack: values.stack, dynamodbEndpoint: values['dynamodb-endpoint'] });
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

runTool('seed', USAGE, main);
