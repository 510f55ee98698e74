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
} as const;

export const utf8Bytes = (s: string): number => Buffer.byteLength(s, 'utf8');
