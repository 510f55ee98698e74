/**
 * The three tables, written once: the CDK stack, the local bootstrap, the seed tool and the
 * DynamoDB adapter all read these definitions. Plain data, no SDK or CDK import.
 */

export type TableKey = 'pipelines' | 'tasks' | 'attempts';

export interface TableDefinition {
  /** Logical name, also the default physical name of the local tables. */
  readonly key: TableKey;
  /** The partition key attribute (string). None of the tables has a sort key or an index. */
  readonly partitionKey: string;
  /** The environment variable the Lambda reads the physical table name from. */
  readonly envVar: string;
}

export const TABLES: Readonly<Record<TableKey, TableDefinition>> = {
  pipelines: { key: 'pipelines', partitionKey: 'pipelineId', envVar: 'PIPELINES_TABLE' },
  tasks: { key: 'tasks', partitionKey: 'taskId', envVar: 'TASKS_TABLE' },
  attempts: { key: 'attempts', partitionKey: 'attemptId', envVar: 'ATTEMPTS_TABLE' },
};

export type TableNames = Readonly<Record<TableKey, string>>;

/** Physical names from the environment; locally each falls back to an optional prefix plus the logical name. */
export const tableNamesFromEnv = (env: NodeJS.ProcessEnv): TableNames => {
  const prefix = env.TABLE_PREFIX ?? '';
  const name = (t: TableDefinition) => env[t.envVar] || `${prefix}${t.key}`;
  return { pipelines: name(TABLES.pipelines), tasks: name(TABLES.tasks), attempts: name(TABLES.attempts) };
};

/** Item attributes, as stored (also documented in docs/behaviour.md for emulator authors). */
export const ATTR = {
  pipelineState: 'pipelineState',
  taskStatus: 'taskStatus',
  attemptStatus: 'attemptStatus',
  pipelineId: 'pipelineId',
  taskId: 'taskId',
  attemptId: 'attemptId',
  endTime: 'endTime',
  errorId: 'errorId',
  errorMessage: 'errorMessage',
  errorStackTrace: 'errorStackTrace',
} as const;

export const PIPELINE_DELETED = 'DELETED';

/**
 * The TTL attribute of every table (epoch seconds): set only on items the tools write (load test,
 * conformance), so that DynamoDB removes what a run leaves behind. The backend never sets or reads it.
 */
export const EXPIRY_ATTRIBUTE = 'expiresAt';
