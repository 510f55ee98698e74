/**
 * Bundles lambda/handler.ts with the deploy settings into dist/handler/index.js (used by `npm start` and
 * the tests). `ensureHandlerBundle` rebuilds only when a source file of the last build changed, so that
 * `npm start` is one quick process.
 */
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { build } from 'esbuild';
import { HANDLER_BUNDLING, HANDLER_ENTRY, LOCAL_BUNDLE_DIR, LOCAL_BUNDLE_FILE } from '../lib/handler-bundle';

/** The files the last local build read, and the build settings, next to the bundle. */
const INPUTS_FILE = path.join(LOCAL_BUNDLE_DIR, 'inputs.json');
const LOCKFILE = path.join(__dirname, '..', 'package-lock.json');

/** Bundles any entry the way the stack bundles the handler (the benchmark bundles its baseline with it too). Returns the files it read. */
export const bundleLikeHandler = async (entry: string, outfile: string): Promise<string[]> => {
  const result = await build({
    entryPoints: [entry],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: HANDLER_BUNDLING.target,
    minify: HANDLER_BUNDLING.minify,
    sourcemap: HANDLER_BUNDLING.sourceMap,
    external: [...HANDLER_BUNDLING.externalModules],
    metafile: true,
    logLevel: 'warning',
  });
  return Object.keys(result.metafile.inputs).map((p) => path.resolve(p));
};

export const buildHandler = async (): Promise<void> => {
  const inputs = await bundleLikeHandler(HANDLER_ENTRY, LOCAL_BUNDLE_FILE);
  // npm extracts packages with a fixed old mtime, so a changed dependency shows in the lockfile, not in its files.
  writeFileSync(INPUTS_FILE, JSON.stringify({ settings: HANDLER_BUNDLING, inputs: [...inputs, LOCKFILE] }));
};

/** True when the bundle exists and no file it was built from (nor the settings) changed since. */
export const bundleIsCurrent = (bundleFile = LOCAL_BUNDLE_FILE, inputsFile = INPUTS_FILE): boolean => {
  if (!existsSync(bundleFile) || !existsSync(inputsFile)) return false;
  const builtAt = statSync(bundleFile).mtimeMs;
  const last = JSON.parse(readFileSync(inputsFile, 'utf8')) as { settings: unknown; inputs: string[] };
  if (JSON.stringify(last.settings) !== JSON.stringify(HANDLER_BUNDLING)) return false;
  return last.inputs.every((file) => existsSync(file) && statSync(file).mtimeMs <= builtAt);
};

export const ensureHandlerBundle = async (): Promise<void> => {
  if (!bundleIsCurrent()) await buildHandler();
};

if (require.main === module) {
  buildHandler().catch((err) => {
    console.error(err);
    process.exit(1);
  });
}
