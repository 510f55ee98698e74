/**
 * The objects of a pipeline as expressions see them: components with their inherited fields (own, `parent`
 * chain, Default), instances and attempts with their runtime fields over their component's, and the
 * parameters (their values in the definition, else their `default`). An object reached by a reference from an
 * instance or attempt sees that run's period as its own `@scheduledStartTime` and `@scheduledEndTime` (data
 * nodes and schedules have no instances here; docs/behaviour.md §9).
 */
import type { Definition, Field, PipelineObject } from './definition';
import { Inheritance } from './inheritance';
import type { FieldValue, Scope } from '../expressions/evaluate';

const PERIOD_FIELDS = ['@scheduledStartTime', '@scheduledEndTime'];

const valuesOf = (fields: readonly Field[]): FieldValue[] =>
  fields.map((f) => (f.refValue !== undefined ? { ref: f.refValue } : { string: f.stringValue ?? '' }));

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
  for (const v of definition.parameterValues) {
    const list = values.get(v.id);
    if (list) list.push(v.stringValue);
    else values.set(v.id, [v.stringValue]);
  }
  const defaults = new Map<string, string[]>();
  for (const p of definition.parameterObjects) {
    const dflt = p.attributes.filter((a) => a.key === 'default').map((a) => a.stringValue);
    if (dflt.length > 0 && !defaults.has(p.id)) defaults.set(p.id, dflt);
  }
  const parameter = (id: string): readonly string[] | undefined => values.get(id) ?? defaults.get(id);

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

  // One Scope per object and context (period, node): evaluation remembers field values per Scope object.
  const cache = new Map<string, Scope | undefined>();
  const keys = new WeakMap<Scope, string>();
  const scopeIn = (id: string, period: readonly Field[], node?: Scope): Scope | undefined => {
    const key = JSON.stringify([id, period.map((f) => f.stringValue ?? f.refValue ?? ''), node === undefined ? '' : keys.get(node)]);
    if (cache.has(key)) return cache.get(key);
    const r = runtimeById.get(id);
    const o = r ? undefined : objects.get(id);
    const scope = r ? runtimeScope(r, node) : o ? componentScope(o, period, node) : undefined;
    cache.set(key, scope);
    if (scope) keys.set(scope, key);
    return scope;
  };

  return {
    scopeOf: (id, options = {}) =>
      scopeIn(
        id,
        (options.period ?? []).filter((f) => PERIOD_FIELDS.includes(f.key)),
        options.node,
      ),
  };
};
