/** The definition limits of dp-limits.md ("Account Limits"), in the units the guide gives. */
export const DEFINITION_LIMITS = {
  /** Objects per pipeline: more refuses the save (the PutPipelineDefinition doc's third refusal). */
  objects: 100,
  fieldsPerObject: 50,
  /** UTF-8 bytes of an object id or a field name. */
  idOrFieldNameBytes: 256,
  /** UTF-8 bytes of a field's value. */
  fieldValueBytes: 10240,
  /** UTF-8 bytes of an object: every field's name and value. */
  objectBytes: 15360,
  /** Minimum scheduling interval. */
  minimumPeriodMinutes: 15,
  /** dp-expressions-functions: "The minimum period is 15 minutes and the maximum period is 3 years." */
  maximumPeriodYears: 3,
  /** dp-custom-templates: "A pipeline definition has an upper limit of 50 parameters." Declared or given a value. */
  parameters: 50,
} as const;

export const utf8Bytes = (s: string): number => Buffer.byteLength(s, 'utf8');

/** DynamoDB's key limits, in UTF-8 bytes (the embedded engine counts otherwise: we measure as DynamoDB does). */
const DYNAMODB_KEY_BYTES = { partition: 2048, sort: 1024 } as const;

/** The sort key of a scheduled pipeline's marker for one worker group (objects table): this prefix, then the group. */
export const SCHEDULE_MARKER_PREFIX = '#schedule#';
/** The same for an on-demand pipeline's marker (a run being written): as long, so the bound below serves both. */
export const ON_DEMAND_MARKER_PREFIX = '#ondemand#';

/**
 * A worker group is part of two keys: the ready index's partition key (`<account>#<workerGroup>`, 2,048 bytes)
 * and a schedule marker's sort key (`#schedule#<workerGroup>`, 1,024 bytes). The tighter one decides.
 */
export const WORKER_GROUP_MAX_BYTES = DYNAMODB_KEY_BYTES.sort - SCHEDULE_MARKER_PREFIX.length;

/** A task runner's id is the sort key of its heartbeat item. */
export const TASKRUNNER_ID_MAX_BYTES = DYNAMODB_KEY_BYTES.sort;
