/**
 * The local endpoint (the built handler bundle behind the HTTP door) started in this process, with a
 * Data Pipeline client pointed at it and a way to seed its tables. One per test file: the bundle reads its
 * configuration once, when first loaded, like a Lambda cold start.
 */
import { randomBytes } from 'node:crypto';
import { DataPipelineClient } from '@aws-sdk/client-data-pipeline';
import { tableNamesFromEnv } from '../../lambda/store/tables';
import { dynamoDbClient } from '../../local/dynamodb';
import { LOCAL_BUNDLE_FILE } from '../../lib/handler-bundle';
import { bundleIsCurrent } from '../../local/build-handler';
import { startLocalEndpoint, LocalEndpoint } from '../../local/endpoint';
import { EMPTY_PLAN, seed, SeededTask, SeedPlan } from '../../tools/seeding';

export interface RunningEndpoint extends LocalEndpoint {
  readonly sdk: DataPipelineClient;
  seed(plan: Partial<SeedPlan>): Promise<SeededTask[]>;
}

/**
 * The endpoint runs the built bundle (dist/), as npm start does: a bundle older than its sources would test old
 * code, so it is refused (`npm test` builds first; after an edit, `npm run build` before `npx jest`).
 */
export const assertBundleCurrent = (): void => {
  if (!bundleIsCurrent()) throw new Error(`${LOCAL_BUNDLE_FILE} is missing or older than its sources: run \`npm run build\` (npm test does), then the tests.`);
};

export const startEndpoint = async (options: { dynamodbEndpoint?: string } = {}): Promise<RunningEndpoint> => {
  assertBundleCurrent();
  // Fresh tables per file, also when every file shares one external engine.
  process.env.TABLE_PREFIX = `e${randomBytes(4).toString('hex')}-`;
  const endpoint = await startLocalEndpoint({
    host: '127.0.0.1',
    dynamodbHost: '127.0.0.1',
    port: 0,
    dynamodbPort: 0,
    dynamodbEndpoint: options.dynamodbEndpoint ?? process.env.DYNAMODB_ENDPOINT,
  });
  const sdk = new DataPipelineClient({
    endpoint: endpoint.apiUrl,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    maxAttempts: 1,
  });
  const db = dynamoDbClient(endpoint.dynamodbUrl);
  return {
    ...endpoint,
    sdk,
    seed: (plan) => seed(db, tableNamesFromEnv(process.env), { ...EMPTY_PLAN, ...plan }),
    close: async () => {
      sdk.destroy();
      db.destroy();
      await endpoint.close();
    },
  };
};
