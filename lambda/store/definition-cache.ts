/**
 * Definitions by version, kept in the process: a version is never changed once written (a put writes a new
 * one), so a poll that hands out a task reads its definition from here instead of the table after the first
 * time. Bounded by the size of the text it holds, least recently used first out; an instance of Lambda keeps its
 * own (nothing is shared, nothing goes stale).
 */
import type { Definition } from '../definitions/definition';

/**
 * UTF-16 units of definition text held at most (the parsed objects take a few times that): a few definitions at the
 * largest size a put takes, or hundreds of usual ones. Bounded so that memory comes back after a burst of large ones.
 */
const DEFINITION_CACHE_UNITS = 4 * 1024 * 1024;

class DefinitionCache {
  private readonly entries = new Map<string, { definition: Definition; units: number }>();
  private units = 0;

  constructor(private readonly capacity = DEFINITION_CACHE_UNITS) {}

  get(key: string): Definition | undefined {
    const hit = this.entries.get(key);
    if (!hit) return undefined;
    this.entries.delete(key); // most recently used goes last
    this.entries.set(key, hit);
    return hit.definition;
  }

  set(key: string, definition: Definition, units: number): void {
    if (units > this.capacity || this.entries.has(key)) return;
    this.entries.set(key, { definition, units });
    this.units += units;
    for (const [oldest, entry] of this.entries) {
      if (this.units <= this.capacity) break;
      this.entries.delete(oldest);
      this.units -= entry.units;
    }
  }

  get size(): number {
    return this.entries.size;
  }
}

/** The process's cache, shared by every request's pipeline store. */
export const definitionCache = new DefinitionCache();
