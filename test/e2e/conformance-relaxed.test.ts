/** The run cases against a local endpoint with relaxed limits: those that need seconds-long retries and leases run too. */
import { CASES } from '../../tools/conformance/cases';
import { runConformance } from '../../tools/conformance/run';
import { deleteCreatedPipelines } from '../../tools/conformance/lifecycle-cases';
import { dataPipelineClient, resolveTables } from '../../tools/targets';
import { RunningEndpoint, startEndpoint } from '../support/local-endpoint';

let endpoint: RunningEndpoint;
beforeAll(async () => {
  process.env.RELAXED_LIMITS = 'true'; // read by the handler bundle when this file's endpoint loads it
  endpoint = await startEndpoint();
});
afterAll(async () => {
  delete process.env.RELAXED_LIMITS;
  await endpoint.close();
});

it('passes every run case; only the check of the limits that relaxed limits lift is skipped', async () => {
  const sdk = dataPipelineClient(endpoint.apiUrl, { maxAttempts: 1 });
  const tables = await resolveTables({ dynamodbEndpoint: endpoint.dynamodbUrl });
  const report = await runConformance(
    { sdk, tables, endpoint: endpoint.apiUrl, isLocal: true },
    undefined,
    CASES.filter((c) => c.id.startsWith('run-')),
  );
  await deleteCreatedPipelines();
  sdk.destroy();
  tables.client.destroy();
  expect(report.results.filter((r) => r.status !== 'pass').map((r) => [r.id, r.status, r.detail])).toEqual([
    ['run-limits-validated', 'skip', 'the endpoint runs with relaxed limits, which lift these'],
  ]);
}, 120_000);
