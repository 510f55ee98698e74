/**
 * The embedded DynamoDB-compatible engine: dynalite, in this process, in memory or on disk (its secondary
 * indexes rebuilt from the items when it opens a folder: local/index-recovery.ts says why).
 */
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import dynalite from 'dynalite';
import { rebuildIndexes } from './index-recovery';

export interface EngineOptions {
  readonly host: string;
  readonly port: number;
  /** Keep the data in this folder across restarts; in memory when absent. */
  readonly dataDir?: string;
}

export interface Engine {
  readonly url: string;
  close(): Promise<void>;
}

export const startEngine = async (options: EngineOptions): Promise<Engine> => {
  // A data folder may come from a process that was killed mid-write: its indexes are rebuilt first.
  if (options.dataDir) await rebuildIndexes(options.dataDir);
  const server: Server = dynalite({
    createTableMs: 0,
    deleteTableMs: 0,
    updateTableMs: 0,
    ...(options.dataDir && { path: options.dataDir }),
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${options.host}:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections?.();
        server.close(() => resolve());
      }),
  };
};
