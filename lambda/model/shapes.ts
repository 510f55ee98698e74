/**
 * The service model's shapes as data (datapipeline-2012-10-29), in its own terms: JSON type, required
 * members, length, pattern, enum, list size. Operations declare their input with these; one generic walker
 * (./decode.ts) checks any input against them. Where we deviate from the model, the shape says so.
 */

export interface StringShape {
  readonly kind: 'string';
  readonly min?: number;
  readonly max?: number;
  /** The model's pattern shared by `id`, `string`, `taskId`, ...: no control characters but CR, LF, TAB; no lone surrogates. */
  readonly modelPattern?: boolean;
  /** No unpaired surrogate (so the value can be stored as UTF-8); implied by modelPattern. */
  readonly wellFormed?: boolean;
  readonly enumValues?: readonly string[];
  /** Our addition where the API page forbids a prefix (errorId: `Service_`). */
  readonly forbiddenPrefix?: string;
}

export interface BooleanShape {
  readonly kind: 'boolean';
}

export interface IntegerShape {
  readonly kind: 'integer';
}

/** awsJson timestamps are epoch seconds, as a JSON number (the SDKs send fractions of a second). */
export interface TimestampShape {
  readonly kind: 'timestamp';
}

export interface ListShape {
  readonly kind: 'list';
  readonly member: Shape;
  readonly min?: number;
  readonly max?: number;
}

export interface MemberDefinition {
  readonly shape: Shape;
  readonly required?: boolean;
}

export interface StructureShape {
  readonly kind: 'structure';
  readonly members: Readonly<Record<string, MemberDefinition>>;
}

export type Shape = StringShape | BooleanShape | IntegerShape | TimestampShape | ListShape | StructureShape;

const modelString = (min: number, max: number): StringShape => ({ kind: 'string', min, max, modelPattern: true });

/** The model's named shapes that more than one operation uses. */
export const SHAPES = {
  id: modelString(1, 1024),
  string: modelString(0, 1024),
  taskId: modelString(1, 2048),
  fieldNameString: modelString(1, 256),
  fieldStringValue: modelString(0, 10240),
  attributeNameString: modelString(1, 256),
  attributeValueString: modelString(0, 10240),
  longString: modelString(0, 20971520),
  tagKey: { kind: 'string', min: 1, max: 128, wellFormed: true } as StringShape,
  tagValue: { kind: 'string', min: 0, max: 256, wellFormed: true } as StringShape,
  boolean: { kind: 'boolean' } as BooleanShape,
  int: { kind: 'integer' } as IntegerShape,
  timestamp: { kind: 'timestamp' } as TimestampShape,
} as const;

export const list = (member: Shape, bounds: { min?: number; max?: number } = {}): ListShape => ({ kind: 'list', member, ...bounds });

export const structure = (members: Record<string, MemberDefinition>): StructureShape => ({ kind: 'structure', members });

export const required = (shape: Shape): MemberDefinition => ({ shape, required: true });
export const optional = (shape: Shape): MemberDefinition => ({ shape });

const FIELD = structure({
  key: required(SHAPES.fieldNameString),
  stringValue: optional(SHAPES.fieldStringValue),
  refValue: optional(SHAPES.fieldNameString),
});
export const FIELD_LIST = list(FIELD);
export const STRING_LIST = list(SHAPES.string);
const TAG = structure({ key: required(SHAPES.tagKey), value: required(SHAPES.tagValue) });
export const TAG_LIST = list(TAG, { min: 0, max: 10 });
export const PIPELINE_OBJECT = structure({ id: required(SHAPES.id), name: required(SHAPES.id), fields: required(FIELD_LIST) });
export const PARAMETER_OBJECT = structure({
  id: required(SHAPES.fieldNameString),
  attributes: required(list(structure({ key: required(SHAPES.attributeNameString), stringValue: required(SHAPES.attributeValueString) }))),
});
export const PARAMETER_VALUE = structure({ id: required(SHAPES.fieldNameString), stringValue: required(SHAPES.fieldStringValue) });
