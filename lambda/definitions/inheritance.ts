/**
 * How an object's fields are found (dp-writing-pipeline-definition: "Default" and `parent`): on the object,
 * then along its `parent` chain, then on the Default object. `type` is inherited through `parent` only.
 * Fields are indexed by key once per object, and each object's chain is worked out once, so a lookup costs
 * the chain's length, never the number of fields (a definition may give one object thousands).
 */
import { DEFAULT_OBJECT_ID, Field, PipelineObject } from './definition';

export class Inheritance {
  private readonly objects = new Map<string, PipelineObject>();
  private readonly byKey = new WeakMap<PipelineObject, Map<string, Field[]>>();
  private readonly chains = new WeakMap<PipelineObject, PipelineObject[]>();

  /** The first object of each id wins (a duplicate is a validation error, reported elsewhere). */
  constructor(pipelineObjects: readonly PipelineObject[]) {
    for (const o of pipelineObjects) if (!this.objects.has(o.id)) this.objects.set(o.id, o);
  }

  /** The object's own fields of that key, in order (an index built on first use). */
  own(o: PipelineObject, key: string): readonly Field[] {
    let index = this.byKey.get(o);
    if (!index) {
      index = new Map();
      for (const f of o.fields) {
        const list = index.get(f.key);
        if (list) list.push(f);
        else index.set(f.key, [f]);
      }
      this.byKey.set(o, index);
    }
    return index.get(key) ?? [];
  }

  get(id: string): PipelineObject | undefined {
    return this.objects.get(id);
  }

  all(): PipelineObject[] {
    return [...this.objects.values()];
  }

  /** The id `parent` names: a reference, or a string that is the id of an object (as moto's own tests write it). */
  parentOf(o: PipelineObject): string | undefined {
    const f = this.own(o, 'parent')[0];
    return f?.refValue ?? (f?.stringValue !== undefined && this.objects.has(f.stringValue) ? f.stringValue : undefined);
  }

  /** The object, its parent chain, then Default: where an inherited field is looked up, nearest first. */
  chain(o: PipelineObject): readonly PipelineObject[] {
    const known = this.chains.get(o);
    if (known) return known;
    const out: PipelineObject[] = [];
    const seen = new Set<string>();
    for (let cur: PipelineObject | undefined = o; cur && !seen.has(cur.id);) {
      seen.add(cur.id);
      out.push(cur);
      const next = this.parentOf(cur);
      cur = next === undefined ? undefined : this.objects.get(next);
    }
    const dflt = this.objects.get(DEFAULT_OBJECT_ID);
    if (dflt && !seen.has(dflt.id)) out.push(dflt);
    this.chains.set(o, out);
    return out;
  }

  /** The nearest field of that key (the first, for a list-valued one). */
  field(o: PipelineObject, key: string): Field | undefined {
    for (const c of this.chain(o)) {
      const f = this.own(c, key)[0];
      if (f) return f;
    }
    return undefined;
  }

  /** Every value of the nearest object that has the key (list-valued fields such as `dependsOn`). */
  fields(o: PipelineObject, key: string): readonly Field[] {
    for (const c of this.chain(o)) {
      const found = this.own(c, key);
      if (found.length > 0) return found;
    }
    return [];
  }

  /** The fields of an object with what it inherits: its own first, then each key it does not set, nearest first. */
  resolvedFields(o: PipelineObject): Field[] {
    const out: Field[] = [];
    const seen = new Set<string>();
    for (const c of this.chain(o)) {
      const keys = new Set(c.fields.map((f) => f.key));
      for (const key of keys) {
        if (seen.has(key) || key === 'parent') continue;
        if (c !== o && key === 'type') continue; // type is inherited through parent only; Default's would be wrong
        seen.add(key);
        out.push(...c.fields.filter((f) => f.key === key));
      }
    }
    return out;
  }

  /** `type`, through `parent` only: the Default object sets no type for everyone. */
  type(o: PipelineObject): Field | undefined {
    for (const c of this.chain(o)) {
      if (c.id === DEFAULT_OBJECT_ID && o.id !== DEFAULT_OBJECT_ID) break;
      const f = this.own(c, 'type')[0];
      if (f) return f;
    }
    return undefined;
  }

  /** True when following `parent` from the object comes back to an object already seen. */
  hasParentCycle(o: PipelineObject): boolean {
    const seen = new Set<string>();
    for (let cur: PipelineObject | undefined = o; cur;) {
      if (seen.has(cur.id)) return true;
      seen.add(cur.id);
      const next = this.parentOf(cur);
      cur = next === undefined ? undefined : this.objects.get(next);
    }
    return false;
  }
}
