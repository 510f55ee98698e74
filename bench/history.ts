/**
 * The run calls on a pipeline with a long history against the same calls on a fresh one, side by side in one
 * run: median latency of each call and the DynamoDB requests it makes (counted at a proxy in front of the
 * engine). A call reads what it touches, by key, so the ratio should stay near 1 (issue 17: within 1.2).
 */
import {
  ActivatePipelineCommand,
  CreatePipelineCommand,
  DataPipelineClient,
  DescribeObjectsCommand,
  DescribePipelinesCommand,
  PollForTaskCommand,
  PutPipelineDefinitionCommand,
  QueryObjectsCommand,
  ReportTaskProgressCommand,
  SetTaskStatusCommand,
} from '@aws-sdk/client-data-pipeline';
import { tableNamesFromEnv } from '../lambda/store/tables';
import { writeRunHistory } from '../tools/seeding';
import { dynamoDbClient } from '../local/dynamodb';
import { startEngine } from '../local/engine';
import { startLocalEndpoint } from '../local/endpoint';
import { dataPipelineClient } from '../tools/targets';
import { startCountingProxy } from './counting-proxy';

export const HISTORY_ITEMS = 5000;
const CYCLES = Number(process.env.BENCH_HISTORY_CYCLES ?? 30);
const WARM_CYCLES = 10;

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const round = (x: number, digits = 2) => Number(x.toFixed(digits));

const CALLS = ['PollForTask', 'ReportTaskProgress', 'SetTaskStatus', 'DescribePipelines', 'DescribeObjects', 'QueryObjects'] as const;
type Call = (typeof CALLS)[number];

type Samples = Record<Call, { ms: number[]; requests: number[] }>;
const newSamples = (): Samples => Object.fromEntries(CALLS.map((c) => [c, { ms: [] as number[], requests: [] as number[] }])) as Samples;

/** One run of B then C (C depends on B), from its activation; each call timed and its engine requests counted. */
const cycle = async (sdk: DataPipelineClient, pipelineId: string, workerGroup: string, take: () => Record<string, number>, samples: Samples) => {
  const timed = async <T>(call: Call, f: () => Promise<T>): Promise<T> => {
    take();
    const t = process.hrtime.bigint();
    const out = await f();
    samples[call].ms.push(Number(process.hrtime.bigint() - t) / 1e6);
    samples[call].requests.push(Object.values(take()).reduce((a, b) => a + b, 0));
    return out;
  };
  await sdk.send(new ActivatePipelineCommand({ pipelineId }));
  for (let step = 0; step < 2; step++) {
    const { taskObject } = await timed('PollForTask', () => sdk.send(new PollForTaskCommand({ workerGroup, hostname: 'bench' })));
    if (!taskObject?.taskId) throw new Error('no task handed out');
    await timed('ReportTaskProgress', () => sdk.send(new ReportTaskProgressCommand({ taskId: taskObject.taskId })));
    await timed('SetTaskStatus', () => sdk.send(new SetTaskStatusCommand({ taskId: taskObject.taskId, taskStatus: 'FINISHED' })));
    const instanceId = taskObject.attemptId!.replace(/_Attempt=\d+$/, '');
    await timed('DescribeObjects', () => sdk.send(new DescribeObjectsCommand({ pipelineId, objectIds: [instanceId, taskObject.attemptId!] })));
  }
  await timed('DescribePipelines', () => sdk.send(new DescribePipelinesCommand({ pipelineIds: [pipelineId] })));
  await timed('QueryObjects', () => sdk.send(new QueryObjectsCommand({ pipelineId, sphere: 'INSTANCE', limit: 10 })));
};

export const measureHistory = async () => {
  const engine = await startEngine({ host: '127.0.0.1', port: 0 });
  const proxy = await startCountingProxy(engine.url);
  const endpoint = await startLocalEndpoint({ host: '127.0.0.1', dynamodbHost: '127.0.0.1', port: 0, dynamodbPort: 0, dynamodbEndpoint: proxy.url });
  const names = tableNamesFromEnv(process.env);
  const db = dynamoDbClient(engine.url);
  const sdk = dataPipelineClient(endpoint.apiUrl, { maxAttempts: 1 });
  try {
    const pipelineWith = async (history: number) => {
      const workerGroup = `history-${history}`;
      const { pipelineId } = await sdk.send(new CreatePipelineCommand({ name: workerGroup, uniqueId: workerGroup }));
      const field = (key: string, stringValue: string) => ({ key, stringValue });
      await sdk.send(
        new PutPipelineDefinitionCommand({
          pipelineId: pipelineId!,
          pipelineObjects: [
            { id: 'Default', name: 'Default', fields: [field('scheduleType', 'ondemand'), field('workerGroup', workerGroup)] },
            { id: 'B', name: 'B', fields: [field('type', 'ShellCommandActivity'), field('command', 'true')] },
            { id: 'C', name: 'C', fields: [field('type', 'ShellCommandActivity'), field('command', 'true'), { key: 'dependsOn', refValue: 'B' }] },
          ],
        }),
      );
      await writeRunHistory(db, names.objects, pipelineId!, history, 'B');
      return { pipelineId: pipelineId!, workerGroup };
    };
    const fresh = await pipelineWith(10);
    const old = await pipelineWith(HISTORY_ITEMS);
    // Warm both (JIT, caches), then measure them cycle by cycle in turn: drift over the run falls on both alike.
    const [freshSamples, oldSamples, warm] = [newSamples(), newSamples(), newSamples()];
    for (let i = 0; i < WARM_CYCLES; i++) for (const p of [fresh, old]) await cycle(sdk, p.pipelineId, p.workerGroup, proxy.take, warm);
    for (let i = 0; i < CYCLES; i++) {
      await cycle(sdk, fresh.pipelineId, fresh.workerGroup, proxy.take, freshSamples);
      await cycle(sdk, old.pipelineId, old.workerGroup, proxy.take, oldSamples);
    }
    return Object.fromEntries(
      CALLS.map((c) => {
        const f = median(freshSamples[c].ms);
        const o = median(oldSamples[c].ms);
        return [
          c,
          {
            freshMs: round(f),
            historyMs: round(o),
            ratio: round(o / f),
            freshRequests: median(freshSamples[c].requests),
            historyRequests: median(oldSamples[c].requests),
          },
        ];
      }),
    ) as Record<Call, { freshMs: number; historyMs: number; ratio: number; freshRequests: number; historyRequests: number }>;
  } finally {
    sdk.destroy();
    db.destroy();
    await endpoint.close();
    await proxy.close();
    await engine.close();
  }
};

if (require.main === module) {
  measureHistory().then(
    (r) => console.log(JSON.stringify(r, null, 2)),
    (err: unknown) => {
      console.error(err);
      process.exit(1);
    },
  );
}
