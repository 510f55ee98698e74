// npm run mutate:conditions (on demand, not in CI): StrykerJS over the concurrency conditions only, the writes that keep
// two runners from holding one attempt and a finished dependency from being lost (issue 20): the claim, the lease
// (renewal, release, expiry, the task's own completion), the join (a dependency leaving its dependent's pending set),
// and the deletes (a pipeline marked deleted, a task or attempt canceled). Each is a method of a store adapter; its
// lines are found by name when this file loads, so the ranges follow the code. The tests are the unit tests and the
// integration files that race those writes on a real engine (jest.mutate.config.js, MUTATE_TESTS).
import { readFileSync } from 'node:fs';
import base from './stryker.config.mjs';

const METHODS = {
  'lambda/store/dynamodb-run-store.ts': [
    'putIfAbsent',
    'update',
    'claim',
    'setLease',
    'parkClaimed',
    'release',
    'cancelAttempt',
    'expire',
    'reportProgress',
    'dependencyFinished',
    'finishAttempt',
  ],
  'lambda/store/dynamodb-task-store.ts': ['completeTask', 'cancelTask', 'recordAttempt'],
  'lambda/store/dynamodb-pipeline-store.ts': ['markDeleted'],
};

/** `file:first-last`: a method's lines, from its signature to the closing brace at its indent. */
const rangeOf = (file, method) => {
  const lines = readFileSync(new URL(file, import.meta.url), 'utf8').split('\n');
  const first = lines.findIndex((l) => new RegExp(`^  (private )?(async )?${method}\\(`).test(l));
  if (first < 0) throw new Error(`stryker.conditions.config.mjs: no method ${method} in ${file}`);
  const last = lines.findIndex((l, i) => i > first && l === '  }');
  return `${file}:${first + 1}-${last + 1}`;
};

process.env.MUTATE_WITH_INTEGRATION = '1';
process.env.MUTATE_TESTS ??= 'run-engine,runs,state-rules,atomicity,pipeline-crashes';

export default {
  ...base,
  mutate: Object.entries(METHODS).flatMap(([file, methods]) => methods.map((m) => rangeOf(file, m))),
  htmlReporter: { fileName: 'artifacts/mutation-conditions/index.html' },
  jsonReporter: { fileName: 'artifacts/mutation-conditions/report.json' },
  tempDirName: 'artifacts/stryker-conditions-tmp',
  // An emptied string, object or array here is an invalid request (an empty condition, a missing name or value):
  // DynamoDB refuses it and the call answers 500, which any test through the line sees. Left out, the run spends
  // its time on the mutants that change a decision: a condition's outcome taken the other way, a branch removed.
  mutator: { excludedMutations: ['StringLiteral', 'ObjectLiteral', 'ArrayDeclaration'] },
  thresholds: { high: 100, low: 90, break: null },
};
