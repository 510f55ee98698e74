/**
 * Gives memory back when the endpoint goes quiet. V8 collects a heap's old generation when it grows, not when
 * the process goes idle: after a burst of large requests (the hostile corpus, 6 MB definitions) the garbage they
 * left stayed in both threads' heaps for 15 to 60 s, longer on a busy machine, counted in the process's memory
 * the whole time (docs/behaviour.md §11, Memory). So `npm start` runs with `--expose-gc`, and once no request
 * has been in flight for QUIET_MS after some were, it runs one full collection in each thread; V8 then returns the
 * emptied pages to the system. Without `--expose-gc` (the endpoint started in a test's process) it does nothing.
 * A collection costs time in proportion to what is live (about 25 ms a thread after the hostile corpus) and comes
 * only after a quiet spell: no request in flight waits on it (one that arrives during it waits those ms).
 */

/** No request in flight for this long after some were: the endpoint is quiet. */
export const QUIET_MS = 2_000;

type Gc = (options: { type: 'major'; execution: 'sync'; flavor: 'last-resort' }) => void;

/**
 * The full collection of this thread's heap, when the process was started with --expose-gc: V8's "last resort"
 * flavour, which also frees the ArrayBuffers' memory at once and hands the emptied pages back on Node 22 and 24 (a
 * plain `gc()` left the heap's committed size and 28 MB of buffers in place until V8's own collection, 40 s
 * later). Node 20's V8 collected only 8 MB with the options form, so the plain one goes first.
 */
export const collectThisThread = (): void => {
  const gc = (globalThis as { gc?: Gc & (() => void) }).gc;
  if (!gc) return;
  gc();
  gc({ type: 'major', execution: 'sync', flavor: 'last-resort' });
};

export interface IdleCollector {
  /** A request arrived; `done` when the door has done with it (local/http-door.ts, DoorOptions.work). */
  begin(): void;
  done(): void;
  stop(): void;
}

/**
 * Calls `collect` once no request has been in flight for QUIET_MS after some were; its timer never keeps the
 * process alive. A long poll in flight (PollForTask waits up to 20 s) keeps the endpoint busy.
 */
export const idleCollector = (collect: () => void, quietMs = QUIET_MS): IdleCollector => {
  let timer: NodeJS.Timeout | undefined;
  let inFlight = 0;
  let stopped = false;
  return {
    begin() {
      inFlight += 1;
      clearTimeout(timer);
      timer = undefined;
    },
    done() {
      inFlight -= 1;
      if (inFlight > 0 || stopped) return;
      timer = setTimeout(() => {
        timer = undefined;
        collect();
      }, quietMs);
      timer.unref();
    },
    stop() {
      stopped = true;
      clearTimeout(timer);
    },
  };
};
