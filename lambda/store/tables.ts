/**
 * The tables, written once: the CDK stack, the local bootstrap, the seed tool and the DynamoDB adapters all
 * read these definitions. Plain data, no SDK or CDK import.
 */

export type TableKey = 'pipelines' | 'definitions' | 'tasks' | 'objects';

export interface IndexDefinition {
  readonly name: string;
  readonly partitionKey: string;
  readonly sortKey: string;
  /** Non-key attributes copied into the index. */
  readonly include: readonly string[];
}

export interface TableDefinition {
  /** Logical name, also the default physical name of the local tables. */
  readonly key: TableKey;
  /** The partition key attribute (string). */
  readonly partitionKey: string;
  /** The sort key attribute (string), for tables that hold a collection per partition. */
  readonly sortKey?: string;
  readonly indexes?: readonly IndexDefinition[];
  /** The environment variable the Lambda reads the physical table name from. */
  readonly envVar: string;
}

/** Item attributes, as stored (also documented in docs/behaviour.md for emulator authors). */
export const ATTR = {
  pipelineState: 'pipelineState',
  taskStatus: 'taskStatus',
  /** The status of an instance or attempt (objects table). */
  status: 'status',
  objectId: 'objectId',
  sphere: 'sphere',
  pipelineId: 'pipelineId',
  taskId: 'taskId',
  attemptId: 'attemptId',
  endTime: 'endTime',
  errorId: 'errorId',
  errorMessage: 'errorMessage',
  errorStackTrace: 'errorStackTrace',
  accountId: 'accountId',
  userId: 'userId',
  name: 'name',
  uniqueId: 'uniqueId',
  description: 'description',
  tags: 'tags',
  creationTime: 'creationTime',
  lastActivationTime: 'lastActivationTime',
  lastDeactivatedTime: 'lastDeactivatedTime',
  latestVersion: 'latestVersion',
  latestChunks: 'latestChunks',
  activeVersion: 'activeVersion',
  activeChunks: 'activeChunks',
  startTime: 'startTime',
  activationValues: 'activationValues',
  cancelActive: 'cancelActive',
  /** The account of a pipeline that is listed (absent once deleted): the key of the byAccount index. */
  listAccount: 'listAccount',
  chunk: 'chunk',
  data: 'data',
  componentId: 'componentId',
  instanceId: 'instanceId',
  runId: 'runId',
  settings: 'settings',
  scheduledStartTime: 'scheduledStartTime',
  scheduledEndTime: 'scheduledEndTime',
  firstActivation: 'firstActivation',
  resumeFrom: 'resumeFrom',
  actualStartTime: 'actualStartTime',
  /** On an attempt: its instance's @actualStartTime (when the run opened), so that a poll shows it without reading the instance. */
  runOpenedAt: 'runOpenedAt',
  attemptCount: 'attemptCount',
  headAttempt: 'headAttempt',
  attemptNumber: 'attemptNumber',
  hostname: 'hostname',
  workerGroup: 'workerGroup',
  acknowledged: 'acknowledged',
  reported: 'reported',
  /** An attempt's latest ReportTaskProgress (the guide's `reportProgressTime`). */
  reportProgressTime: 'reportProgressTime',
  /** A CASCADE_FAILED instance's: the instance whose failure it follows (the guide's `@cascadeFailedOn`). */
  cascadeFailedOn: 'cascadeFailedOn',
  /** `<account>#<workerGroup>` while an attempt is waiting for a runner or leased to one: the key of the ready index. */
  readyKey: 'readyKey',
  /** When a runner may take the attempt: its ready time, or the end of its lease while RUNNING. */
  availableAt: 'availableAt',
  fromRun: 'fromRun',
  lastHeartbeat: 'lastHeartbeat',
  paused: 'paused',
  /** A task of a run: its attempt's instance as the poll saw it (JSON: settings and period), so that its end reads no instance. */
  instance: 'instance',
  /** A waiting attempt that cannot be claimed now (its pipeline inactive, its component paused): its readyKey, kept aside. */
  parkedKey: 'parkedKey',
  /** An instance waiting on dependencies: the components (SS) not finished yet. */
  pending: 'pending',
  /** A pipeline's run summary: the instances not final yet (SS). */
  open: 'open',
  /** A pipeline's run summary: the start of its latest on-demand run, and of one being written. */
  lastRunStart: 'lastRunStart',
  pendingRun: 'pendingRun',
} as const;

/** Attempts a runner may take, by account and worker group, oldest first (and leases, by when they end). */
export const READY_INDEX: IndexDefinition = { name: 'ready', partitionKey: ATTR.readyKey, sortKey: ATTR.availableAt, include: [ATTR.status] };

export const BY_ACCOUNT_INDEX: IndexDefinition = { name: 'byAccount', partitionKey: ATTR.listAccount, sortKey: ATTR.pipelineId, include: [ATTR.name] };

export const TABLES: Readonly<Record<TableKey, TableDefinition>> = {
  pipelines: { key: 'pipelines', partitionKey: ATTR.pipelineId, indexes: [BY_ACCOUNT_INDEX], envVar: 'PIPELINES_TABLE' },
  definitions: { key: 'definitions', partitionKey: ATTR.pipelineId, sortKey: ATTR.chunk, envVar: 'DEFINITIONS_TABLE' },
  tasks: { key: 'tasks', partitionKey: ATTR.taskId, envVar: 'TASKS_TABLE' },
  /** The run objects of each pipeline: instances and attempts (`@Hello_2026-11-29T10:00:00_Attempt=1`), unique within it. */
  objects: { key: 'objects', partitionKey: ATTR.pipelineId, sortKey: ATTR.objectId, indexes: [READY_INDEX], envVar: 'OBJECTS_TABLE' },
};

export const TABLE_KEYS = Object.keys(TABLES) as TableKey[];

export type TableNames = Readonly<Record<TableKey, string>>;

/** Physical names from the environment; locally each falls back to an optional prefix plus the logical name. */
export const tableNamesFromEnv = (env: NodeJS.ProcessEnv): TableNames => {
  const prefix = env.TABLE_PREFIX ?? '';
  return Object.fromEntries(TABLE_KEYS.map((key) => [key, env[TABLES[key].envVar] || `${prefix}${key}`])) as Record<TableKey, string>;
};

export const PIPELINE_DELETED = 'DELETED';

/**
 * The TTL attribute of every table (epoch seconds): set only on items the tools write (load test,
 * conformance), so that DynamoDB removes what a run leaves behind. The backend never sets or reads it.
 */
export const EXPIRY_ATTRIBUTE = 'expiresAt';
