/**
 * `npm run conformance -- [--endpoint URL] [--dynamodb-endpoint URL | --stack NAME] [--cases PREFIX] [--json FILE]
 *   [--markdown FILE] [--keep]`
 * Checks an endpoint (ours, local or deployed, or an emulator) against docs/behaviour.md through its API: one line
 * per case, a table per call, then `N passed, M failed, K skipped`; exits 1 on any failure (2 when it cannot run).
 * Every case makes its own state through the API, except the few that seed a task straight into the tables
 * (layout: docs/behaviour.md §4): those need --dynamodb-endpoint or --stack, and are skipped without it. What a
 * run wrote is deleted at the end, unless --keep. --json writes every result; --markdown the per-call and
 * per-case tables (the README's moto table is made so).
 */
import { writeFileSync } from 'node:fs';
import { ListPipelinesCommand } from '@aws-sdk/client-data-pipeline';
import { LOCAL_ENDPOINT, parseFlags, runTool, UsageError, usageText } from '../local/cli';
import { CASES } from './conformance/cases';
import { deleteCreatedPipelines } from './conformance/lifecycle-cases';
import { ConformanceReport, perCall, perCallTable, runConformance, summaryLine } from './conformance/run';
import { apiGatewayRegion, dataPipelineClient, finishWithTables, resolveTables } from './targets';

/** The second account of the accounts case: another access key. */
const OTHER_ACCOUNT_CREDENTIALS = { accessKeyId: 'AKIACONFORMANCEOTHER', secretAccessKey: 'conformance' };

/** The per-call and per-case tables in Markdown. */
const markdownOf = (report: ConformanceReport): string => {
  const mark = { pass: 'pass', fail: 'fails', skip: 'cannot run' } as const;
  const lines = [
    `${summaryLine(report)} (\`npm run conformance -- --endpoint URL --markdown FILE\`)`,
    '',
    '| call | passed | failed | skipped |',
    '| --- | --- | --- | --- |',
    ...perCall(report.results).map((r) => `| ${r.call} | ${r.passed} | ${r.failed} | ${r.skipped} |`),
    '',
    '<details><summary>every case</summary>',
    '',
    '| case | call | result |',
    '| --- | --- | --- |',
    ...report.results.map((r) => `| \`${r.id}\` | ${r.call} | ${mark[r.status]} |`),
    '',
    '</details>',
  ];
  return `${lines.join('\n')}\n`;
};

const FLAGS = {
  endpoint: { type: 'string', help: 'the endpoint to check', default: `${LOCAL_ENDPOINT}, npm start's` },
  'dynamodb-endpoint': { type: 'string', help: 'its engine, for the cases that seed tasks into the tables', default: 'none: those cases are skipped' },
  stack: { type: 'string', help: "a deployed stack's tables instead of --dynamodb-endpoint", default: 'none' },
  cases: { type: 'string', help: 'run only the cases whose id starts with this', default: 'all' },
  json: { type: 'string', help: 'write every result to this file' },
  markdown: { type: 'string', help: "write the per-call and per-case tables to this file (the README's moto table)" },
  keep: { type: 'boolean', help: 'keep the pipelines the cases created', default: 'off' },
  help: { type: 'boolean', help: 'print this text and exit' },
} as const;
const USAGE = usageText(
  'npm run conformance -- [--endpoint URL] [--dynamodb-endpoint URL | --stack NAME] [--cases PREFIX] [--json FILE] [--markdown FILE] [--keep]',
  FLAGS,
);

const main = async () => {
  const values = parseFlags(process.argv.slice(2), FLAGS) as Record<string, string | undefined> & { keep?: boolean; endpoint: string };
  values.endpoint ??= LOCAL_ENDPOINT;
  if (values.stack && values['dynamodb-endpoint']) throw new UsageError('give --stack or --dynamodb-endpoint, not both');
  const sdk = dataPipelineClient(values.endpoint, { maxAttempts: 1 });
  // Nothing answering is one line (runTool: what to do), not a hundred failed cases.
  await sdk.send(new ListPipelinesCommand({})).catch((err: { code?: string; cause?: { code?: string } }) => {
    if (err.code === 'ECONNREFUSED' || err.cause?.code === 'ECONNREFUSED') throw err;
  });
  const withTables = values.stack !== undefined || values['dynamodb-endpoint'] !== undefined;
  const tables = withTables ? await resolveTables({ stack: values.stack, dynamodbEndpoint: values['dynamodb-endpoint'] }) : undefined;
  console.log(`conformance of ${values.endpoint} (tables: ${tables ? tables.description : 'none: the cases that seed tasks into the tables are skipped'})`);
  const isLocal = !apiGatewayRegion(values.endpoint);
  // Off AWS, another access key is another account (ours and LocalStack-style emulators); deployed there is one caller.
  const otherAccount = isLocal ? dataPipelineClient(values.endpoint, { maxAttempts: 1, credentials: OTHER_ACCOUNT_CREDENTIALS }) : undefined;
  const cases = CASES.filter((c) => c.id.startsWith(values.cases ?? ''));
  if (cases.length === 0) throw new UsageError(`no case id starts with ${values.cases}`);
  const report = await runConformance({ sdk, tables, endpoint: values.endpoint, isLocal, otherAccount }, (line) => console.log(line), cases);
  if (values.keep) console.log('kept the pipelines the cases created');
  else console.log(`deleted the ${await deleteCreatedPipelines()} pipelines the cases created`);
  sdk.destroy();
  otherAccount?.destroy();
  if (tables) console.log(await finishWithTables(tables, values.keep ?? false));
  console.log(`\n${perCallTable(report.results)}\n`);
  if (values.json) writeFileSync(values.json, `${JSON.stringify({ endpoint: values.endpoint, date: new Date().toISOString(), ...report }, null, 2)}\n`);
  if (values.markdown) writeFileSync(values.markdown, markdownOf(report));
  console.log(summaryLine(report));
  process.exitCode = report.failed > 0 ? 1 : 0;
};

runTool('conformance', USAGE, main, 2);
