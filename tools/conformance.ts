/**
 * `npm run conformance -- --endpoint URL [--dynamodb-endpoint URL | --stack NAME] [--keep]`
 * Checks an endpoint (ours, local or deployed, or an emulator) against docs/behaviour.md: one line per case,
 * then `N passed, M failed`; exits non-zero on any failure. Seeds through the tables (layout: docs/behaviour.md §4) and deletes what it wrote at the end, unless --keep.
 */
import { parseArgs } from 'node:util';
import { runConformance, summaryLine } from './conformance/run';
import { apiGatewayRegion, dataPipelineClient, finishWithTables, resolveTables } from './targets';

const main = async () => {
  const { values } = parseArgs({
    options: { endpoint: { type: 'string' }, 'dynamodb-endpoint': { type: 'string' }, stack: { type: 'string' }, keep: { type: 'boolean' } },
  });
  if (!values.endpoint) throw new Error('--endpoint URL is required');
  if (values.stack && values['dynamodb-endpoint']) throw new Error('give --stack or --dynamodb-endpoint, not both');
  const sdk = dataPipelineClient(values.endpoint, { maxAttempts: 1 });
  const tables = await resolveTables({ stack: values.stack, dynamodbEndpoint: values['dynamodb-endpoint'] });
  console.log(`conformance of ${values.endpoint} (tables: ${tables.description})`);
  const report = await runConformance({ sdk, tables, endpoint: values.endpoint, isLocal: !apiGatewayRegion(values.endpoint) }, (line) => console.log(line));
  sdk.destroy();
  console.log(await finishWithTables(tables, values.keep ?? false));
  console.log(summaryLine(report));
  process.exitCode = report.failed > 0 ? 1 : 0;
};

main().catch((err: unknown) => {
  console.error(`conformance: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(2);
});
