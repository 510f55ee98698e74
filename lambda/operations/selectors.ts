/**
 * QueryObjects' selectors (service model: Query, Selector, Operator): which fields each operator acts on, and
 * whether an object matches. All selectors must match; a field the object does not have fails its selector.
 */
import { cut } from '../model/text';
import type { PipelineObject } from '../definitions/definition';

const MAX_SELECTORS = 10;
const TIME_FIELDS = ['@scheduledStartTime', '@scheduledEndTime', '@actualStartTime', '@actualEndTime'];
const EQ_FIELDS = ['name', '@sphere', 'parent', '@componentParent', '@instanceParent', '@status', ...TIME_FIELDS];
const OPERATOR_TYPES = ['EQ', 'REF_EQ', 'LE', 'GE', 'BETWEEN'] as const;
type OperatorType = (typeof OPERATOR_TYPES)[number];

export interface Selector {
  readonly fieldName?: string;
  readonly operator?: { readonly type?: string; readonly values?: string[] };
}

/** A checked selector: its field, operator and values. */
export interface Condition {
  readonly field: string;
  readonly type: OperatorType;
  readonly values: readonly string[];
}

/** The conditions of the selectors, or the message of the InvalidRequestException they deserve. */
export const conditionsOf = (selectors: readonly Selector[]): Condition[] | string => {
  if (selectors.length > MAX_SELECTORS) return `A query can have at most ${MAX_SELECTORS} selectors; it has ${selectors.length}.`;
  const out: Condition[] = [];
  for (const [i, s] of selectors.entries()) {
    const at = `selector ${i + 1}`;
    if (s.fieldName === undefined) return `${at} has no fieldName.`;
    const type = s.operator?.type;
    if (type === undefined) return `${at} has no operator type.`;
    if (!(OPERATOR_TYPES as readonly string[]).includes(type)) return `${at}: operator type '${cut(type, 32)}' is not one of ${OPERATOR_TYPES.join(', ')}.`;
    const values = s.operator?.values ?? [];
    const fields = type === 'EQ' || type === 'REF_EQ' ? EQ_FIELDS : TIME_FIELDS;
    if (!fields.includes(s.fieldName)) return `${at}: ${type} acts on ${fields.join(', ')}; not on '${cut(s.fieldName, 64)}'.`;
    const needed = type === 'BETWEEN' ? 2 : type === 'LE' || type === 'GE' ? 1 : undefined;
    if (needed !== undefined ? values.length !== needed : values.length === 0) {
      return `${at}: ${type} takes ${needed ?? 'at least one'} value${needed === 1 ? '' : 's'}; it has ${values.length}.`;
    }
    out.push({ field: s.fieldName, type: type as OperatorType, values });
  }
  return out;
};

/** The values an object has for a field: `name` and `@sphere` are the object's own, the rest its fields. */
const valuesOf = (o: PipelineObject, sphere: string, field: string, refs: boolean): string[] => {
  if (field === 'name') return refs ? [] : [o.name];
  if (field === '@sphere') return refs ? [] : [sphere];
  return o.fields.filter((f) => f.key === field).flatMap((f) => ((refs ? f.refValue : f.stringValue) ?? []) as string[]);
};

export const matches = (o: PipelineObject, sphere: string, conditions: readonly Condition[]): boolean =>
  conditions.every((c) => {
    const actual = valuesOf(o, sphere, c.field, c.type === 'REF_EQ');
    switch (c.type) {
      case 'EQ':
      case 'REF_EQ':
        return actual.some((v) => c.values.includes(v));
      case 'LE':
        return actual.some((v) => v <= c.values[0]);
      case 'GE':
        return actual.some((v) => v >= c.values[0]);
      case 'BETWEEN':
        return actual.some((v) => v >= c.values[0] && v <= c.values[1]);
    }
  });
