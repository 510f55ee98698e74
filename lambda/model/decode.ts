/**
 * One walker for every operation's input: JSON types first (a wrong type is a `SerializationException`, as
 * AWS's deserializers answer), then the model's constraints (`InvalidRequestException` listing every
 * violation). `null` counts as absent and unknown members are ignored, as in AWS's JSON deserializers.
 */
import type { WireError } from '../protocol/aws-json';
import type { Shape, StructureShape } from './shapes';
import { checkString, formatViolations, Violation } from './violations';

export type Decoded<T> = { readonly ok: true; readonly input: T } | { readonly ok: false; readonly error: WireError };

const jsonTypeOf = (value: unknown): string =>
  value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value === 'object' ? 'an object' : `a ${typeof value}`;

class TypeMismatch extends Error {}

const expectType = (path: string, value: unknown, expected: string, ok: boolean): void => {
  if (!ok) throw new TypeMismatch(`Member '${path}' must be ${expected}, not ${jsonTypeOf(value)}.`);
};

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** Checks JSON types and returns the value with absent (null) members dropped; collects constraint violations. */
const walk = (shape: Shape, value: unknown, path: string, violations: Violation[]): unknown => {
  switch (shape.kind) {
    case 'string':
      expectType(path, value, 'a JSON string', typeof value === 'string');
      violations.push(...checkString(path, value as string, shape));
      return value;
    case 'boolean':
      expectType(path, value, 'a JSON boolean', typeof value === 'boolean');
      return value;
    case 'integer':
      expectType(path, value, 'an integer', typeof value === 'number' && Number.isSafeInteger(value));
      return value;
    case 'timestamp':
      expectType(path, value, 'a number of seconds since the epoch', typeof value === 'number' && Number.isFinite(value));
      return value;
    case 'list': {
      expectType(path, value, 'a JSON array', Array.isArray(value));
      const items = value as unknown[];
      if (shape.min !== undefined && items.length < shape.min) {
        violations.push({ member: path, constraint: `Member must have length greater than or equal to ${shape.min}` });
      }
      if (shape.max !== undefined && items.length > shape.max) {
        violations.push({ member: path, constraint: `Member must have length less than or equal to ${shape.max}` });
      }
      return items.map((item, i) => {
        const itemPath = `${path}.${i + 1}.member`;
        if (item === null) {
          violations.push({ member: itemPath, echo: null, constraint: 'Member must not be null' });
          return item;
        }
        return walk(shape.member, item, itemPath, violations);
      });
    }
    case 'structure': {
      expectType(path, value, 'a JSON object', isObject(value));
      return walkStructure(shape, value as Record<string, unknown>, path ? `${path}.` : '', violations);
    }
  }
};

const walkStructure = (shape: StructureShape, value: Record<string, unknown>, prefix: string, violations: Violation[]) => {
  const out: Record<string, unknown> = {};
  for (const [name, member] of Object.entries(shape.members)) {
    const v = value[name];
    const path = `${prefix}${name}`;
    if (v === undefined || v === null) {
      if (member.required) violations.push({ member: path, echo: null, constraint: 'Member must not be null' });
      continue;
    }
    out[name] = walk(member.shape, v, path, violations);
  }
  return out;
};

/** Parses the body (an empty body is `{}`) and checks it against the operation's input shape. */
export const decodeInput = <T>(body: string, shape: StructureShape): Decoded<T> => {
  let parsed: unknown;
  try {
    parsed = body.trim() === '' ? {} : JSON.parse(body);
  } catch {
    return { ok: false, error: { type: 'SerializationException', message: 'The request body is not valid JSON.' } };
  }
  if (!isObject(parsed)) {
    return { ok: false, error: { type: 'SerializationException', message: 'The request body must be a JSON object.' } };
  }
  const violations: Violation[] = [];
  let input: unknown;
  try {
    input = walkStructure(shape, parsed, '', violations);
  } catch (err) {
    if (err instanceof TypeMismatch) return { ok: false, error: { type: 'SerializationException', message: err.message } };
    throw err;
  }
  if (violations.length > 0) return { ok: false, error: { type: 'InvalidRequestException', message: formatViolations(violations) } };
  return { ok: true, input: input as T };
};
