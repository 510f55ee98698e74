/** Bundles lambda/handler.ts with the deploy settings into dist/handler/index.js (used by `npm start` and tests). */
import { build } from 'esbuild';
import { HANDLER_BUNDLING, HANDLER_ENTRY, LOCAL_BUNDLE_FILE } from '../lib/handler-bundle';

/** Bundles any entry the way the stack bundles the handler (the benchmark bundles its baseline with it too). */
export const bundleLikeHandler = async (entry: string, outfile: string): Promise<void> => {
  await build({
    entryPoints: [entry],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: HANDLER_BUNDLING.target,
    minify: HANDLER_BUNDLING.minify,
    sourcemap: HANDLER_BUNDLING.sourceMap,
    external: [...HANDLER_BUNDLING.externalModules],
    logLevel: 'warning',
  });
};

export const buildHandler = (): Promise<void> => bundleLikeHandler(HANDLER_ENTRY, LOCAL_BUNDLE_FILE);

if (require.main === module) {
  buildHandler().catch((err) => {
    console.error(err);
    process.exit(1);
  });
}
