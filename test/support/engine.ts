/**
 * A DynamoDB engine for a test file: the embedded dynalite on a free port, or the engine at
 * DYNAMODB_ENDPOINT (CI runs the integration tests a second time against moto). Each file gets its own
 * tables, so files never see each other's items.
 */
import { randomBytes } from 'node:crypto';
import { DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { Logger } from '@aws-lambda-powertools/logger';
import { createDispatcher, Dispatch } from '../../lambda/dispatch';
import { DynamoDbPipelineStore } from '../../lambda/store/dynamodb-pipeline-store';
import { DynamoDbRunStore } from '../../lambda/store/dynamodb-run-store';
import { DynamoDbTaskStore } from '../../lambda/store/dynamodb-task-store';
import type { RunLimits } from '../../lambda/definitions/run-limits';
import { ATTR, TABLES, tableNamesFromEnv, TableNames } from '../../lambda/store/tables';
import type { TaskStore } from '../../lambda/store/task-store';
import type { RunStore } from '../../lambda/store/run-store';
import { dynamoDbClient, ensureTables } from '../../local/dynamodb';
import { startEngine } from '../../local/engine';
import { defaultSeedAccount, EMPTY_PLAN, seed, SeededTask, SeedPlan } from '../../tools/seeding';
import type { Caller } from '../../lambda/identity';

export interface TestEngine {
  readonly endpoint: string;
  readonly client: DynamoDBClient;
  readonly names: TableNames;
  close(): Promise<void>;
}

export const startTestEngine = async (): Promise<TestEngine> => {
  const external = process.env.DYNAMODB_ENDPOINT;
  const engine = external ? undefined : await startEngine({ host: '127.0.0.1', port: 0 });
  const endpoint = external ?? engine!.url;
  const client = dynamoDbClient(endpoint);
  const prefix = `t${randomBytes(4).toString('hex')}-`;
  const names = tableNamesFromEnv({ TABLE_PREFIX: prefix });
  await ensureTables(client, names);
  return {
    endpoint,
    client,
    names,
    close: async () => {
      client.destroy();
      await engine?.close();
    },
  };
};

/** Counts the HTTP requests a client sends, by command name. */
export const countRequests = (client: DynamoDBClient): { names: string[]; reset(): void } => {
  const counter = {
    names: [] as string[],
    reset() {
      counter.names.length = 0;
    },
  };
  client.middlewareStack.add(
    (next, context) => async (args) => {
      counter.names.push(context.commandName as string);
      return next(args);
    },
    { step: 'deserialize', name: 'countRequests' },
  );
  return counter;
};

const silentLogger = () => new Logger({ serviceName: 'test', logLevel: 'SILENT' });

/** The caller the seeded pipelines belong to: the account of the test's access key, as the local door derives it. */
export const TEST_CALLER = { accountId: defaultSeedAccount(), userId: process.env.AWS_ACCESS_KEY_ID ?? 'local' };

export const dispatcherFor = (
  engine: TestEngine,
  overrides: {
    client?: DynamoDBClient;
    store?: TaskStore;
    runs?: (inner: RunStore) => RunStore;
    logger?: Logger;
    now?: () => Date;
    caller?: Caller;
    limits?: RunLimits;
  } = {},
): Dispatch => {
  const dispatch = createDispatcher({
    stores: (signal) => ({
      pipelines: new DynamoDbPipelineStore(overrides.client ?? engine.client, engine.names, signal),
      runs: (overrides.runs ?? ((r) => r))(new DynamoDbRunStore(overrides.client ?? engine.client, engine.names, signal)),
      tasks: overrides.store ?? new DynamoDbTaskStore(overrides.client ?? engine.client, engine.names, signal),
    }),
    now: overrides.now ?? (() => new Date()),
    logger: overrides.logger ?? silentLogger(),
    limits: overrides.limits ?? { relaxed: false },
  });
  return (request, requestId, invocation) => dispatch(request, requestId, { caller: overrides.caller ?? TEST_CALLER, ...invocation });
};

const plan = (p: Partial<SeedPlan>): SeedPlan => ({ ...EMPTY_PLAN, ...p });

/** One task: RUNNING on an ACTIVE pipeline unless told otherwise. */
export const seedTask = async (engine: TestEngine, kind: 'running' | 'canceled' | 'deleted-pipeline' | 'missing-pipeline' = 'running'): Promise<SeededTask> => {
  const p =
    kind === 'running'
      ? plan({ pipelines: 1 })
      : kind === 'canceled'
        ? plan({ canceledTasks: 1 })
        : kind === 'deleted-pipeline'
          ? plan({ deletedPipelines: 1 })
          : plan({ missingPipelines: 1 });
  const [task] = await seed(engine.client, engine.names, p);
  return task;
};

export const readTask = async (engine: TestEngine, taskId: string) =>
  (await engine.client.send(new GetItemCommand({ TableName: engine.names.tasks, Key: { [TABLES.tasks.partitionKey]: { S: taskId } }, ConsistentRead: true })))
    .Item;

/** The attempt of a task, from the objects table (keyed by pipeline and attempt id). */
export const readAttempt = async (engine: TestEngine, t: { pipelineId: string; attemptId: string }) =>
  (
    await engine.client.send(
      new GetItemCommand({
        TableName: engine.names.objects,
        Key: { [ATTR.pipelineId]: { S: t.pipelineId }, [ATTR.objectId]: { S: t.attemptId } },
        ConsistentRead: true,
      }),
    )
  ).Item;

export const TARGET = { 'x-amz-target': 'DataPipeline.SetTaskStatus', 'content-type': 'application/x-amz-json-1.1' };

/** Calls an operation (SetTaskStatus unless told) through the dispatcher and returns status and parsed body. */
export const call = async (dispatch: Dispatch, input: Record<string, unknown>, operation = 'SetTaskStatus') => {
  const headers = { ...TARGET, 'x-amz-target': `DataPipeline.${operation}` };
  const response = await dispatch({ headers, body: JSON.stringify(input) }, `req-${randomBytes(4).toString('hex')}`);
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  return { status: response.statusCode, headers: response.headers, body: JSON.parse(response.body) as Record<string, any> };
};

/** What the logger writes (Powertools sends ERROR to stderr, the rest to stdout), one entry per line. */
/**
 * What the loggers write meanwhile: JSON lines. Node and the AWS SDK print warnings of their own on the same
 * streams (`(node:1177) Warning: ...`), which are not log entries: they are let through, not captured.
 */
export const captureLog = () => {
  const lines: string[] = [];
  const spies = [process.stdout, process.stderr].map((stream) => {
    const write = stream.write.bind(stream);
    return jest.spyOn(stream, 'write').mockImplementation((chunk: string | Uint8Array, ...rest: unknown[]) => {
      const text = String(chunk);
      if (text.startsWith('{')) {
        lines.push(text);
        return true;
      }
      return (write as (...args: unknown[]) => boolean)(chunk, ...rest);
    });
  });
  return { lines, restore: () => spies.forEach((s) => s.mockRestore()) };
};
