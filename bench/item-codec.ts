/**
 * `npx tsx bench/item-codec.ts`: the store's item codec (lambda/store/item-codec.ts) against @aws-sdk/util-dynamodb's
 * marshall + unmarshall, on an attempt-shaped item of 8 attributes, in one run (ns per item, write and read back).
 * docs/decisions.md records the figures.
 */
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import { Item, n, s, str } from '../lambda/store/item-codec';

const attempt = {
  pipelineId: 'df-0123456789ABCDEFGHIJ',
  objectId: '@Hello_2026-12-07T02:00:00_Attempt=1',
  status: 'WAITING_FOR_RUNNER',
  readyKey: '123456789012#wg',
  availableAt: '2026-12-07T02:00:00.000Z',
  attemptNumber: 1,
  componentId: 'Hello',
  runId: '2026-12-07T02:00:00',
};
const ROUNDS = 300_000;

const ours = () => {
  const item: Item = {
    pipelineId: s(attempt.pipelineId),
    objectId: s(attempt.objectId),
    status: s(attempt.status),
    readyKey: s(attempt.readyKey),
    availableAt: s(attempt.availableAt),
    attemptNumber: n(attempt.attemptNumber),
    componentId: s(attempt.componentId),
    runId: s(attempt.runId),
  };
  return [str(item, 'pipelineId'), str(item, 'status'), Number(item.attemptNumber.N)];
};
const library = () => {
  const back = unmarshall(marshall(attempt));
  return [back.pipelineId, back.status, back.attemptNumber];
};

const nsPerItem = (f: () => unknown): number => {
  for (let i = 0; i < 20_000; i++) f();
  const start = process.hrtime.bigint();
  for (let i = 0; i < ROUNDS; i++) f();
  return Number(process.hrtime.bigint() - start) / ROUNDS;
};

for (let round = 1; round <= 3; round++) {
  const a = nsPerItem(ours);
  const b = nsPerItem(library);
  console.log(`round ${round}: item-codec ${a.toFixed(0)} ns/item, util-dynamodb ${b.toFixed(0)} ns/item, ratio ${(b / a).toFixed(0)}x`);
}
