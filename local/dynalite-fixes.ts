/**
 * Two fixes to how dynalite 4.0.0, the embedded engine, holds memory, applied in its thread before it opens
 * (docs/behaviour.md §11, Memory; docs/decisions.md says why here and not in a patched copy).
 *
 * Reads that end: dynalite ends each Query and Scan read by calling `iterator.return()` (db/index.js,
 * createKeyStream and createValueStream), but abstract-level 3's iterators have no such method: they end with
 * `close()`. So no read was ever closed, and the storage kept each one open until the engine closed. On disk
 * (classic-level, LevelDB) each open iterator holds a snapshot and the memory behind it: a script doing 600
 * Queries against 300 KB items reached 1,187 MB of anonymous memory, 82 MB with this fix. In memory
 * (memory-level) an open iterator keeps the tables as they were, so deleted and replaced items were never freed.
 * The iterators get the method dynalite calls, as `close()`; if abstract-level ever has a `return` of its own,
 * that one is kept.
 *
 * Values that own their bytes: in memory, memory-level keeps each key and value as a Buffer, and Node makes a
 * small Buffer as a slice of a shared 8 KB slab, which stays allocated while any slice of it lives. Among the
 * short-lived buffers of the requests around it, each small stored item kept a slab of its own: 20,000 items of
 * about 230 bytes (4.6 MB) held 82 MB of buffers; with no pool, 5.5 MB, and the puts took as long. This thread
 * stops pooling (the setting is its own: each thread has its own Buffer pool).
 */
import { createRequire } from 'node:module';

interface Closable {
  close(): Promise<void>;
  return?: () => Promise<void>;
}

export const closeIteratorsOnReturn = (): void => {
  const fromDynalite = createRequire(require.resolve('dynalite'));
  const { AbstractIterator } = fromDynalite('abstract-level') as { AbstractIterator: { prototype: object } };
  // The base class of its key, value and entry iterators (not exported): where `close()` is defined.
  const common = Object.getPrototypeOf(AbstractIterator.prototype) as Closable;
  common.return ??= function (this: Closable) {
    return this.close();
  };
};

/** Both fixes, for the engine's thread. */
export const fixDynaliteMemory = (): void => {
  closeIteratorsOnReturn();
  Buffer.poolSize = 0;
};
