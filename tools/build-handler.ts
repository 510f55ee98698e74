/** Bundles lambda/handler.ts with the deploy settings into dist/handler/index.js (used by `npm start` and tests). */
import { build } from 'esbuild';
import { HANDLER_BUNDLING, HANDLER_ENTRY, LOCAL_BUNDLE_FILE } from '../lib/handler-bundle';

export const buildHandler = async (): Promise<void> => {
  await build({
    entryPoints: [HANDLER_ENTRY],
    outfile: LOCAL_BUNDLE_FILE,
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

if (require.main === module) {
  buildHandler().catch((err) => {
    console.error(err);
    process.exit(1);
  });
}
