// npm run mutate:conditions (on demand, not in CI): StrykerJS over the concurrency conditions only, the writes that keep
// two runners from holding one attempt and a finished dependency from being lost (issue 20): the claim (of an attempt,
// of a schedule's marker; parking, which takes an attempt out of the ready index), the lease (renewal, release,
// expiry, progress, the task's own completion), the join (a dependency leaving its dependent's pending set), and the
// deletes (a pipeline marked deleted, a task or attempt canceled). Each is a method of a store adapter (or a function
// that builds one's request); its lines are found by name when this file loads, so the ranges follow the code. The
// tests: the unit tests, test/integration/store-conditions.test.ts (each clause of each condition, on a real engine,
// in seconds) and atomicity.test.ts (SetTaskStatus racing itself). Then tools/mutate-clauses.ts mutates the
// condition strings themselves, which Stryker can only empty (see there).
import { readFileSync } from 'node:fs';
import base from './stryker.config.mjs';

const METHODS = {
  'lambda/store/dynamodb-run-store.ts': [
    'putIfAbsent',
    'update',
    'advanceSchedule',
    'claim',
    'instanceStarted',
    'setLease',
    'park',
    'unpark',
    'parkClaimed',
    'release',
    'cancelAttempt',
    'expire',
    'reportProgress',
    'dependencyFinished',
    'finishAttempt',
  ],
  'lambda/store/dynamodb-task-store.ts': ['completeTask', 'cancelTask', 'recordAttempt', 'completionUpdate'],
  'lambda/store/dynamodb-pipeline-store.ts': ['markDeleted'],
};

/** `file:first-last`: a method's lines (or a module-level arrow function's), from its signature to the closing brace at its indent. */
const rangeOf = (file, name) => {
  const lines = readFileSync(new URL(file, import.meta.url), 'utf8').split('\n');
  const method = lines.findIndex((l) => new RegExp(`^  (private )?(async )?${name}\\(`).test(l));
  const first = method >= 0 ? method : lines.findIndex((l) => l.startsWith(`const ${name} = `));
  if (first < 0) throw new Error(`stryker.conditions.config.mjs: no method or function ${name} in ${file}`);
  const last = lines.findIndex((l, i) => i > first && l === (method >= 0 ? '  }' : '};'));
  return `${file}:${first + 1}-${last + 1}`;
};

process.env.MUTATE_WITH_INTEGRATION = '1';
process.env.MUTATE_TESTS ??= 'store-conditions,atomicity';

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
  // The floor: no surviving mutant (issue 20).
  thresholds: { high: 100, low: 90, break: 100 },
};
