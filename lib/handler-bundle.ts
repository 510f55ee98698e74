/**
 * How the handler is bundled, written once: the CDK stack's NodejsFunction and the local build
 * (local/build-handler.ts, which `npm start` and `npm test` run) both read these settings, so the local
 * endpoint serves the same code that deploys. Plain data: no CDK import, so the local build stays fast.
 */
import * as path from 'node:path';

export const HANDLER_ENTRY = path.join(__dirname, '..', 'lambda', 'handler.ts');

/** Node 20 is the oldest runtime it must run on (this machine); Lambda runs a newer one. */
const HANDLER_TARGET = 'node20';

export const HANDLER_BUNDLING = {
  minify: true,
  sourceMap: true,
  target: HANDLER_TARGET,
  /** Bundle the AWS SDK too: one pinned version, and what runs locally is what runs in Lambda. */
  externalModules: [] as string[],
} as const;

/** Where the local build writes the bundle (CommonJS, like NodejsFunction's default). */
export const LOCAL_BUNDLE_DIR = path.join(__dirname, '..', 'dist', 'handler');
export const LOCAL_BUNDLE_FILE = path.join(LOCAL_BUNDLE_DIR, 'index.js');
