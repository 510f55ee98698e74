/**
 * The embedded DynamoDB-compatible engine: dynalite, in this process, in memory or on disk (its secondary
 * indexes rebuilt from the items when it opens a folder: local/index-recovery.ts says why).
 */
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { Worker } from 'node:worker_threads';
import dynalite from 'dynalite';
import { rebuildIndexes } from './index-recovery';

export interface EngineOptions {
  readonly host: string;
  readonly port: number;
  /** Keep the data in this folder across restarts; in memory when absent. */
  readonly dataDir?: string;
  /** Run the engine on a worker thread (the local endpoint does: both cores). */
  readonly thread?: boolean;
}

export interface Engine {
  readonly url: string;
  close(): Promise<void>;
}

/**
 * The engine on a thread of its own (worker_threads): dynalite's event loop then runs on the second core while
 * the handler and the HTTP door keep the first, in the same process (a kill -9 still takes both). The worker is
 * plain JavaScript, so it runs the same under tsx, jest and Node.
 */
const WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const dynalite = require(workerData.dynalite);
const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0, ...(workerData.dataDir && { path: workerData.dataDir }) });
server.once('error', (err) => parentPort.postMessage({ error: err.message }));
server.listen(workerData.port, workerData.host, () => parentPort.postMessage({ port: server.address().port }));
parentPort.on('message', (m) => {
  if (m !== 'close') return;
  server.closeAllConnections();
  server.close(() => parentPort.postMessage({ closed: true }));
});
`;

const startEngineThread = async (options: EngineOptions): Promise<Engine> => {
  const worker = new Worker(WORKER, { eval: true, workerData: { dynalite: require.resolve('dynalite'), host: options.host, port: options.port, dataDir: options.dataDir } });
  const port = await new Promise<number>((resolve, reject) => {
    worker.once('error', reject);
    worker.once('message', (m: { port?: number; error?: string }) => (m.port !== undefined ? resolve(m.port) : reject(new Error(m.error))));
  });
  return {
    url: `http://${options.host}:${port}`,
    close: async () => {
      const closed = new Promise<void>((resolve) => worker.once('message', () => resolve()));
      worker.postMessage('close');
      await closed;
      await worker.terminate();
    },
  };
};

export const startEngine = async (options: EngineOptions): Promise<Engine> => {
  // A data folder may come from a process that was killed mid-write: its indexes are rebuilt first.
  if (options.dataDir) await rebuildIndexes(options.dataDir);
  if (options.thread) return startEngineThread(options);
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
