/**
 * Crash recovery for the embedded engine's data folder. dynalite (4.x) writes a change to a secondary index and
 * the item itself as separate LevelDB writes (the index's deletes, then its puts, then the item), so a kill -9
 * between them leaves the index out of step with the items for good: an index entry for a write that never
 * happened, or none for one that did. The ready index of PollForTask would then offer a ghost forever, or never
 * offer a real attempt. The items are the truth (each is written last), so when it opens a data folder the
 * engine rebuilds every secondary index from them, with dynalite's own index code, before it serves a request.
 */
import { promisify } from 'node:util';

/** The parts of dynalite's storage module (`dynalite/db`) used here. */
interface SubDb {
  createValueStream(options?: object): AsyncIterable<unknown>;
}
interface TableDescription {
  readonly TableName: string;
  readonly GlobalSecondaryIndexes?: readonly { IndexName: string }[];
  readonly LocalSecondaryIndexes?: readonly { IndexName: string }[];
}
interface Store {
  readonly db: { open(): Promise<void>; close(cb: (err?: Error) => void): void };
  readonly tableDb: SubDb;
  getItemDb(table: string): SubDb;
  deleteIndexDb(type: 'local' | 'global', table: string, index: string, cb: (err?: Error) => void): void;
}
interface DynaliteDb {
  create(options: { path: string }): Store;
  updateIndexes(store: Store, table: TableDescription, existing: unknown, item: unknown, cb: (err?: Error) => void): void;
}

// eslint-disable-next-line @typescript-eslint/no-require-imports
const dynaliteDb = require('dynalite/db') as DynaliteDb;

/** Rebuilds every secondary index of every table in the folder from the items; the number of items indexed. */
export const rebuildIndexes = async (dataDir: string): Promise<number> => {
  const store = dynaliteDb.create({ path: dataDir });
  await store.db.open();
  let indexed = 0;
  try {
    const tables: TableDescription[] = [];
    for await (const t of store.tableDb.createValueStream()) tables.push(t as TableDescription);
    for (const table of tables) {
      const indexes = [
        ...(table.GlobalSecondaryIndexes ?? []).map((i) => ['global', i.IndexName] as const),
        ...(table.LocalSecondaryIndexes ?? []).map((i) => ['local', i.IndexName] as const),
      ];
      if (indexes.length === 0) continue;
      for (const [type, name] of indexes) await promisify(store.deleteIndexDb)(type, table.TableName, name);
      for await (const item of store.getItemDb(table.TableName).createValueStream()) {
        await promisify(dynaliteDb.updateIndexes)(store, table, undefined, item);
        indexed++;
      }
    }
  } finally {
    await promisify(store.db.close)();
  }
  return indexed;
};
