/**
 * `npm run conformance -- --endpoint URL [--dynamodb-endpoint URL | --stack NAME] [--cases PREFIX] [--keep]`
 * Checks an endpoint (ours, local or deployed, or an emulator) against docs/behaviour.md: one line per case,
 * then `N passed, M failed`; exits non-zero on any failure. The SetTaskStatus cases seed tasks through the
 * tables (layout: docs/behaviour.md §4); the pipeline cases use the API alone. What a run wrote is deleted at the
 * end, unless --keep.
 */
import { parseArgs } from 'node:util';
import { CASES } from './conformance/cases';
import { deleteCreatedPipelines } from './conformance/lifecycle-cases';
import { runConformance, summaryLine } from './conformance/run';

/** The second account of the accounts case: another access key. */
const OTHER_ACCOUNT_CREDENTIALS = { accessKeyId: 'AKIACONFORMANCEOTHER', secretAccessKey: 'conformance' };
import { apiGatewayRegion, dataPipelineClient, finishWithTables, resolveTables } from './targets';

const main = async () => {
  const { values } = parseArgs({
    options: {
      endpoint: { type: 'string' },
      'dynamodb-endpoint': { type: 'string' },
      stack: { type: 'string' },
      cases: { type: 'string' },
      keep: { type: 'boolean' },
    },
  });
  if (!values.endpoint) throw new Error('--endpoint URL is required');
  if (values.stack && values['dynamodb-endpoint']) throw new Error('give --stack or --dynamodb-endpoint, not both');
  const sdk = dataPipelineClient(values.endpoint, { maxAttempts: 1 });
  const tables = await resolveTables({ stack: values.stack, dynamodbEndpoint: values['dynamodb-endpoint'] });
  console.log(`conformance of ${values.endpoint} (tables: ${tables.description})`);
  const isLocal = !apiGatewayRegion(values.endpoint);
  // Off AWS, another access key is another account (ours and LocalStack-style emulators); deployed there is one caller.
  const otherAccount = isLocal ? dataPipelineClient(values.endpoint, { maxAttempts: 1, credentials: OTHER_ACCOUNT_CREDENTIALS }) : undefined;
  const cases = CASES.filter((c) => c.id.startsWith(values.cases ?? ''));
  if (cases.length === 0) throw new Error(`no case id starts with ${values.cases}`);
  const report = await runConformance({ sdk, tables, endpoint: values.endpoint, isLocal, otherAccount }, (line) => console.log(line), cases);
  if (values.keep) console.log('kept the pipelines the cases created');
  else console.log(`deleted the ${await deleteCreatedPipelines()} pipelines the cases created`);
  sdk.destroy();
  otherAccount?.destroy();
  console.log(await finishWithTables(tables, values.keep ?? false));
  console.log(summaryLine(report));
  process.exitCode = report.failed > 0 ? 1 : 0;
};

main().catch((err: unknown) => {
  console.error(`conformance: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(2);
});
