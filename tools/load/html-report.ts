/**
 * `--report FILE.html`: one self-contained page (no network: the data and the drawing code are inline) with,
 * per call, throughput and p50 / p99 latency over the seconds of the run, and the latency distribution. The
 * charts are SVG drawn by the page's own script from the embedded result; when done it marks
 * `<body data-charts="drawn">` and each chart `data-points` with the points it drew (what the browser test reads).
 */
import type { RunnersResult } from './runners';

const escapeJson = (value: unknown) => JSON.stringify(value).replace(/</g, '\\u003c');

export const htmlReport = (r: RunnersResult, title: string): string => `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>${title.replace(/[<&]/g, '')}</title>
<style>
  body { font: 14px system-ui, sans-serif; margin: 24px; color: #222; }
  h1 { font-size: 20px; } h2 { font-size: 16px; margin-top: 28px; }
  table { border-collapse: collapse; } td, th { padding: 3px 10px; border-bottom: 1px solid #ddd; text-align: right; }
  td:first-child, th:first-child { text-align: left; }
  svg { background: #fafafa; border: 1px solid #ddd; }
  .legend span { display: inline-block; margin-right: 14px; } .legend i { display: inline-block; width: 12px; height: 3px; margin-right: 4px; vertical-align: middle; }
</style>
</head>
<body data-charts="pending">
<h1>${title.replace(/[<&]/g, '')}</h1>
<p id="summary"></p>
<table id="calls"><thead><tr><th>call</th><th>count</th><th>p50 ms</th><th>p90 ms</th><th>p99 ms</th><th>max ms</th><th>outcomes</th></tr></thead><tbody></tbody></table>
<h2>Throughput (calls per second)</h2><div class="legend" id="legend"></div><svg id="throughput" width="900" height="280"></svg>
<h2>Latency over time: p50 (solid) and p99 (dashed), ms</h2><svg id="latency" width="900" height="280"></svg>
<h2>Latency distribution (ms by percentile)</h2><svg id="distribution" width="900" height="280"></svg>
<script id="data" type="application/json">${escapeJson(r)}</script>
<script>
(() => {
  const r = JSON.parse(document.getElementById('data').textContent);
  const colors = { PollForTask: '#1f77b4', ReportTaskProgress: '#ff7f0e', SetTaskStatus: '#2ca02c', ReportTaskRunnerHeartbeat: '#9467bd' };
  const names = Object.keys(r.calls).filter((c) => r.calls[c].count > 0);
  const ns = 'http://www.w3.org/2000/svg';
  const el = (tag, attrs, parent) => { const e = document.createElementNS(ns, tag); for (const k in attrs) e.setAttribute(k, attrs[k]); parent.appendChild(e); return e; };
  document.getElementById('summary').textContent = r.tasksCompleted + ' tasks in ' + r.durationSec.toFixed(1) + ' s (' + r.tasksPerSec.toFixed(1) + ' /s) by ' + r.setup.runners + ' runners; check: ' + (r.check.ok ? 'ok' : 'FAILED ' + r.check.problems.join('; '));
  const body = document.querySelector('#calls tbody');
  for (const c of names) {
    const x = r.calls[c], tr = document.createElement('tr');
    for (const v of [c, x.count, x.latencyMs.p50.toFixed(2), x.latencyMs.p90.toFixed(2), x.latencyMs.p99.toFixed(2), x.latencyMs.max.toFixed(2), Object.entries(x.outcomes).map(([k, n]) => k + ' ' + n).join(', ')]) { const td = document.createElement('td'); td.textContent = v; tr.appendChild(td); }
    body.appendChild(tr);
  }
  document.getElementById('legend').innerHTML = names.map((c) => '<span><i style="background:' + colors[c] + '"></i>' + c + '</span>').join('');
  /** Round steps (1, 2 or 5 times a power of ten) from 0 to at least max, about n of them. */
  const linearTicks = (max, n) => {
    const raw = max / n, p = Math.pow(10, Math.floor(Math.log10(raw))), m = raw / p;
    const step = (m <= 1 ? 1 : m <= 2 ? 2 : m <= 5 ? 5 : 10) * p;
    const ticks = [0];
    while (ticks[ticks.length - 1] < max) ticks.push(+(ticks[ticks.length - 1] + step).toPrecision(12));
    return ticks;
  };
  /** Powers of ten around the values (and 2 and 5 times them when they span one decade or less). */
  const logTicks = (min, max) => {
    const lo = Math.floor(Math.log10(min)), hi = Math.max(lo + 1, Math.ceil(Math.log10(max)));
    const ticks = [];
    for (let e = lo; e <= hi; e++) for (const m of hi - lo <= 1 ? [1, 2, 5] : [1]) if (m === 1 || m * Math.pow(10, e) < Math.pow(10, hi)) ticks.push(+(m * Math.pow(10, e)).toPrecision(12));
    return ticks;
  };
  const label = (v) => (v >= 10000 ? v / 1000 + 'k' : String(v));
  /**
   * Draws series of [x, y] points with axes, ticks, gridlines and the axes' names and units; the y axis is
   * logarithmic from the power of ten below the smallest value when log. Returns the number of points drawn.
   */
  const chart = (svg, series, xLabel, yLabel, log) => {
    const W = +svg.getAttribute('width'), H = +svg.getAttribute('height'), L = 64, B = 42, T = 10, R = 14;
    const all = series.flatMap((s) => s.points);
    const xTicks = linearTicks(Math.max(1, ...all.map((p) => p[0])), 10);
    const positive = all.map((p) => p[1]).filter((v) => v > 0);
    const yTicks = log ? logTicks(positive.length ? Math.min(...positive) : 1, positive.length ? Math.max(...positive) : 1) : linearTicks(Math.max(1, ...all.map((p) => p[1])), 5);
    const xMax = xTicks[xTicks.length - 1], yMin = yTicks[0], yMax = yTicks[yTicks.length - 1];
    const fy = (v) => (log ? (Math.log10(Math.max(v, yMin)) - Math.log10(yMin)) / (Math.log10(yMax) - Math.log10(yMin)) : v / yMax);
    const sx = (v) => L + (v / xMax) * (W - L - R), sy = (v) => H - B - fy(v) * (H - B - T);
    for (const t of yTicks) {
      el('line', { x1: L, y1: sy(t), x2: W - R, y2: sy(t), stroke: '#e3e3e3' }, svg);
      el('text', { x: L - 6, y: sy(t) + 4, 'font-size': 11, 'text-anchor': 'end' }, svg).textContent = label(t);
    }
    for (const t of xTicks) {
      el('line', { x1: sx(t), y1: T, x2: sx(t), y2: H - B, stroke: '#efefef' }, svg);
      el('line', { x1: sx(t), y1: H - B, x2: sx(t), y2: H - B + 4, stroke: '#999' }, svg);
      el('text', { x: sx(t), y: H - B + 16, 'font-size': 11, 'text-anchor': 'middle' }, svg).textContent = label(t);
    }
    el('line', { x1: L, y1: H - B, x2: W - R, y2: H - B, stroke: '#999' }, svg);
    el('line', { x1: L, y1: T, x2: L, y2: H - B, stroke: '#999' }, svg);
    el('text', { x: (L + W - R) / 2, y: H - 6, 'font-size': 12, 'text-anchor': 'middle' }, svg).textContent = xLabel;
    el('text', { x: 14, y: (T + H - B) / 2, 'font-size': 12, 'text-anchor': 'middle', transform: 'rotate(-90 14 ' + (T + H - B) / 2 + ')' }, svg).textContent = yLabel + (log ? ' (log scale)' : '');
    let drawn = 0;
    for (const s of series) {
      if (s.points.length === 0) continue;
      const px = (p) => sx(p[0]).toFixed(1) + ',' + sy(p[1]).toFixed(1);
      el('polyline', { points: s.points.map(px).join(' '), fill: 'none', stroke: s.color, 'stroke-width': 2, 'stroke-dasharray': s.dashed ? '5,4' : '' }, svg);
      for (const p of s.points) { const [cx, cy] = px(p).split(','); el('circle', { cx, cy, r: 2, fill: s.color }, svg); drawn++; }
    }
    svg.setAttribute('data-points', drawn);
    svg.setAttribute('data-y-ticks', yTicks.join(' '));
    svg.setAttribute('data-x-ticks', xTicks.join(' '));
    return drawn;
  };
  const over = (c, key) => r.timeline.filter((t) => t.calls[c]).map((t) => [t.second, t.calls[c][key]]);
  chart(document.getElementById('throughput'), names.map((c) => ({ color: colors[c], points: over(c, 'count') })), 'time since the start (s)', 'calls per second', false);
  chart(document.getElementById('latency'), names.flatMap((c) => [{ color: colors[c], points: over(c, 'p50') }, { color: colors[c], points: over(c, 'p99'), dashed: true }]), 'time since the start (s)', 'latency (ms)', true);
  chart(document.getElementById('distribution'), names.map((c) => ({ color: colors[c], points: r.distribution[c] })), 'percentile', 'latency (ms)', true);
  document.body.setAttribute('data-charts', 'drawn');
})();
</script>
</body>
</html>
`;
