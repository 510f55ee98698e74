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
<h2>Throughput (calls per second)</h2><div class="legend" id="legend"></div><svg id="throughput" width="900" height="260"></svg>
<h2>Latency over time: p50 (solid) and p99 (dashed), ms</h2><svg id="latency" width="900" height="260"></svg>
<h2>Latency distribution (ms by percentile)</h2><svg id="distribution" width="900" height="260"></svg>
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
  /** Draws series of [x, y] points on a chart with axes; returns the number of points drawn. */
  const chart = (svg, series, xLabel, logY) => {
    const W = +svg.getAttribute('width'), H = +svg.getAttribute('height'), L = 50, B = 30, T = 10, R = 10;
    const all = series.flatMap((s) => s.points);
    const xMax = Math.max(1, ...all.map((p) => p[0])), yRaw = Math.max(1, ...all.map((p) => p[1]));
    const y = (v) => logY ? Math.log10(Math.max(v, 0.01) / 0.01) / Math.log10(yRaw / 0.01) : v / yRaw;
    const px = (p) => (L + (p[0] / xMax) * (W - L - R)).toFixed(1) + ',' + (H - B - y(p[1]) * (H - B - T)).toFixed(1);
    el('line', { x1: L, y1: H - B, x2: W - R, y2: H - B, stroke: '#999' }, svg);
    el('line', { x1: L, y1: T, x2: L, y2: H - B, stroke: '#999' }, svg);
    el('text', { x: W / 2, y: H - 6, 'font-size': 11, 'text-anchor': 'middle' }, svg).textContent = xLabel;
    el('text', { x: 4, y: T + 10, 'font-size': 11 }, svg).textContent = yRaw.toFixed(yRaw < 10 ? 2 : 0);
    el('text', { x: 4, y: H - B, 'font-size': 11 }, svg).textContent = logY ? '0.01' : '0';
    let drawn = 0;
    for (const s of series) {
      if (s.points.length === 0) continue;
      el('polyline', { points: s.points.map(px).join(' '), fill: 'none', stroke: s.color, 'stroke-width': 2, 'stroke-dasharray': s.dashed ? '5,4' : '' }, svg);
      for (const p of s.points) { const [cx, cy] = px(p).split(','); el('circle', { cx, cy, r: 2, fill: s.color }, svg); drawn++; }
    }
    svg.setAttribute('data-points', drawn);
    return drawn;
  };
  const over = (c, key) => r.timeline.filter((t) => t.calls[c]).map((t) => [t.second, t.calls[c][key]]);
  chart(document.getElementById('throughput'), names.map((c) => ({ color: colors[c], points: over(c, 'count') })), 'second of the run', false);
  chart(document.getElementById('latency'), names.flatMap((c) => [{ color: colors[c], points: over(c, 'p50') }, { color: colors[c], points: over(c, 'p99'), dashed: true }]), 'second of the run', true);
  chart(document.getElementById('distribution'), names.map((c) => ({ color: colors[c], points: r.distribution[c] })), 'percentile', true);
  document.body.setAttribute('data-charts', 'drawn');
})();
</script>
</body>
</html>
`;
