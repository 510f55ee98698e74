/**
 * The pipeline object types of the Developer Guide (dp-pipeline-objects and its pages), and what each
 * requires. A requirement is a group of field names of which at least one must be set on the object, its
 * `parent` chain or the Default object. Only requirements read on the guide's pages (in ../shared/reference/guide)
 * are here, and the one every activity page has (`runsOn` or `workerGroup`); other types are accepted with no
 * requirement checked rather than refused on a guess.
 */

const RUNS_ON_OR_WORKER_GROUP = ['runsOn', 'workerGroup'];

type TypeCategory = 'activity' | 'precondition' | 'schedule' | 'dataNode' | 'resource' | 'database' | 'dataFormat' | 'action' | 'utility';

export interface ObjectType {
  readonly category: TypeCategory;
  readonly required: readonly (readonly string[])[];
}

const t = (category: TypeCategory, ...required: string[][]): ObjectType => ({ category, required });

export const OBJECT_TYPES: Readonly<Record<string, ObjectType>> = {
  // Activities (dp-object-activities)
  ShellCommandActivity: t('activity', ['command', 'scriptUri'], RUNS_ON_OR_WORKER_GROUP),
  CopyActivity: t('activity', RUNS_ON_OR_WORKER_GROUP),
  EmrActivity: t('activity', RUNS_ON_OR_WORKER_GROUP),
  HadoopActivity: t('activity', RUNS_ON_OR_WORKER_GROUP),
  HiveActivity: t('activity', RUNS_ON_OR_WORKER_GROUP),
  HiveCopyActivity: t('activity', RUNS_ON_OR_WORKER_GROUP),
  PigActivity: t('activity', RUNS_ON_OR_WORKER_GROUP),
  RedshiftCopyActivity: t('activity', RUNS_ON_OR_WORKER_GROUP),
  SqlActivity: t('activity', RUNS_ON_OR_WORKER_GROUP),
  // Preconditions (dp-object-preconditions)
  ShellCommandPrecondition: t('precondition', ['command', 'scriptUri']),
  Exists: t('precondition'),
  S3KeyExists: t('precondition'),
  S3PrefixNotEmpty: t('precondition'),
  DynamoDBDataExists: t('precondition'),
  DynamoDBTableExists: t('precondition'),
  // Schedule (dp-object-schedule): `period`, and `startAt` or `startDateTime`
  Schedule: t('schedule', ['period'], ['startAt', 'startDateTime']),
  // Data nodes, resources, databases, data formats, actions, utilities: accepted, with no requirement checked
  DynamoDBDataNode: t('dataNode'),
  MySqlDataNode: t('dataNode'),
  RedshiftDataNode: t('dataNode'),
  S3DataNode: t('dataNode'),
  SqlDataNode: t('dataNode'),
  Ec2Resource: t('resource', ['role'], ['resourceRole']),
  EmrCluster: t('resource'),
  HttpProxy: t('resource'),
  JdbcDatabase: t('database'),
  RdsDatabase: t('database'),
  RedshiftDatabase: t('database'),
  CSV: t('dataFormat'),
  Custom: t('dataFormat'),
  DynamoDBDataFormat: t('dataFormat'),
  DynamoDBExportDataFormat: t('dataFormat'),
  RegEx: t('dataFormat'),
  TSV: t('dataFormat'),
  SnsAlarm: t('action'),
  Terminate: t('action'),
  ShellScriptConfig: t('utility'),
  EmrConfiguration: t('utility'),
  Property: t('utility'),
};

/** Parameter types (dp-custom-templates: "type" of a parameter object). */
export const PARAMETER_TYPES = ['String', 'Integer', 'Double', 'AWS::S3::ObjectKey'] as const;

/** Enumerations of the Default object's fields, compared case-insensitively (real definitions write "CASCADE"). */
export const ENUM_FIELDS: Readonly<Record<string, readonly string[]>> = {
  scheduleType: ['cron', 'timeseries', 'ondemand'],
  failureAndRerunMode: ['cascade', 'none'],
};
