/** `npm start` rebuilds the handler bundle only when something it was built from changed. */
import { mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HANDLER_BUNDLING } from '../../lib/handler-bundle';
import { bundleIsCurrent } from '../../local/build-handler';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'bundle-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const at = (file: string, seconds: number) => utimesSync(file, seconds, seconds);
const setUp = (settings: unknown = HANDLER_BUNDLING) => {
  const bundle = join(dir, 'index.js');
  const source = join(dir, 'source.ts');
  const inputs = join(dir, 'inputs.json');
  writeFileSync(source, 'x');
  writeFileSync(bundle, 'y');
  writeFileSync(inputs, JSON.stringify({ settings, inputs: [source] }));
  at(source, 1000);
  at(bundle, 2000);
  return { bundle, source, inputs };
};

it('is current when every input is older than the bundle', () => {
  const f = setUp();
  expect(bundleIsCurrent(f.bundle, f.inputs)).toBe(true);
});
it('is stale when an input changed after the build', () => {
  const f = setUp();
  at(f.source, 3000);
  expect(bundleIsCurrent(f.bundle, f.inputs)).toBe(false);
});
it('is stale when an input is gone, the bundle is missing, or the build settings changed', () => {
  const f = setUp();
  rmSync(f.source);
  expect(bundleIsCurrent(f.bundle, f.inputs)).toBe(false);
  expect(bundleIsCurrent(join(dir, 'missing.js'), f.inputs)).toBe(false);
  const g = setUp({ ...HANDLER_BUNDLING, minify: !HANDLER_BUNDLING.minify });
  expect(bundleIsCurrent(g.bundle, g.inputs)).toBe(false);
});
