/**
 * A load driver: closed model (N workers, each sends when its last answer came back) or open model
 * (arrivals at a fixed rate, latency measured from when a request was due, so a slow server cannot hide
 * its queueing: no coordinated omission). Always bounded in time; optionally in count.
 */
import { build, Histogram } from 'hdr-histogram-js';

/** One unit of work; rejects with the client's error when the call fails. */
export type Call = () => Promise<unknown>;

export interface LoadOptions {
  /** The next call, or undefined when there is no more work (e.g. the seeded tasks ran out). */
  readonly next: () => Call | undefined;
  /** Workers (closed model), or the most calls in flight (open model). */
  readonly concurrency: number;
  /** Hard time bound. */
  readonly durationSec: number;
  /** Stop after this many calls. */
  readonly requests?: number;
  /** Open model: calls per second. */
  readonly rate?: number;
  readonly onProgress?: (p: Progress) => void;
  /**
   * Record latencies into this histogram (newLatencyHistogram) instead of a fresh one: runs that share it report
   * percentiles over all of them (the bench alternates its phases this way).
   */
  readonly histogram?: Histogram;
}

export interface Progress {
  readonly elapsedSec: number;
  readonly requests: number;
  readonly ratePerSec: number;
  readonly errors: number;
}

export interface LoadResult {
  readonly requests: number;
  readonly durationSec: number;
  readonly throughputPerSec: number;
  readonly latencyMs: { p50: number; p90: number; p99: number; p999: number; max: number };
  readonly outcomes: Record<string, number>;
  readonly model: 'closed' | 'open';
  readonly concurrency: number;
  readonly rate?: number;
  /** Why the run ended: `duration`, `requests`, or `exhausted` (no more work). */
  readonly stoppedBy: 'duration' | 'requests' | 'exhausted';
}

/** `ok`, the error's `__type` for an answer from the server, `timeout`, or `network:<code>`. */
export const outcomeOf = (err: unknown): string => {
  const e = (err ?? {}) as { name?: string; code?: string; $metadata?: { httpStatusCode?: number } };
  if (e.$metadata?.httpStatusCode) return e.name ?? `http-${e.$metadata.httpStatusCode}`;
  if (e.name === 'TimeoutError' || e.code === 'ETIMEDOUT' || e.name === 'AbortError') return 'timeout';
  return `network:${e.code ?? e.name ?? 'error'}`;
};

const nowNs = () => process.hrtime.bigint();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Latencies in microseconds, from 1 µs to 120 s, 3 significant digits. */
export const newLatencyHistogram = (): Histogram => build({ lowestDiscernibleValue: 1, highestTrackableValue: 120_000_000, numberOfSignificantValueDigits: 3 });

export const runLoad = async (options: LoadOptions): Promise<LoadResult> => {
  const histogram = options.histogram ?? newLatencyHistogram();
  const outcomes: Record<string, number> = {};
  let started = 0;
  let completed = 0;
  let errors = 0;
  let stoppedBy: LoadResult['stoppedBy'] = 'duration';
  const t0 = nowNs();
  const deadline = t0 + BigInt(Math.round(options.durationSec * 1e9));

  /** Whether another call may start; records why not. */
  const mayStart = (): boolean => {
    if (options.requests !== undefined && started >= options.requests) {
      stoppedBy = 'requests';
      return false;
    }
    if (nowNs() >= deadline) {
      stoppedBy = 'duration';
      return false;
    }
    return true;
  };

  const execute = async (call: Call, dueNs: bigint) => {
    let outcome = 'ok';
    try {
      await call();
    } catch (err) {
      outcome = outcomeOf(err);
      errors++;
    }
    histogram.recordValue(Math.max(1, Number((nowNs() - dueNs) / 1000n)));
    outcomes[outcome] = (outcomes[outcome] ?? 0) + 1;
    completed++;
  };

  let lastCompleted = 0;
  let lastTick = t0;
  const progress = options.onProgress
    ? setInterval(() => {
        const t = nowNs();
        const rate = ((completed - lastCompleted) * 1e9) / Number(t - lastTick);
        lastCompleted = completed;
        lastTick = t;
        options.onProgress!({ elapsedSec: Number(t - t0) / 1e9, requests: completed, ratePerSec: rate, errors });
      }, 1000)
    : undefined;

  try {
    if (options.rate === undefined) {
      const worker = async () => {
        while (mayStart()) {
          const call = options.next();
          if (!call) {
            stoppedBy = 'exhausted';
            return;
          }
          started++;
          await execute(call, nowNs());
        }
      };
      await Promise.all(Array.from({ length: options.concurrency }, worker));
    } else {
      const intervalNs = 1e9 / options.rate;
      const inFlight = new Set<Promise<void>>();
      let i = 0;
      while (mayStart()) {
        const dueNs = t0 + BigInt(Math.round(i * intervalNs));
        const wait = Number(dueNs - nowNs()) / 1e6;
        if (wait > 1) await sleep(wait);
        if (inFlight.size >= options.concurrency) await Promise.race(inFlight); // queued: the wait still counts
        if (!mayStart()) break;
        const call = options.next();
        if (!call) {
          stoppedBy = 'exhausted';
          break;
        }
        started++;
        i++;
        const p = execute(call, dueNs).finally(() => inFlight.delete(p));
        inFlight.add(p);
      }
      await Promise.all(inFlight);
    }
  } finally {
    if (progress) clearInterval(progress);
  }

  const durationSec = Number(nowNs() - t0) / 1e9;
  const ms = (us: number) => Math.round(us) / 1000;
  return {
    requests: completed,
    durationSec,
    throughputPerSec: completed / durationSec,
    latencyMs: {
      p50: ms(histogram.getValueAtPercentile(50)),
      p90: ms(histogram.getValueAtPercentile(90)),
      p99: ms(histogram.getValueAtPercentile(99)),
      p999: ms(histogram.getValueAtPercentile(99.9)),
      max: ms(histogram.maxValue),
    },
    outcomes,
    model: options.rate === undefined ? 'closed' : 'open',
    concurrency: options.concurrency,
    ...(options.rate !== undefined && { rate: options.rate }),
    stoppedBy,
  };
};
