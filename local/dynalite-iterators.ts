/**
 * A fix for a leak in dynalite 4.0.0, the embedded engine. It ends every Query and Scan read by calling
 * `iterator.return()` (db/index.js, createKeyStream and createValueStream), but abstract-level 3's iterators have
 * no such method: they end with `close()`. So no read was ever closed, and the storage kept each one open until the
 * engine closed. On disk (classic-level, LevelDB) each open iterator holds a snapshot and the memory behind it:
 * a script doing 600 Queries against 300 KB items reached 1,187 MB of anonymous memory, 82 MB with this fix
 * (docs/behaviour.md §11, Memory). In memory (memory-level) an open iterator keeps the tables as they were, so
 * deleted and replaced items were never freed.
 *
 * The fix gives the iterators of dynalite's abstract-level the method dynalite calls, as `close()`. It is applied
 * once, before the engine opens; if abstract-level ever has a `return` of its own, that one is kept.
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
