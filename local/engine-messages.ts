/**
 * What the handler's thread and the engine's thread (local/engine.ts, local/engine-thread.ts) say to each other.
 */

export interface EngineThreadData {
  /** Marks the engine thread's own start: loading local/engine-thread.ts anywhere else starts nothing. */
  readonly engineThread: true;
  readonly host: string;
  readonly port: number;
  readonly dataDir?: string;
}

/** A request from the handler's thread. */
export interface EngineRequest {
  readonly id: number;
  readonly method: string;
  readonly path: string;
  /** Header names in lower case, as node:http gives them. */
  readonly headers: Record<string, string>;
  readonly body: Uint8Array;
}

export interface EngineAnswer {
  readonly id: number;
  readonly statusCode: number;
  readonly headers: Record<string, string>;
  readonly body: string;
}

/** The handler's thread sends requests in batches, 'collect' when the endpoint went quiet (local/idle-collector.ts), or 'close'. */
export type HandlerThreadMessage = EngineRequest[] | 'collect' | 'close';

/** The engine's thread answers in batches, and says when it listens (its port), failed to start, or closed. */
export type EngineThreadMessage = EngineAnswer[] | { readonly listening: number } | { readonly startError: string } | { readonly closed: true };

/**
 * Messages posted together: each postMessage wakes the other thread (a system call), so what is pushed before
 * the next microtask travels as one message (measured in docs/decisions.md).
 */
export class Outbox<T> {
  private batch: T[] = [];
  constructor(private readonly post: (batch: T[]) => void) {}
  push(item: T): void {
    if (this.batch.push(item) === 1) queueMicrotask(() => this.flush());
  }
  private flush(): void {
    const batch = this.batch;
    this.batch = [];
    this.post(batch);
  }
}
