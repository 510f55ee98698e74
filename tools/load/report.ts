/** Prints load results as a table, and progress as a live line (terminal) or plain lines (pipe). */
import type { LoadResult, Progress } from './driver';

export const progressPrinter = (stream: NodeJS.WriteStream = process.stderr) => {
  const tty = Boolean(stream.isTTY);
  return {
    update: (p: Progress) => {
      const line = `${p.elapsedSec.toFixed(0).padStart(4)} s  ${String(p.requests).padStart(8)} requests  ${p.ratePerSec.toFixed(0).padStart(7)}/s  ${p.errors} errors`;
      stream.write(tty ? `\r${line}\u001b[K` : `${line}\n`);
    },
    done: () => {
      if (tty) stream.write('\n');
    },
  };
};

export const formatResult = (r: LoadResult): string => {
  const rows: [string, string][] = [
    ['model', r.model === 'open' ? `open, ${r.rate}/s arrivals, at most ${r.concurrency} in flight` : `closed, ${r.concurrency} workers`],
    ['requests', String(r.requests)],
    ['duration', `${r.durationSec.toFixed(2)} s (stopped by ${r.stoppedBy})`],
    ['throughput', `${r.throughputPerSec.toFixed(1)} /s`],
    ['latency p50', `${r.latencyMs.p50.toFixed(3)} ms`],
    ['latency p90', `${r.latencyMs.p90.toFixed(3)} ms`],
    ['latency p99', `${r.latencyMs.p99.toFixed(3)} ms`],
    ['latency p99.9', `${r.latencyMs.p999.toFixed(3)} ms`],
    ['latency max', `${r.latencyMs.max.toFixed(3)} ms`],
    ...Object.entries(r.outcomes)
      .sort((a, b) => b[1] - a[1])
      .map(([name, n]): [string, string] => [`outcome ${name}`, `${n} (${((100 * n) / Math.max(1, r.requests)).toFixed(1)}%)`]),
  ];
  const width = Math.max(...rows.map(([k]) => k.length));
  return rows.map(([k, v]) => `${k.padEnd(width)}  ${v}`).join('\n');
};
