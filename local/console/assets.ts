/**
 * The console's files, served by the local door at GET / and /console/...: the page (local/console/page), and the
 * two libraries it draws with, from node_modules (no CDN: it works offline). docs/decisions.md says why these.
 * Files are read once and kept (about 1 MB in all).
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

interface Asset {
  readonly file: string;
  readonly type: string;
}

// Found through each package's `exports` (cytoscape's names its files, not its package.json).
const CYTOSCAPE_FILE = require.resolve('cytoscape/dist/cytoscape.min.js');
const VIS_TIMELINE_DIR = dirname(require.resolve('vis-timeline/package.json'));
const page = (file: string) => join(__dirname, 'page', file);

const ASSETS: Readonly<Record<string, Asset>> = {
  '/': { file: page('index.html'), type: 'text/html; charset=utf-8' },
  '/console/console.js': { file: page('console.js'), type: 'text/javascript; charset=utf-8' },
  '/console/console.css': { file: page('console.css'), type: 'text/css; charset=utf-8' },
  '/console/vendor/cytoscape.min.js': { file: CYTOSCAPE_FILE, type: 'text/javascript; charset=utf-8' },
  '/console/vendor/vis-timeline-graph2d.min.js': {
    file: join(VIS_TIMELINE_DIR, 'standalone', 'umd', 'vis-timeline-graph2d.min.js'),
    type: 'text/javascript; charset=utf-8',
  },
  '/console/vendor/vis-timeline-graph2d.min.css': { file: join(VIS_TIMELINE_DIR, 'styles', 'vis-timeline-graph2d.min.css'), type: 'text/css; charset=utf-8' },
};

/**
 * Scripts only from this origin, no framing (a page elsewhere must not put the console's buttons under a click),
 * no referrer. Inline styles are allowed: both libraries position their elements with them.
 */
export const CONSOLE_HEADERS: Readonly<Record<string, string>> = {
  'Content-Security-Policy':
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
  'X-Frame-Options': 'DENY',
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'Cache-Control': 'no-cache',
};

const cache = new Map<string, Buffer>();

/** The asset at `path`, or undefined when the console has none there. */
export const consoleAsset = (path: string): { readonly body: Buffer; readonly type: string } | undefined => {
  const asset = Object.hasOwn(ASSETS, path) ? ASSETS[path] : undefined;
  if (asset === undefined) return undefined;
  let body = cache.get(path);
  if (body === undefined) {
    body = readFileSync(asset.file);
    cache.set(path, body);
  }
  return { body, type: asset.type };
};
