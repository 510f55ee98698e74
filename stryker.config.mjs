// npm run mutate (on demand, not in CI): StrykerJS mutates the run engine (lambda/runs), runs the unit tests that
// cover each mutant (jest.mutate.config.js says why not the integration tests by default), and reports the score:
// docs/decisions.md records it, and `break` holds it as a floor. Narrower, with the integration tests too:
// MUTATE_WITH_INTEGRATION=1 npm run mutate -- --mutate lambda/store/dynamodb-run-store.ts:370-380
export default {
  testRunner: 'jest',
  jest: { projectType: 'custom', configFile: 'jest.mutate.config.js', enableFindRelatedTests: false },
  mutate: ['lambda/runs/**/*.ts'],
  coverageAnalysis: 'perTest',
  concurrency: 2,
  timeoutMS: 60_000,
  reporters: ['clear-text', 'progress', 'html', 'json'],
  htmlReporter: { fileName: 'artifacts/mutation/index.html' },
  jsonReporter: { fileName: 'artifacts/mutation/report.json' },
  tempDirName: 'artifacts/stryker-tmp',
  thresholds: { high: 90, low: 75, break: 68 },
  ignorePatterns: ['cdk.out', 'dist', 'artifacts', 'moto.log', '*.log'],
};
