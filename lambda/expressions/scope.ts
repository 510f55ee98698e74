/**
 * The objects of a pipeline as expressions see them: components with their inherited fields (own, `parent`
 * chain, Default), instances and attempts with their runtime fields over their component's, and the
 * parameters (their values in the definition, else their `default`). An object reached by a reference from an
 * instance or attempt sees that run's period as its own `@scheduledStartTime` and `@scheduledEndTime` (data
 * nodes and schedules have no instances here; docs/behaviour.md §9).
 */
import type { Definition, Field, PipelineObject } from '../definitions/definition';
import { Inheritance } from '../definitions/inheritance';
import type { FieldValue, Scope } from './evaluate';

const PERIOD_FIELDS = ['@scheduledStartTime', '@scheduledEndTime'];

const valuesOf = (fields: readonly Field[]): FieldValue[] => fields.map((f) => (f.refValue !== undefined ? { ref: f.refValue } : { string: f.stringValue ?? '' }));

export interface Scopes {
  /**
   * The scope of a component, instance or attempt (runtime objects given to `scopesOf`), or undefined. `period`:
   * the runtime fields (`@scheduledStartTime`, `@scheduledEndTime`) a component sees as its own; `node`: the
   * object that refers to it.
   */
  scopeOf(id: string, options?: { readonly period?: readonly Field[]; readonly node?: Scope }): Scope | undefined;
}

export const scopesOf = (definition: Definition, runtime: readonly PipelineObject[] = []): Scopes => {
  const objects = new Inheritance(definition.pipelineObjects);
  const runtimeById = new Map(runtime.map((o) => [o.id, o]));
  const values = new Map<string, string[]>();
  for (const v of definition.parameterValues) values.set(v.id, [...(values.get(v.id) ?? []), v.stringValue]);
  const parameter = (id: string): readonly string[] | undefined => {
    const given = values.get(id);
    if (given) return given;
    const declared = definition.parameterObjects.find((p) => p.id === id);
    const dflt = declared?.attributes.filter((a) => a.key === 'default').map((a) => a.stringValue) ?? [];
    return dflt.length > 0 ? dflt : undefined;
  };

  const componentScope = (o: PipelineObject, period: readonly Field[], node?: Scope): Scope => {
    const scope: Scope = {
      id: o.id,
      name: o.name,
      node,
      parameter,
      object: (id) => scopeIn(id, period),
      field: (key) => {
        if (key === 'parent') {
          const own = o.fields.filter((f) => f.key === 'parent');
          return own.length > 0 ? valuesOf(own) : undefined;
        }
        if (key === 'type') {
          const t = objects.type(o);
          return t ? valuesOf([t]) : undefined;
        }
        const found = objects.fields(o, key);
        if (found.length > 0) return valuesOf(found);
        const runtimeField = period.filter((f) => f.key === key);
        return runtimeField.length > 0 ? valuesOf(runtimeField) : undefined;
      },
    };
    return scope;
  };

  const runtimeScope = (r: PipelineObject, node?: Scope): Scope => {
    const componentId = r.fields.find((f) => f.key === '@componentParent')?.refValue;
    const component = componentId === undefined ? undefined : objects.get(componentId);
    const period = r.fields.filter((f) => PERIOD_FIELDS.includes(f.key));
    const inner = component ? componentScope(component, period, node) : undefined;
    return {
      id: r.id,
      name: r.name,
      node,
      parameter,
      object: (id) => scopeIn(id, period),
      field: (key) => {
        const own = r.fields.filter((f) => f.key === key);
        if (own.length > 0) return valuesOf(own);
        return inner?.field(key);
      },
    };
  };

  const scopeIn = (id: string, period: readonly Field[], node?: Scope): Scope | undefined => {
    const r = runtimeById.get(id);
    if (r) return runtimeScope(r, node);
    const o = objects.get(id);
    return o ? componentScope(o, period, node) : undefined;
  };

  return { scopeOf: (id, options = {}) => scopeIn(id, (options.period ?? []).filter((f) => PERIOD_FIELDS.includes(f.key)), options.node) };
};
