// npm run mutate (on demand, not in CI): StrykerJS mutates the run engine and its stores, runs the unit and
// integration tests that cover each mutant, and reports the score (docs/decisions.md records it; `break` is the floor).
// A narrower run: npm run mutate -- --mutate lambda/runs/transitions.ts
export default {
  testRunner: 'jest',
  jest: { projectType: 'custom', configFile: 'jest.mutate.config.js', enableFindRelatedTests: false },
  mutate: ['lambda/runs/**/*.ts', 'lambda/store/dynamodb-run-store.ts', 'lambda/store/dynamodb-task-store.ts'],
  coverageAnalysis: 'perTest',
  concurrency: 2,
  timeoutMS: 60_000,
  reporters: ['clear-text', 'progress', 'html', 'json'],
  htmlReporter: { fileName: 'artifacts/mutation/index.html' },
  jsonReporter: { fileName: 'artifacts/mutation/report.json' },
  tempDirName: 'artifacts/stryker-tmp',
  thresholds: { high: 90, low: 75, break: null },
  ignorePatterns: ['cdk.out', 'dist', 'artifacts', 'moto.log', '*.log'],
};
