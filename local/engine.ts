/**
 * The embedded DynamoDB-compatible engine: dynalite, on a thread of its own (local/engine-thread.ts), in memory
 * or on disk (its secondary indexes rebuilt from the items when it opens a folder: local/index-recovery.ts says
 * why). Outside clients reach it over HTTP at `url`; the local endpoint's handler, in this process, through
 * `requestHandler`: the SDK's signed requests, passed to the thread as messages instead of over a socket.
 * bench/README.md measures what the thread and the skipped socket are worth.
 */
import { Worker } from 'node:worker_threads';
import { join } from 'node:path';
import type { DynamoDBClientConfig } from '@aws-sdk/client-dynamodb';
import { EngineAnswer, EngineRequest, EngineThreadData, EngineThreadMessage, HandlerThreadMessage, Outbox } from './engine-messages';
import { rebuildIndexes } from './index-recovery';

export interface EngineOptions {
  readonly host: string;
  readonly port: number;
  /** Keep the data in this folder across restarts; in memory when absent. */
  readonly dataDir?: string;
}

type EngineRequestHandler = NonNullable<DynamoDBClientConfig['requestHandler']>;

export interface Engine {
  readonly url: string;
  /** For a DynamoDB client in this process: the same engine without the HTTP hop. */
  readonly requestHandler: EngineRequestHandler;
  /** A full collection of the engine thread's heap (local/idle-collector.ts). */
  collect(): void;
  close(): Promise<void>;
}

/** The SDK's request, as its HttpHandler gets it (a body is the JSON's bytes or string). */
interface SignedRequest {
  readonly method: string;
  readonly path: string;
  readonly headers: Record<string, string>;
  readonly body?: Uint8Array | string;
}

/** The SDK passes the caller's signal through: here, the request deadline's AbortSignal (dispatch.ts). */
interface AbortSignalLike {
  readonly aborted: boolean;
  addEventListener?(type: 'abort', listener: () => void, options?: { once: boolean }): void;
  removeEventListener?(type: 'abort', listener: () => void): void;
}

const abortError = () => Object.assign(new Error('Request aborted'), { name: 'AbortError' });

/** The thread loads this file through tsx's CommonJS hook, under npm start, jest and the tools alike. */
const THREAD_BOOT = `require(require('node:worker_threads').workerData.tsx); require(require('node:worker_threads').workerData.entry);`;

/** Requests sent to the thread and not yet answered; all of them fail at once if the thread dies. */
class InFlight {
  private next = 0;
  private readonly waiting = new Map<number, { resolve: (a: EngineAnswer) => void; reject: (e: Error) => void }>();
  private dead?: Error;

  add(resolve: (a: EngineAnswer) => void, reject: (e: Error) => void): number | undefined {
    if (this.dead) {
      reject(this.dead);
      return undefined;
    }
    const id = this.next++;
    this.waiting.set(id, { resolve, reject });
    return id;
  }
  settle(answer: EngineAnswer): void {
    this.waiting.get(answer.id)?.resolve(answer);
    this.waiting.delete(answer.id);
  }
  drop(id: number, err: Error): void {
    this.waiting.get(id)?.reject(err);
    this.waiting.delete(id);
  }
  /** From now on every request fails; the first reason given is the one they fail with. */
  failAll(err: Error): void {
    this.dead ??= err;
    for (const id of [...this.waiting.keys()]) this.drop(id, this.dead);
  }
}

type EngineResponse = { response: { statusCode: number; headers: Record<string, string>; body: Buffer } };

const transport = (outbox: Outbox<EngineRequest>, inFlight: InFlight): EngineRequestHandler => ({
  handle: (request: SignedRequest, options?: { abortSignal?: AbortSignalLike }) =>
    new Promise<EngineResponse>((resolve, reject) => {
      const signal = options?.abortSignal;
      if (signal?.aborted) return reject(abortError());
      // The listener goes when the request ends: one signal serves all the DynamoDB requests of a call.
      const onAbort = () => id !== undefined && inFlight.drop(id, abortError());
      const done = () => signal?.removeEventListener?.('abort', onAbort);
      const id = inFlight.add(
        (a) => {
          done();
          resolve({ response: { statusCode: a.statusCode, headers: a.headers, body: Buffer.from(a.body, 'utf8') } });
        },
        (err) => {
          done();
          reject(err);
        },
      );
      if (id === undefined) return;
      signal?.addEventListener?.('abort', onAbort, { once: true });
      const headers: Record<string, string> = {};
      for (const [name, value] of Object.entries(request.headers)) headers[name.toLowerCase()] = value;
      const body = typeof request.body === 'string' ? Buffer.from(request.body, 'utf8') : (request.body ?? new Uint8Array());
      const message: EngineRequest = { id, method: request.method, path: request.path, headers, body };
      outbox.push(message);
    }),
  updateHttpClientConfig: () => undefined,
  httpHandlerConfigs: () => ({}),
  destroy: () => undefined,
});

export const startEngine = async (options: EngineOptions): Promise<Engine> => {
  // A data folder may come from a process that was killed mid-write: its indexes are rebuilt first.
  if (options.dataDir) await rebuildIndexes(options.dataDir);
  const data: EngineThreadData & { tsx: string; entry: string } = {
    engineThread: true,
    host: options.host,
    port: options.port,
    ...(options.dataDir && { dataDir: options.dataDir }),
    tsx: require.resolve('tsx/cjs'),
    entry: join(__dirname, 'engine-thread.ts'),
  };
  const worker = new Worker(THREAD_BOOT, { eval: true, workerData: data, execArgv: [] });
  const inFlight = new InFlight();
  let closed: (() => void) | undefined;
  let started = false;
  const port = await new Promise<number>((resolve, reject) => {
    worker.on('error', (err) => !started && reject(err));
    worker.on('exit', (code) => !started && reject(new Error(`the engine's thread exited while starting (code ${code})`)));
    worker.on('message', (m: EngineThreadMessage) => {
      if (Array.isArray(m)) for (const answer of m) inFlight.settle(answer);
      else if ('listening' in m) resolve(m.listening);
      else if ('startError' in m) reject(new Error(m.startError));
      else closed?.();
    });
  }).catch(async (err: Error) => {
    await worker.terminate();
    throw err;
  });
  started = true;
  worker.on('exit', (code) => inFlight.failAll(new Error(`the engine's thread exited (code ${code})`)));
  // A failure of the engine after the start (a bug in it) is as fatal as it was on one thread: the requests
  // waiting fail, and the error is thrown again here, where whoever runs the engine sees it.
  worker.on('error', (err) => {
    inFlight.failAll(err);
    process.nextTick(() => {
      throw err;
    });
  });
  return {
    url: `http://${options.host}:${port}`,
    requestHandler: transport(new Outbox<EngineRequest>((batch: HandlerThreadMessage) => worker.postMessage(batch)), inFlight),
    collect: () => worker.postMessage('collect' satisfies HandlerThreadMessage),
    close: async () => {
      await new Promise<void>((resolve) => {
        closed = resolve;
        worker.postMessage('close' satisfies HandlerThreadMessage);
      });
      inFlight.failAll(new Error('the engine is closed'));
      await worker.terminate();
    },
  };
};
